import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import { HeldSeqs } from '../client';
import type { TokenSpec } from '../scenarios';
import type { CloseRecord, FrameRecord, OpenRecord, Session } from '../../sessions/types';
import { refreshTokenFor, tokenForOpen } from './tokens';

/**
 * How far a connection had got in the recording before a client action, said in protocol events (never in seq
 * positions: how many events a run has is the provider's):
 * - `event`: the `count`-th event of `type` of recorded run `runId` on the connection (or the run's end, or a close);
 * - `answer`: the `count`-th `connection_established` / `error_message` on the connection;
 * - `closed`: the server had closed the connection.
 */
export type Anchor =
  | { kind: 'event'; runId: string; type: string; count: number; line: number }
  | { kind: 'answer'; count: number; line: number }
  | { kind: 'closed'; line: number };

/** One anchor to reach on one connection before an action. */
export interface Gate {
  conn: string;
  anchor: Anchor;
}

/** A client action of the recording, with what it waited for. */
export interface PlannedAction {
  kind: 'open' | 'send' | 'close';
  conn: string;
  record: OpenRecord | FrameRecord | CloseRecord;
  /** Anchors on the connections of the same actor (user) at the moment of the action. */
  gates: Gate[];
  /** Recorded ms between the actor's previous record and this action: the client's own pause. */
  pauseMs: number;
  /** For a `resume`: the last contiguous seq of the run the actor's client held at that moment in the recording. */
  heldSeq?: number;
}

/** A recorded connection and the token replay must present for it. */
export interface PlannedConn {
  id: string;
  /** `user` of the open record (null when the token was refused). */
  user: string | null;
  /** Whose token it presents: `user`, or for a refused connection the name before the id's last `-N`. */
  actor: string;
  token: TokenSpec;
  /** The recorded close, when there is one. */
  close?: CloseRecord;
}

/** Everything replay needs from a recorded session. */
export interface ReplayPlan {
  conns: Map<string, PlannedConn>;
  /** Client actions per actor, in recorded order. Actors are replayed concurrently, each in order. */
  actions: Map<string, PlannedAction[]>;
  /** Per actor: the anchors at the end of the recording (what each connection finally received). */
  finalGates: Map<string, Gate[]>;
  /** Recorded run_id -> recorded request_id of its start_agent (from agent_started). */
  requestOfRun: Map<string, string>;
  /** Recorded run_id -> recorded thread_id. */
  threadOfRun: Map<string, string>;
  /** Recorded run_id -> the actor whose connection received its agent_started. */
  actorOfRun: Map<string, string>;
  /** For each auth_refresh frame (by line): the token it must present. */
  refreshTokens: Map<number, { kind: TokenSpec['kind'] | 'as_recorded'; asOtherUser?: boolean }>;
}

/**
 * The user a refused connection presents a token for: the recording does not say (its `user` is null), so the
 * connection id names it by the recorder's convention `<user>-<n>`; otherwise the id itself.
 *
 * @example
 * actorOf('mallory-3'); // 'mallory'
 */
export function actorOf(connId: string): string {
  const match = /^(.+?)-\d+$/.exec(connId);
  const name = match ? match[1] : connId;
  return /^[A-Za-z0-9._@+-]{1,128}$/.test(name) ? name : 'replay-user';
}

let answerTypesCache: ReadonlySet<string> | undefined;

/**
 * The server messages that answer a connection or a client frame instead of belonging to a run: every server type of
 * the contract that is not a run event (today `connection_established` and `error_message`), read from the spec.
 */
export function answerTypes(): ReadonlySet<string> {
  if (answerTypesCache === undefined) {
    const protocol = loadProtocol();
    answerTypesCache = new Set([...protocol.serverTypes].filter((type) => !protocol.runEventTypes.has(type)));
  }
  return answerTypesCache;
}

/** The state of one planning pass over a recording. */
class Planner {
  readonly plan: ReplayPlan = {
    conns: new Map(),
    actions: new Map(),
    finalGates: new Map(),
    requestOfRun: new Map(),
    threadOfRun: new Map(),
    actorOfRun: new Map(),
    refreshTokens: new Map(),
  };
  private readonly anchors = new Map<string, Anchor>();
  private readonly clientClosed = new Set<string>();
  private readonly answers = new Map<string, number>();
  private readonly eventCounts = new Map<string, number>();
  private readonly held = new HeldSeqs();
  private readonly lastT = new Map<string, number>();
  private readonly pendingRefresh = new Map<string, number>();
  private readonly firstFrame = new Map<string, Record<string, unknown> | undefined>();
  private readonly openRecords = new Map<string, OpenRecord>();
  /** Connections the server told their token expired (not as the answer to an auth_refresh). */
  private readonly expired = new Set<string>();

  gatesOf(actor: string): Gate[] {
    const gates: Gate[] = [];
    for (const conn of this.plan.conns.values()) {
      if (conn.actor !== actor || this.clientClosed.has(conn.id)) continue;
      const anchor = this.anchors.get(conn.id);
      if (anchor !== undefined) gates.push({ conn: conn.id, anchor });
    }
    return gates;
  }

  private push(actor: string, action: Omit<PlannedAction, 'gates' | 'pauseMs'>): PlannedAction {
    const full: PlannedAction = {
      ...action,
      gates: this.gatesOf(actor),
      pauseMs: Math.max(0, action.record.t - (this.lastT.get(actor) ?? action.record.t)),
    };
    let list = this.plan.actions.get(actor);
    if (list === undefined) this.plan.actions.set(actor, (list = []));
    list.push(full);
    this.lastT.set(actor, action.record.t);
    return full;
  }

  open(record: OpenRecord): void {
    const actor = record.user ?? actorOf(record.conn);
    this.openRecords.set(record.conn, record);
    this.plan.conns.set(record.conn, { id: record.conn, user: record.user, actor, token: { kind: 'valid' } });
    this.push(actor, { kind: 'open', conn: record.conn, record });
  }

  close(record: CloseRecord, conn: PlannedConn): void {
    conn.close = record;
    if (record.by === 'client') {
      this.push(conn.actor, { kind: 'close', conn: record.conn, record });
      this.clientClosed.add(record.conn);
    } else {
      this.anchors.set(record.conn, { kind: 'closed', line: record.line });
      this.lastT.set(conn.actor, record.t);
    }
  }

  clientFrame(record: FrameRecord, conn: PlannedConn): void {
    const msg = asRecord(record.msg);
    const action = this.push(conn.actor, { kind: 'send', conn: record.conn, record });
    if (msg?.type === 'resume' && typeof msg.run_id === 'string')
      action.heldSeq = this.held.contiguous(conn.actor, msg.run_id);
    // The answer to an auth_refresh comes before the answer to the client's next frame (answers are in order).
    if (msg?.type === 'auth_refresh') {
      this.pendingRefresh.set(record.conn, record.line);
      // The session says which credential the refresh presented; older ones only show the server's reaction.
      if (record.token_kind !== undefined) this.plan.refreshTokens.set(record.line, { kind: record.token_kind });
    } else this.pendingRefresh.delete(record.conn);
  }

  serverFrame(record: FrameRecord, conn: PlannedConn): void {
    this.lastT.set(conn.actor, record.t);
    const msg = asRecord(record.msg);
    if (!this.firstFrame.has(record.conn)) this.firstFrame.set(record.conn, msg);
    if (msg !== undefined && loadProtocol().isRunEvent(msg)) {
      this.runEvent(record, conn, msg);
      return;
    }
    if (msg === undefined || !answerTypes().has(String(msg.type))) return; // a type this replay does not know: ignored
    const count = (this.answers.get(record.conn) ?? 0) + 1;
    this.answers.set(record.conn, count);
    this.anchors.set(record.conn, { kind: 'answer', count, line: record.line });
    const refreshLine = this.pendingRefresh.get(record.conn);
    if (refreshLine === undefined && msg.type === 'error_message' && msg.error_code === 'TOKEN_EXPIRED')
      this.expired.add(record.conn);
    if (refreshLine !== undefined && msg.type === 'error_message') {
      this.pendingRefresh.delete(record.conn);
      const reaction = refreshTokenFor(String(msg.error_code));
      if (reaction.asOtherUser || !this.plan.refreshTokens.has(refreshLine))
        this.plan.refreshTokens.set(refreshLine, reaction);
    }
  }

  private runEvent(
    record: FrameRecord,
    conn: PlannedConn,
    msg: Record<string, unknown> & { run_id: string; seq: number },
  ): void {
    const key = `${record.conn}\u0000${msg.run_id}\u0000${String(msg.type)}`;
    const count = (this.eventCounts.get(key) ?? 0) + 1;
    this.eventCounts.set(key, count);
    this.anchors.set(record.conn, {
      kind: 'event',
      runId: msg.run_id,
      type: String(msg.type),
      count,
      line: record.line,
    });
    if (msg.type === loadProtocol().startType && typeof msg.request_id === 'string') {
      this.plan.requestOfRun.set(msg.run_id, msg.request_id);
      this.plan.actorOfRun.set(msg.run_id, conn.actor);
    }
    if (typeof msg.thread_id === 'string') this.plan.threadOfRun.set(msg.run_id, msg.thread_id);
    this.held.add(conn.actor, msg.run_id, msg.seq);
  }

  finish(): ReplayPlan {
    for (const conn of this.plan.conns.values()) {
      conn.token = tokenForOpen(conn, this.firstFrame.get(conn.id), this.openRecords.get(conn.id));
      // A provider need not say when the token expires (token_expires_at is optional): a connection whose token
      // expired in the recording gets the shortest lifetime live, so that it expires there too.
      if (conn.token.kind === 'valid' && conn.token.ttlS === undefined && this.expired.has(conn.id))
        conn.token = { kind: 'valid', ttlS: 1 };
    }
    for (const actor of this.plan.actions.keys()) this.plan.finalGates.set(actor, this.gatesOf(actor));
    return this.plan;
  }
}

/**
 * Derives the replay plan of a recorded session: per connection the token to present, per actor the client
 * actions (opens, frames, client closes) in recorded order, each with the protocol events it must wait for on the
 * actor's connections, and the pause the recorded client made before it.
 *
 * @example
 * const plan = planReplay(await readSession('contracts/sessions/drop-resume.session.jsonl'));
 * plan.actions.get('omar')?.map((a) => a.kind); // ['open', 'send', 'close', 'open', 'send', 'close']
 */
export function planReplay(session: Session): ReplayPlan {
  const planner = new Planner();
  for (const record of session.records) {
    if (record.kind === 'open') {
      planner.open(record);
      continue;
    }
    const conn = planner.plan.conns.get(record.conn) as PlannedConn;
    if (record.kind === 'close') planner.close(record, conn);
    else if (record.dir === 'c2s') planner.clientFrame(record, conn);
    else planner.serverFrame(record, conn);
  }
  return planner.finish();
}
