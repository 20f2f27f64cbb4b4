import type { Direction } from '../sessions';
import { findCheckKind } from './checks';
import { RulesError } from './errors';
import { fillTemplate } from './template';
import type { Checker, CheckerOptions, CheckerStats, MessageValidators, Profile, RuleDef, Violation } from './types';
import { loadGeneratedValidators, loadProtocol, type Protocol } from '../protocol';
import {
  ERROR_TYPE,
  ESTABLISHED_TYPE,
  RESUME_TYPE,
  START_AGENT_TYPE,
  type CheckHooks,
  type ConnState,
  type EngineView,
  type FrameInfo,
  type PendingResume,
  type PendingStart,
  type ReportAt,
  type RunConnState,
  type RunState,
  type UserState,
  SeqMap,
} from './model';

// The engine's model of a session, which every check reads (decisions documented here, rules in contracts/rules):
// - A connection belongs to the user of its token (open record; else connection_established.user_id). It is
//   established at connection_established (or at the first other server message) and refused by an error_message
//   before it; a refused connection takes no part in runs.
// - A run belongs to the user who started it: the user whose pending start_agent the agent_started's request_id
//   matches, else the user its user_id names (when that user is in the session), else the connection's user. Its
//   events on another user's connection are foreign: reported, and otherwise ignored.
// - The owner's copies of an event (one per tab, plus replays) are de-duplicated by seq and type; run-level checks see
//   each event once ("first sighting"), per-connection checks (seq.*) see every copy.
// - A run is linked to its start_agent by request_id; a run that shows up without a matching agent_started takes
//   the user's oldest waiting start_agent (so one fault is not also reported as an unanswered start).
// - Seq is followed per (run, connection): the first event a connection gets sets its base unless it sent resume
//   {last_seq}, which means it holds 1..last_seq and expects last_seq + 1 next. Right after a resume a live event may
//   overtake the replay: that gap stays open until the replay fills it.
// - A run is finalised `retainMs` after its terminal event (or at finish): fan-out, open pairs and holes are judged
//   then and its state is dropped; later replays of it get per-connection checks only.
// - At the end, a connection is "still there" when it is open or was closed by the client in the closing records
//   (the recorder's teardown). A run without a terminal is missing only if a connection of its user listened from
//   its last event (or resumed it) to the end; otherwise it is unobserved (counted in stats, not a violation).

const DEFAULT_RETAIN_MS = 30_000;
// Ids of finalised runs remembered to recognise late replays; the oldest are forgotten past this many.
const TOMBSTONE_LIMIT = 100_000;
// A redacted auth_refresh token still stood for a token of valid shape; validate it as such.
const REDACTED = '<redacted>';
const TOKEN_STAND_IN = 'redacted.redacted.redacted';

type HookName = keyof CheckHooks;
type HookLists = { [K in HookName]: NonNullable<CheckHooks[K]>[] };

/**
 * Creates the one streaming rules engine. Feed it a session's records in order (`open`, `frame`, `close`), then call
 * `finish`. State is kept per connection and per run, O(1) per event; a run is finalised and dropped `retainMs`
 * after its terminal event. Violations are available live (`violations`, `onViolation`) and from `finish`.
 *
 * @example
 * const checker = createChecker({ rules: loadRules(), profile: loadProfiles().get('local') });
 * checker.open('c1', 'alice', 0, 2);
 * checker.frame('c1', 's2c', { type: 'connection_established', ... }, undefined, 3, 3);
 * const violations = checker.finish();
 * // A long live run that only counts: keep no findings, see each one once.
 * const live = createChecker({ rules, profile, maxViolations: 0, onViolation: (v) => count(v.rule) });
 */
export function createChecker(options: CheckerOptions): Checker {
  return new Engine(options);
}

class Engine implements Checker, EngineView {
  readonly violations: Violation[] = [];
  readonly warnings: Violation[] = [];
  readonly users = new Map<string, UserState>();
  readonly openConns = new Map<string, ConnState>();
  finishT = 0;

  private readonly hooks: HookLists = {
    connOpen: [],
    serverFrame: [],
    clientFrame: [],
    runEvent: [],
    runEventFirst: [],
    foreignRunEvent: [],
    lateRunEvent: [],
    seqHoles: [],
    connClose: [],
    runFinalize: [],
    finish: [],
  };
  private readonly validate: MessageValidators;
  private readonly protocol: Protocol;
  private readonly onViolation?: (v: Violation) => void;
  private readonly retainMs: number;
  private readonly maxViolations: number;
  private readonly runs = new Map<string, RunState>();
  private readonly tombstones = new Map<string, string>();
  private readonly dropQueue: { run: RunState; at: number }[] = [];
  private dropHead = 0;
  private slotCount = 0;
  private order = 0;
  private lastNonCloseOrder = 0;
  private lastT = 0;
  private lastLine: number | undefined;
  private finished = false;
  private readonly counts: CheckerStats = { records: 0, frames: 0, conns: 0, users: 0, runs: 0, unobservedRuns: 0 };

  constructor(options: CheckerOptions) {
    const rules = Array.isArray(options.rules) ? options.rules : options.rules.rules;
    this.validate = options.validate ?? loadGeneratedValidators();
    this.protocol = options.protocol ?? loadProtocol();
    this.onViolation = options.onViolation;
    this.retainMs = options.retainMs ?? DEFAULT_RETAIN_MS;
    this.maxViolations = options.maxViolations ?? Infinity;
    for (const rule of rules) this.install(rule, options.profile);
  }

  // ---- wiring ------------------------------------------------------------------------------------------------

  private install(rule: RuleDef, profile: Profile): void {
    const kind = findCheckKind(rule.check);
    if (!kind)
      throw new RulesError('RULES_UNKNOWN_CHECK', `${rule.file}: rule ${rule.id}: unknown check '${rule.check}'`);
    const params = resolveProfileRefs(rule, profile);
    const slot = this.slotCount++;
    const hooks = kind.create({
      rule,
      protocol: this.protocol,
      params,
      profile,
      engine: this,
      report: (where, vars) => this.report(rule, where, vars),
      connState: <T>(conn: ConnState, init: () => T): T => (conn.slots[slot] ??= init()) as T,
      runState: <T>(run: RunState, init: () => T): T => (run.slots[slot] ??= init()) as T,
    });
    for (const name of Object.keys(this.hooks) as HookName[]) {
      const hook = hooks[name];
      if (hook) (this.hooks[name] as unknown[]).push(hook);
    }
  }

  private report(rule: RuleDef, where: ReportAt, vars: Record<string, unknown>): void {
    const message = fillTemplate(rule.message, {
      conn: where.conn,
      user: where.user,
      run_id: where.run_id,
      seq: where.seq,
      type: where.type,
      ...vars,
    });
    const violation: Violation = {
      rule: rule.id,
      conn: where.conn,
      line: where.line ?? this.lastLine,
      message,
      severity: rule.severity,
    };
    if (where.t !== undefined) violation.t = where.t;
    if (where.run_id !== undefined) violation.run_id = where.run_id;
    if (where.frame !== undefined) violation.frame = where.frame;
    const kept = rule.severity === 'warning' ? this.warnings : this.violations;
    if (kept.length < this.maxViolations) kept.push(violation);
    this.onViolation?.(violation);
  }

  // ---- records -----------------------------------------------------------------------------------------------

  open(connId: string, user: string | null, t: number, line?: number): void {
    this.tick(t, line);
    this.lastNonCloseOrder = this.order;
    const conn = this.newConn(connId, user, t, line);
    for (const hook of this.hooks.connOpen) hook(conn);
  }

  frame(connId: string, dir: Direction, msg: unknown, raw: string | undefined, t: number, line?: number): void {
    this.tick(t, line);
    this.lastNonCloseOrder = this.order;
    this.counts.frames++;
    const conn = this.openConns.get(connId) ?? this.newConn(connId, null, t, line);
    const isObject = raw === undefined && typeof msg === 'object' && msg !== null && !Array.isArray(msg);
    const obj = isObject ? (msg as Record<string, any>) : undefined;
    const f: FrameInfo = {
      conn,
      dir,
      msg: obj,
      value: raw === undefined ? msg : undefined,
      raw,
      t,
      line,
      type: obj && typeof obj.type === 'string' ? obj.type : undefined,
      valid: false,
      errors: [],
    };
    if (raw !== undefined) {
      f.errors = [{ pointer: '', keyword: 'json', message: 'is not JSON' }];
    } else {
      const result = dir === 's2c' ? this.validate.server(msg) : this.validate.client(standIn(obj) ?? msg);
      if (result.ok) f.valid = true;
      else f.errors = result.errors;
    }
    if (dir === 's2c') this.serverFrame(f);
    else this.clientFrame(f);
  }

  close(connId: string, code: number, reason: string, by: 'client' | 'server', t: number, line?: number): void {
    this.tick(t, line);
    const conn = this.openConns.get(connId);
    if (!conn) return;
    conn.closed = true;
    conn.closeT = t;
    conn.closeLine = line;
    conn.closeCode = code;
    conn.closeBy = by;
    conn.closeOrder = this.order;
    this.openConns.delete(connId);
    for (const hook of this.hooks.connClose) hook(conn, { code, reason, by, t, line });
    for (const rc of conn.runStates) this.flushHoles(rc);
    conn.pendingResumes.clear();
    if (conn.user === null) return;
    const user = this.users.get(conn.user);
    if (user && user.runs.size === 0) this.pruneConns(user);
  }

  finish(t?: number): Violation[] {
    if (this.finished) return this.violations.slice();
    this.finished = true;
    this.finishT = t ?? this.lastT;
    for (const run of [...this.runs.values()]) this.finalize(run, true);
    for (const hook of this.hooks.finish) hook();
    return this.violations.slice();
  }

  stats(): CheckerStats {
    return { ...this.counts, users: this.users.size };
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
      if ((conn.establishedT <= since || run.resumedBy.has(conn)) && this.presentAtEnd(conn)) return conn;
    }
    return undefined;
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  private tick(t: number, line: number | undefined): void {
    this.order++;
    this.counts.records++;
    if (t > this.lastT) this.lastT = t;
    if (line !== undefined) this.lastLine = line;
    while (this.dropHead < this.dropQueue.length && this.dropQueue[this.dropHead].at <= t) {
      const { run } = this.dropQueue[this.dropHead++];
      if (!run.finalized) this.finalize(run, false);
    }
    if (this.dropHead > 1024 && this.dropHead * 2 > this.dropQueue.length) {
      this.dropQueue.splice(0, this.dropHead);
      this.dropHead = 0;
    }
  }

  private newConn(id: string, user: string | null, t: number, line: number | undefined): ConnState {
    const conn: ConnState = {
      id,
      user,
      headerUser: user,
      openT: t,
      openLine: line,
      refused: false,
      closed: false,
      runStates: new Set(),
      pendingResumes: new Map(),
      slots: [],
    };
    this.openConns.set(id, conn);
    this.counts.conns++;
    if (user !== null) this.userOf(user).conns.push(conn);
    return conn;
  }

  private userOf(id: string): UserState {
    let user = this.users.get(id);
    if (!user) {
      user = { id, conns: [], pendingStarts: [], runs: new Set() };
      this.users.set(id, user);
    }
    return user;
  }

  private serverFrame(f: FrameInfo): void {
    for (const hook of this.hooks.serverFrame) hook(f);
    const conn = f.conn;
    conn.lastS2cT = f.t;
    if (conn.refused) return;
    const msg = f.msg;
    if (f.type === ESTABLISHED_TYPE) {
      if (conn.establishedT === undefined) {
        conn.establishedT = f.t;
        const serverMs = typeof msg?.server_time === 'string' ? Date.parse(msg.server_time) : NaN;
        if (Number.isFinite(serverMs)) conn.establishedServerMs = serverMs;
      }
      if (conn.user === null && typeof msg?.user_id === 'string') {
        conn.user = msg.user_id;
        this.userOf(msg.user_id).conns.push(conn);
      }
      return;
    }
    if (conn.establishedT === undefined) {
      if (f.type === ERROR_TYPE) {
        conn.refused = true;
        return;
      }
      conn.establishedT = f.t;
    }
    if (f.type === ERROR_TYPE) {
      this.errorAnswer(f);
      return;
    }
    if (
      f.type !== undefined &&
      this.protocol.runEventTypes.has(f.type) &&
      typeof msg?.run_id === 'string' &&
      conn.user !== null
    ) {
      this.runEvent(f, msg.run_id, conn.user);
    }
  }

  private clientFrame(f: FrameInfo): void {
    for (const hook of this.hooks.clientFrame) hook(f);
    const conn = f.conn;
    const msg = f.msg;
    if (!msg || conn.user === null) return;
    if (f.type === START_AGENT_TYPE && typeof msg.request_id === 'string') {
      const start: PendingStart = {
        conn,
        requestId: msg.request_id,
        t: f.t,
        line: f.line,
        msg,
        valid: f.valid,
        answered: false,
      };
      this.userOf(conn.user).pendingStarts.push(start);
    } else if (f.type === RESUME_TYPE && f.valid) {
      const resume: PendingResume = {
        runId: msg.run_id,
        lastSeq: msg.last_seq,
        t: f.t,
        line: f.line,
        requestId: typeof msg.request_id === 'string' ? msg.request_id : undefined,
        applied: false,
      };
      conn.pendingResumes.set(resume.runId, resume);
      const run = this.runs.get(resume.runId);
      if (run && run.owner === conn.user) this.applyResume(this.runConn(run, conn), resume);
    }
  }

  private errorAnswer(f: FrameInfo): void {
    const msg = f.msg as Record<string, any>;
    const conn = f.conn;
    const requestId = typeof msg.request_id === 'string' ? msg.request_id : undefined;
    let answersStart = false;
    if (requestId !== undefined && conn.user !== null) {
      const user = this.users.get(conn.user);
      const start = user && takeStart(user, requestId, conn);
      if (start) start.answered = answersStart = true;
    }
    // A refused resume (FORBIDDEN, ...) does not make the connection a listener of the run. The answer to a
    // start_agent may name a run too (DUPLICATE_REQUEST says which run the request started): that refuses no resume.
    for (const [runId, resume] of conn.pendingResumes) {
      if ((requestId !== undefined && resume.requestId === requestId) || (!answersStart && msg.run_id === runId)) {
        conn.pendingResumes.delete(runId);
        this.runs.get(runId)?.resumedBy.delete(conn);
      }
    }
  }

  private runEvent(f: FrameInfo, runId: string, connUser: string): void {
    const msg = f.msg as Record<string, any>;
    let run = this.runs.get(runId);
    if (!run) {
      const owner = this.tombstones.get(runId);
      if (owner !== undefined) {
        this.lateEvent(f, owner);
        return;
      }
      run = this.newRun(runId, this.resolveOwner(f, connUser));
    }
    const seq = Number.isInteger(msg.seq) && msg.seq >= 0 ? (msg.seq as number) : undefined;
    f.seq = seq;
    if (seq !== undefined && !run.anyBySeq.has(seq)) run.anyBySeq.set(seq, f);
    run.firstAny ??= f;
    if (run.owner !== connUser) {
      for (const hook of this.hooks.foreignRunEvent) hook(f, run);
      return;
    }
    const conn = f.conn;
    const rc = this.runConn(run, conn);
    if (conn.pendingResumes.size) conn.pendingResumes.delete(runId);
    const type = f.type as string;
    // First sighting of this event by the owner: same seq and type as one seen before is a copy (another tab, a
    // replay). The common case needs no key string.
    const seen = seq !== undefined ? run.bySeq.get(seq) : undefined;
    let key: string | undefined;
    let first: boolean;
    if (seq !== undefined && (seen === undefined || seen.type === type)) {
      first = seen === undefined;
    } else {
      key =
        seq !== undefined
          ? `${seq}:${type}`
          : typeof msg.event_id === 'string'
            ? `e:${msg.event_id}`
            : `l:${f.line}:${conn.id}`;
      first = !run.seenKeys.has(key);
    }
    f.first = first;
    f.resumed = rc.resumes > 0;
    f.runFirst = !run.ownerSighted;
    if (!run.ownerSighted) {
      run.ownerSighted = true;
      run.firstOwner = f;
      this.attributeStart(run, f, true);
    } else if (first && type === this.protocol.startType && !run.start) {
      this.attributeStart(run, f, false);
    }
    this.trackSeq(f, rc, seq);

    for (const hook of this.hooks.runEvent) hook(f, run, rc);
    if (first) for (const hook of this.hooks.runEventFirst) hook(f, run);

    if (seq !== undefined) {
      if (!rc.haveLine.has(seq)) rc.haveLine.set(seq, f.line ?? 0);
      if (rc.minHave === undefined || seq < rc.minHave) rc.minHave = seq;
      if (rc.maxHave === undefined || seq > rc.maxHave) rc.maxHave = seq;
    }
    if (first) {
      if (key !== undefined) run.seenKeys.add(key);
      run.events++;
      if (seq !== undefined) {
        if (!run.bySeq.has(seq)) run.bySeq.set(seq, f);
        if (run.minSeq === undefined || seq < run.minSeq) run.minSeq = seq;
        if (run.maxSeq === undefined || seq > run.maxSeq) run.maxSeq = seq;
      }
      run.lastFirstT = f.t;
      if (this.protocol.terminalTypes.has(type) && !run.terminal) {
        run.terminal = f;
        this.dropQueue.push({ run, at: f.t + this.retainMs });
      }
    }
    if (this.protocol.terminalTypes.has(type)) run.terminalSeen = true;
    run.last = f;
  }

  private lateEvent(f: FrameInfo, owner: string): void {
    const msg = f.msg as Record<string, any>;
    f.seq = Number.isInteger(msg.seq) ? msg.seq : undefined;
    if (owner !== f.conn.user) {
      const ghost = this.newGhost(msg.run_id, owner);
      for (const hook of this.hooks.foreignRunEvent) hook(f, ghost);
      return;
    }
    for (const hook of this.hooks.lateRunEvent) hook(f, owner);
  }

  private newGhost(id: string, owner: string): RunState {
    const run = this.blankRun(
      id,
      owner,
      this.users.get(owner) ?? { id: owner, conns: [], pendingStarts: [], runs: new Set() },
    );
    run.finalized = true;
    return run;
  }

  private blankRun(id: string, owner: string, user: UserState): RunState {
    return {
      id,
      owner,
      user,
      startMatch: 'none',
      startExpected: false,
      ownerSighted: false,
      bySeq: new SeqMap(),
      anyBySeq: new SeqMap(),
      seenKeys: new Set(),
      events: 0,
      terminalSeen: false,
      conns: new Map(),
      resumedBy: new Set(),
      finalized: false,
      slots: [],
    };
  }

  private newRun(id: string, owner: string): RunState {
    const user = this.userOf(owner);
    const run = this.blankRun(id, owner, user);
    this.runs.set(id, run);
    user.runs.add(run);
    this.counts.runs++;
    return run;
  }

  /** Who started a run first seen in frame f: the request it answers, else the user it names, else the connection's. */
  private resolveOwner(f: FrameInfo, connUser: string): string {
    const msg = f.msg as Record<string, any>;
    const requestId =
      f.type === this.protocol.startType && typeof msg.request_id === 'string' ? msg.request_id : undefined;
    if (requestId !== undefined && hasPending(this.users.get(connUser), requestId)) return connUser;
    if (typeof msg.user_id === 'string' && this.users.has(msg.user_id)) return msg.user_id;
    if (requestId !== undefined) {
      for (const user of this.users.values()) if (hasPending(user, requestId)) return user.id;
    }
    return connUser;
  }

  /** Links a run to the start_agent that caused it (by request_id; else, at the run's first sighting, the oldest). */
  private attributeStart(run: RunState, f: FrameInfo, firstSighting: boolean): void {
    const msg = f.msg as Record<string, any>;
    if (f.type === this.protocol.startType && typeof msg.request_id === 'string') {
      const start = takeStart(run.user, msg.request_id, f.conn);
      if (start) {
        start.answered = true;
        run.start = start;
        run.startMatch = 'request';
        return;
      }
    }
    if (!firstSighting || f.resumed) return;
    const oldest = run.user.pendingStarts.find((s) => s.valid && !s.answered);
    if (!oldest) return;
    if (f.type === this.protocol.startType) {
      // An agent_started naming a request nobody sent still answers one; correlation reports the mismatch.
      takeExact(run.user, oldest);
      run.start = oldest;
      run.startMatch = 'heuristic';
      return;
    }
    // A run that shows up mid-way, on the connection that sent the waiting start_agent or on one that was already
    // there when it was sent, should have begun with agent_started there. A tab that joined after the start may
    // see the run from its middle (the real agent_started is still matched later by request_id).
    if (f.conn === oldest.conn || (f.conn.establishedT ?? Infinity) <= oldest.t) {
      takeExact(run.user, oldest);
      run.start = oldest;
      run.startMatch = 'heuristic';
      run.startExpected = true;
    }
  }

  private runConn(run: RunState, conn: ConnState): RunConnState {
    let rc = run.conns.get(conn);
    if (!rc) {
      rc = { run, conn, haveLine: new SeqMap(), claimed: 0, resumes: 0, holes: [] };
      run.conns.set(conn, rc);
      conn.runStates.add(rc);
      const pending = conn.pendingResumes.get(run.id);
      if (pending && !pending.applied) this.applyResume(rc, pending);
    }
    return rc;
  }

  private applyResume(rc: RunConnState, resume: PendingResume): void {
    resume.applied = true;
    rc.claimed = Math.max(rc.claimed, resume.lastSeq);
    rc.resumes++;
    rc.resumePendingFrom = resume.lastSeq;
    rc.run.resumedBy.add(rc.conn);
  }

  /** Classifies a sighting against this connection's stream of the run (see SeqStatus). */
  private trackSeq(f: FrameInfo, rc: RunConnState, seq: number | undefined): void {
    if (seq === undefined) {
      f.seqStatus = 'none';
      return;
    }
    const firstLine = rc.haveLine.get(seq);
    if (firstLine !== undefined) {
      f.seqStatus = 'repeat';
      f.seqFirstLine = firstLine;
      f.seqExpected = rc.expected;
      return;
    }
    if (seq <= rc.claimed) {
      f.seqStatus = 'claimed';
      f.seqResumeFrom = rc.claimed;
      f.seqExpected = rc.claimed + 1;
      return;
    }
    const resumeFrom = rc.resumePendingFrom;
    rc.resumePendingFrom = undefined;
    if (resumeFrom !== undefined) {
      rc.expected = Math.max(rc.expected ?? 0, resumeFrom + 1);
      f.seqResumeFrom = resumeFrom;
    }
    if (rc.expected === undefined) {
      f.seqStatus = 'first';
      rc.expected = seq + 1;
      return;
    }
    const expected = rc.expected;
    f.seqExpected = expected;
    if (seq === expected) {
      f.seqStatus = 'next';
      rc.expected = seq + 1;
    } else if (seq > expected) {
      rc.expected = seq + 1;
      if (resumeFrom === undefined) {
        f.seqStatus = 'gap';
        return;
      }
      // Right after a resume a live event may overtake the replay: the gap stays open until the replay fills it.
      const missing = new Set<number>();
      for (let s = expected; s < seq; s++) if (!rc.haveLine.has(s)) missing.add(s);
      if (missing.size) rc.holes.push({ from: expected, to: seq - 1, missing, resumeFrom, at: f });
      f.seqStatus = 'deferred';
    } else {
      let filled = false;
      for (const hole of rc.holes) {
        if (hole.missing.delete(seq)) filled = true;
      }
      if (filled) rc.holes = rc.holes.filter((h) => h.missing.size > 0);
      f.seqStatus = filled ? 'fill' : 'early';
    }
  }

  private flushHoles(rc: RunConnState): void {
    if (rc.holes.length === 0) return;
    const holes = rc.holes;
    rc.holes = [];
    for (const hook of this.hooks.seqHoles) hook(rc, holes);
  }

  private finalize(run: RunState, atFinish: boolean): void {
    if (run.finalized) return;
    run.finalized = true;
    for (const rc of run.conns.values()) this.flushHoles(rc);
    if (!run.terminalSeen && !this.listener(run)) this.counts.unobservedRuns++;
    for (const hook of this.hooks.runFinalize) hook(run, atFinish);
    this.runs.delete(run.id);
    this.tombstones.set(run.id, run.owner);
    if (this.tombstones.size > TOMBSTONE_LIMIT) this.tombstones.delete(this.tombstones.keys().next().value as string);
    run.user.runs.delete(run);
    for (const rc of run.conns.values()) rc.conn.runStates.delete(rc);
    this.pruneConns(run.user);
  }

  /** Forgets closed connections no live run of the user can still need. */
  private pruneConns(user: UserState): void {
    let oldestLive = Infinity;
    for (const run of user.runs) oldestLive = Math.min(oldestLive, run.firstAny?.t ?? Infinity);
    if (user.conns.some((c) => c.closed && (c.closeT ?? 0) < oldestLive && !this.needsConn(user, c))) {
      user.conns = user.conns.filter((c) => !c.closed || (c.closeT ?? 0) >= oldestLive || this.needsConn(user, c));
    }
  }

  // A connection still holding an unanswered start_agent is needed by protocol.start-answered at the end.
  private needsConn(user: UserState, conn: ConnState): boolean {
    return user.pendingStarts.some((s) => s.conn === conn);
  }
}

function standIn(msg: Record<string, any> | undefined): Record<string, any> | undefined {
  if (msg && msg.type === 'auth_refresh' && msg.token === REDACTED) return { ...msg, token: TOKEN_STAND_IN };
  return undefined;
}

function hasPending(user: UserState | undefined, requestId: string): boolean {
  return !!user && user.pendingStarts.some((s) => !s.answered && s.requestId === requestId);
}

/** Removes and returns the oldest unanswered start with this request_id, preferring one sent on `conn`. */
function takeStart(user: UserState, requestId: string, conn: ConnState): PendingStart | undefined {
  let index = -1;
  for (let i = 0; i < user.pendingStarts.length; i++) {
    const s = user.pendingStarts[i];
    if (s.answered || s.requestId !== requestId) continue;
    if (s.conn === conn) {
      index = i;
      break;
    }
    if (index === -1) index = i;
  }
  if (index === -1) return undefined;
  return user.pendingStarts.splice(index, 1)[0];
}

function takeExact(user: UserState, start: PendingStart): void {
  const index = user.pendingStarts.indexOf(start);
  if (index !== -1) user.pendingStarts.splice(index, 1);
  start.answered = true;
}

function resolveProfileRefs(rule: RuleDef, profile: Profile): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(rule.params)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && 'profile' in value) {
      const ref = (value as { profile: string }).profile;
      const resolved = profile[ref];
      if (typeof resolved !== 'number') {
        throw new RulesError(
          'RULES_INVALID',
          `${rule.file}: rule ${rule.id}: params.${key} refers to profile key "${ref}", which profile "${profile.name}" does not have`,
        );
      }
      out[key] = resolved;
    } else {
      out[key] = value;
    }
  }
  return out;
}
