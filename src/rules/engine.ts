// The one streaming rules engine. Its model of a session, which every check reads (rules in contracts/rules):
// - Who a connection and a run belong to: attribution.ts. Where each sighting sits in its connection's stream of the
//   run (seq, resume): seq-tracker.ts. Runs, their first sightings and their retention: run-book.ts.
// - A run's events on another user's connection are foreign: reported, and otherwise ignored.
// - A run is finalised `retainMs` after its terminal event (or at finish): fan-out, open pairs and holes are judged
//   then and its state is dropped. With `settledRetainMs` (load), a settled run (every connection of the owner that
//   had it holds all of it, and no other run or start of the user is in flight: settledNow) is finalised that long
//   after it settled instead. What comes for a finalised run later gets per-frame checks, isolation, the order
//   checks of a seq past the run's last one, and seq.no-repeat of a copy on a connection that held the settled run.
// - At the end, a connection is "still there" when it is open or was closed by the client in the closing records
//   (the recorder's teardown). A run without a terminal is missing only if a connection of its user listened from
//   its last event (or resumed it) to the end; otherwise it is unobserved (counted in stats, not a violation).
import type { Protocol } from '../protocol';
import type { Direction, TokenKind } from '../sessions';
import { Attribution } from './attribution';
import type { EngineView } from './check-kind';
import { createRuleHooks, StateSlots } from './check-context';
import { Findings } from './findings';
import { HookTable } from './hook-table';
import * as model from './model';
import { SeqMap, type ConnState, type FrameInfo, type PendingResume, type RunConnState, type RunState } from './model';
import * as runBook from './run-book';
import * as seqTracker from './seq-tracker';
import type { Checker, CheckerStats, MessageValidators, Profile, RuleDef, SchemaError, Violation } from './types';
import { REDACTED } from '../util/redact';
import * as arrays from '../util/arrays';

// The per-frame path reads its helpers from local constants, bound once at load: compiled to CommonJS (esbuild, in
// dist/ and under tsx), every use of an imported binding is a call of a shared getter, a few per frame.
const { ERROR_TYPE, ESTABLISHED_TYPE, RESUME_TYPE, START_AGENT_TYPE, detach, newFrame, viewOf } = model;
const { RunBook, isFirstSighting, noteFirstSighting } = runBook;
const { applyResume, noteHeld, refuseResumes, runConnOf, takeHoles, trackSeq } = seqTracker;
const { removeAt } = arrays;

// A redacted auth_refresh token still stood for a token of valid shape; validate it as such.
const TOKEN_STAND_IN = 'redacted.redacted.redacted';
const NOT_JSON: readonly SchemaError[] = Object.freeze([{ pointer: '', keyword: 'json', message: 'is not JSON' }]);

export interface EngineParts {
  rules: readonly RuleDef[];
  profile: Profile;
  validate: MessageValidators;
  protocol: Protocol;
  retainMs: number;
  /** Finalise a settled run this long after it settled (`CheckerOptions.settledRetainMs`); undefined: off. */
  settledRetainMs?: number;
  findings: Findings;
  keepFrames: boolean;
}

/**
 * Feed it a session's records in order (`open`, `frame`, `close`), then call `finish`. State is kept per connection
 * and per run, O(1) per event; per frame, only the checks that can fire on its type run.
 */
export class Engine implements Checker, EngineView {
  finishT = 0;
  private readonly hooks = new HookTable();
  private readonly who: Attribution;
  private readonly book: runBook.RunBook;
  private readonly validate: MessageValidators;
  private readonly protocol: Protocol;
  private readonly findings: Findings;
  private readonly keepFrames: boolean;
  private readonly slots = new StateSlots();
  private order = 0;
  private lastNonCloseOrder = 0;
  private lastT = 0;
  private records = 0;
  private frames = 0;
  private unobservedRuns = 0;
  private finished = false;
  /** By type id: the type is a run event / ends a run. */
  private readonly runEventIds: boolean[];
  private readonly terminalIds: boolean[];
  private readonly serverIds: boolean[];

  constructor(parts: EngineParts) {
    this.validate = parts.validate;
    this.protocol = parts.protocol;
    this.findings = parts.findings;
    this.keepFrames = parts.keepFrames;
    this.who = new Attribution(parts.protocol.startType);
    this.book = new RunBook(parts.retainMs, parts.settledRetainMs);
    const env = {
      profile: parts.profile,
      protocol: parts.protocol,
      engine: this,
      findings: this.findings,
      slots: this.slots,
      typeId: (type: string) => this.hooks.idOf(type),
    };
    for (const rule of parts.rules) this.hooks.add(createRuleHooks(rule, env));
    const protocol = parts.protocol;
    this.hooks.seal([...protocol.serverTypes, ...protocol.clientTypes, ...protocol.runEventTypes]);
    this.runEventIds = this.idsOf(protocol.runEventTypes);
    this.terminalIds = this.idsOf(protocol.terminalTypes);
    this.serverIds = this.idsOf(protocol.serverTypes);
  }

  get violations(): readonly Violation[] {
    return this.findings.violations;
  }

  get warnings(): readonly Violation[] {
    return this.findings.warnings;
  }

  get users(): EngineView['users'] {
    return this.who.users;
  }

  get openConns(): EngineView['openConns'] {
    return this.who.openConns;
  }

  // ---- records -----------------------------------------------------------------------------------------------

  open(connId: string, user: string | null, t: number, line?: number, tokenKind: TokenKind = 'valid'): void {
    this.tick(t, line);
    this.lastNonCloseOrder = this.order;
    const conn = this.who.openConn(connId, user, t, line, tokenKind);
    for (const hook of this.hooks.connOpen) hook(conn);
  }

  frame(
    connId: string,
    dir: Direction,
    msg: unknown,
    raw: string | undefined,
    t: number,
    line?: number,
    tokenKind?: TokenKind,
  ): void {
    this.tick(t, line);
    this.lastNonCloseOrder = this.order;
    this.frames++;
    const conn = this.who.openConns.get(connId) ?? this.who.openConn(connId, null, t, line, 'valid');
    const f = newFrame(conn, dir, msg, raw, t, line);
    const id = this.hooks.typeId(f.type);
    f.setType(id, this.hooks.nameOf(id));
    if (raw !== undefined) {
      f.errors = NOT_JSON;
    } else {
      const result = dir === 's2c' ? this.validate.server(msg) : this.validate.client(standIn(f) ?? msg);
      if (result.ok) f.valid = true;
      else f.errors = result.errors;
    }
    if (dir === 's2c') {
      this.serverFrame(f);
    } else {
      if (tokenKind !== undefined) f.tokenKind = tokenKind;
      this.clientFrame(f);
    }
  }

  close(connId: string, code: number, reason: string, by: 'client' | 'server', t: number, line?: number): void {
    this.tick(t, line);
    const conn = this.who.openConns.get(connId);
    if (!conn) return;
    conn.closed = true;
    conn.closeT = t;
    conn.closeLine = line;
    conn.closeCode = code;
    conn.closeBy = by;
    conn.closeOrder = this.order;
    this.who.openConns.delete(connId);
    const info = { code, reason, by, t, line };
    for (const hook of this.hooks.connClose) hook(conn, info);
    for (const rc of conn.views) this.flushHoles(rc);
    conn.pendingResumes = undefined;
    if (conn.user === null) return;
    const user = this.who.users.get(conn.user);
    if (user && user.runs.size === 0) this.who.pruneConns(user);
  }

  finish(t?: number): Violation[] {
    if (this.finished) return this.findings.violations.slice();
    this.finished = true;
    this.finishT = t ?? this.lastT;
    for (const run of this.book.liveRuns()) this.finalize(run, true);
    for (const hook of this.hooks.finish) hook();
    return this.findings.violations.slice();
  }

  stats(): CheckerStats {
    return {
      records: this.records,
      frames: this.frames,
      conns: this.who.conns,
      users: this.who.users.size,
      runs: this.book.created,
      unobservedRuns: this.unobservedRuns,
    };
  }

  // ---- engine view -------------------------------------------------------------------------------------------

  presentAtEnd(conn: ConnState): boolean {
    if (!conn.closed) return true;
    // The closes a recorder writes when it tears the scenario down come after the last frame: the client was
    // still there at the end.
    return conn.closeBy === 'client' && (conn.closeOrder ?? 0) > this.lastNonCloseOrder;
  }

  listener(run: RunState): ConnState | undefined {
    const since = run.last?.t ?? run.firstAny?.t ?? 0;
    for (const conn of run.user.conns) {
      if (conn.refused || conn.establishedT === undefined) continue;
      if ((conn.establishedT <= since || viewOf(run, conn)?.resumeStands) && this.presentAtEnd(conn)) return conn;
    }
    return undefined;
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private idsOf(types: ReadonlySet<string>): boolean[] {
    const flags: boolean[] = [];
    for (const type of types) flags[this.hooks.typeId(type)] = true;
    return flags;
  }

  private tick(t: number, line: number | undefined): void {
    this.order++;
    this.records++;
    if (t > this.lastT) this.lastT = t;
    if (line !== undefined) this.findings.lastLine = line;
    for (let run = this.book.due(t); run !== undefined; run = this.book.due(t)) this.finalize(run, false);
  }

  private serverFrame(f: FrameInfo): void {
    const id = f.typeId;
    for (const hook of this.hooks.serverFrame.of(id)) hook(f);
    const conn = f.conn;
    conn.lastS2cT = f.t;
    if (conn.firstS2c === undefined) {
      conn.firstS2c = f;
      conn.establishedFirst = f.type === ESTABLISHED_TYPE;
    }
    if (conn.refused || !this.who.followServerFrame(f)) return;
    if (f.type === ERROR_TYPE) {
      const msg = f.msg as Record<string, any>;
      const requestId = typeof msg.request_id === 'string' ? msg.request_id : undefined;
      const answersStart = this.who.answerStart(f, requestId);
      refuseResumes(conn, requestId, msg.run_id, answersStart, this.book.runs);
      return;
    }
    if (conn.user === null || (this.runEventIds[id] !== true && !this.unknownRunEvent(f, id))) return;
    const runId = (f.msg as Record<string, unknown>).run_id;
    if (typeof runId !== 'string') return;
    this.runEvent(f, id, runId, conn.user);
    if (!this.keepFrames) detach(f);
  }

  /**
   * With a tolerant reader, a server message of a type this contract does not know that carries a run's `run_id` and
   * `seq` is an event of that run added by a newer contract: followed for seq, fan-out and order, not for its type.
   */
  private unknownRunEvent(f: FrameInfo, id: number): boolean {
    if (!this.protocol.tolerantReader || f.type === undefined || this.serverIds[id] === true) return false;
    const msg = f.msg as Record<string, unknown>;
    return typeof msg.run_id === 'string' && Number.isInteger(msg.seq);
  }

  private clientFrame(f: FrameInfo): void {
    for (const hook of this.hooks.clientFrame.of(f.typeId)) hook(f);
    const msg = f.msg;
    const user = f.conn.user;
    if (!msg || user === null) return;
    if (f.type === START_AGENT_TYPE && typeof msg.request_id === 'string') {
      this.who.noteStart(f, user, msg.request_id);
    } else if (f.type === RESUME_TYPE && f.valid) {
      const resume: PendingResume = {
        runId: msg.run_id,
        lastSeq: msg.last_seq,
        t: f.t,
        line: f.line,
        requestId: typeof msg.request_id === 'string' ? msg.request_id : undefined,
        applied: false,
      };
      (f.conn.pendingResumes ??= new Map()).set(resume.runId, resume);
      const run = this.book.get(resume.runId);
      // A finalised run has no views any more: what its replay brings is checked as late events.
      if (run && run.owner === user && !run.finalized) applyResume(runConnOf(run, f.conn), resume);
    }
  }

  private runEvent(f: FrameInfo, id: number, runId: string, connUser: string): void {
    const cached = f.conn.lastRun;
    let run = cached !== undefined && cached.id === runId ? cached : this.book.get(runId);
    if (run === undefined) {
      run = this.book.create(runId, this.who.userOf(this.who.ownerOf(f, connUser)), this.slots.run);
    } else if (run.finalized) {
      return this.lateEvent(f, run);
    }
    f.conn.lastRun = run;
    const rawSeq = (f.msg as Record<string, unknown>).seq;
    const seq = typeof rawSeq === 'number' && Number.isInteger(rawSeq) && rawSeq >= 0 ? rawSeq : undefined;
    f.seq = seq;
    run.firstAny ??= f;
    if (run.owner !== connUser) {
      // The owner's first sighting of a seq is kept in bySeq (ownerSighting); a foreign one only when it came first.
      if (seq !== undefined && !run.bySeq.has(seq) && run.foreignFirst?.has(seq) !== true) {
        (run.foreignFirst ??= new SeqMap()).set(seq, f);
      }
      for (const hook of this.hooks.foreignRunEvent) hook(f, run);
      return;
    }
    this.ownerSighting(f, id, run, seq);
  }

  private ownerSighting(f: FrameInfo, id: number, run: RunState, seq: number | undefined): void {
    const conn = f.conn;
    const cachedView = conn.lastView;
    const rc = cachedView !== undefined && cachedView.run === run ? cachedView : runConnOf(run, conn);
    conn.lastView = rc;
    if (conn.pendingResumes !== undefined) conn.pendingResumes.delete(run.id);
    const first = isFirstSighting(run, f, seq);
    f.first = first;
    f.resumed = rc.resumes > 0;
    f.runFirst = !run.ownerSighted;
    if (!run.ownerSighted) {
      run.ownerSighted = true;
      run.firstOwner = f;
      this.who.linkStart(run, f, true);
    } else if (first && f.type === this.protocol.startType && !run.start) {
      this.who.linkStart(run, f, false);
    }
    trackSeq(f, rc, seq);
    for (const hook of this.hooks.runEvent.of(id)) hook(f, run, rc);
    if (first) for (const hook of this.hooks.runEventFirst.of(id)) hook(f, run);
    if (seq !== undefined) noteHeld(rc, seq, f.line);
    const terminal = this.terminalIds[id] === true;
    let ended = false;
    if (first) {
      noteFirstSighting(run, f, seq);
      if (terminal && !run.terminal) {
        run.terminal = f;
        ended = true;
      }
    }
    if (terminal) run.terminalSeen = true;
    run.last = f;
    if (run.terminal !== undefined) this.queueEnded(run, f.t, ended);
  }

  /**
   * Queues an ended run for finalising: a settled run soon (`settledRetainMs`), else `retainMs` after its terminal.
   * Queued once when it settles with its terminal (under load, almost every run); a run that settles later is in
   * both queues, and whichever comes first finalises it.
   */
  private queueEnded(run: RunState, t: number, ended: boolean): void {
    if (run.settledT === undefined && this.book.retainsSettledLess && this.settledNow(run)) {
      this.book.retainSettled(run, t);
    } else if (ended) {
      this.book.retain(run, t);
    }
  }

  /**
   * The run's terminal is in, no seq of it is missing (1 to the terminal's), every connection that had any of it
   * holds all of it (one cut off part-way will likely resume) with no resume pending, and every open connection of
   * the owner had it: nothing more is owed to anyone. Seen by another user: not settled. A run that is not settled
   * keeps the full retention, as every run does without `settledRetainMs`.
   */
  private settledNow(run: RunState): boolean {
    // Another run of the user, or a start of it, still in flight: the limit rules judge what was going by the
    // server's stamps, and fan-out may deliver a run's end before a refusal stamped earlier. Keep the retention.
    if (run.user.runs.size > 1 || run.user.pendingStarts.length > 0) return false;
    const count = run.bySeq.size;
    if (run.foreignFirst !== undefined || run.minSeq !== 1 || run.maxSeq !== count) return false;
    if (run.terminal?.seq !== count) return false;
    for (const rc of run.views) {
      if (rc.haveLine.size < count || rc.holes.length > 0 || rc.resumePendingFrom !== undefined) return false;
    }
    for (const conn of run.user.conns) {
      if (conn.closed || conn.refused || conn.establishedT === undefined) continue;
      if (viewOf(run, conn) === undefined) return false;
    }
    return true;
  }

  /**
   * An event of a run already finalised: a late replay to its owner, or a foreign event. For the owner, `f.first`
   * says the event is new: its seq is past every seq the run had (the run's `maxSeq` follows it).
   */
  private lateEvent(f: FrameInfo, run: RunState): void {
    const rawSeq = (f.msg as Record<string, unknown>).seq;
    const seq = typeof rawSeq === 'number' && Number.isInteger(rawSeq) ? rawSeq : undefined;
    f.seq = seq;
    f.conn.lastRun = run;
    if (run.owner !== f.conn.user) {
      for (const hook of this.hooks.foreignRunEvent) hook(f, run);
      return;
    }
    const beyond = seq !== undefined && (run.maxSeq === undefined || seq > run.maxSeq);
    f.first = beyond;
    if (beyond) run.maxSeq = seq;
    else if (seq !== undefined && heldWhenSettled(run, f.conn, seq)) f.seqStatus = 'repeat';
    for (const hook of this.hooks.lateRunEvent) hook(f, run);
  }

  private flushHoles(rc: RunConnState): void {
    const holes = takeHoles(rc);
    if (holes.length === 0) return;
    for (const hook of this.hooks.seqHoles) hook(rc, holes);
  }

  private finalize(run: RunState, atFinish: boolean): void {
    if (run.finalized) return;
    for (const rc of run.views) this.flushHoles(rc);
    if (!run.terminalSeen && !this.listener(run)) this.unobservedRuns++;
    for (const hook of this.hooks.runFinalize) hook(run, atFinish);
    for (const rc of run.views) {
      const views = rc.conn.views;
      removeAt(views, views.indexOf(rc));
      if (rc.conn.lastView === rc) rc.conn.lastView = undefined;
    }
    this.book.retire(run);
    this.who.pruneConns(run.user);
  }
}

/**
 * The connection held this seq when the run settled: it was open and established then, and every such connection
 * of the owner held every seq up to the terminal's.
 */
function heldWhenSettled(run: RunState, conn: ConnState, seq: number): boolean {
  const settledT = run.settledT;
  if (settledT === undefined || run.end?.seq === undefined || seq > run.end.seq || seq < 1) return false;
  return !conn.refused && conn.establishedT !== undefined && conn.establishedT <= settledT;
}

/** A redacted `auth_refresh` validated as the token-shaped message it was. */
function standIn(f: FrameInfo): Record<string, unknown> | undefined {
  const msg = f.msg;
  if (msg && f.type === 'auth_refresh' && msg.token === REDACTED) return { ...msg, token: TOKEN_STAND_IN };
  return undefined;
}
