import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import type { TokenSpec } from '../record/scenario';
import type { CloseRecord, FrameRecord, OpenRecord, Session } from '../../sessions/types';

/**
 * How far a connection had got in the recording before a client action: the recorded frame (or close) the action
 * waited for. Replay waits until the live connection has got as far.
 * - `run`: the run event with `seq` of recorded run `runId` (or the run's end, or a close);
 * - `nonRun`: the `count`-th frame that is not a run event (connection_established, error_message ...);
 * - `closed`: the server had closed the connection.
 */
export type Anchor =
  | { kind: 'run'; runId: string; seq: number; line: number }
  | { kind: 'nonRun'; count: number; line: number }
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
  /** For a `resume`: the highest seq of the run the actor's client held at that moment in the recording. */
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
  /** For each auth_refresh frame (by line): the token kind the server's reaction implies. */
  refreshTokens: Map<number, { kind: TokenSpec['kind']; asOtherUser?: boolean }>;
}

/** Error codes of a refused handshake -> a token kind that provokes the same refusal. */
const REFUSAL_TOKEN: Record<string, TokenSpec['kind']> = {
  TOKEN_MISSING: 'none',
  TOKEN_EXPIRED: 'expired',
  TOKEN_WRONG_TYPE: 'refresh',
  TOKEN_INVALID: 'tampered',
  PERMISSION_DENIED: 'no_permission',
  AUTH_FAILED: 'tampered',
};

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

/**
 * Lifetime of the recorded token, from connection_established. `exp` = `iat` + ttl with `iat` in whole seconds, and
 * the connection came after `iat`, so token_expires_at - server_time lies in (ttl - 1, ttl]: ttl = floor(diff) + 1.
 */
function ttlOf(established: Record<string, unknown> | undefined): number | undefined {
  if (established === undefined) return undefined;
  const expires = Date.parse(String(established.token_expires_at ?? ''));
  const now = Date.parse(String(established.server_time ?? ''));
  if (!Number.isFinite(expires) || !Number.isFinite(now) || expires <= now) return undefined;
  return Math.min(86_400, Math.max(1, Math.floor((expires - now) / 1000) + 1));
}

const AUTH_REFRESH_REACTIONS: Record<string, { kind: TokenSpec['kind']; asOtherUser?: boolean }> = {
  AUTH_USER_MISMATCH: { kind: 'valid', asOtherUser: true },
  TOKEN_EXPIRED: { kind: 'expired' },
  TOKEN_INVALID: { kind: 'tampered' },
  TOKEN_WRONG_TYPE: { kind: 'refresh' },
  PERMISSION_DENIED: { kind: 'no_permission' },
  AUTH_FAILED: { kind: 'tampered' },
};

/**
 * Derives the replay plan of a recorded session: per connection the token to present, per actor the client
 * actions (opens, frames, client closes) in recorded order, each with the anchors it must wait for on the
 * actor's connections, and the pause the recorded client made before it.
 *
 * @example
 * const plan = planReplay(await readSession('contracts/sessions/drop-resume.session.jsonl'));
 * plan.actions.get('omar')?.map((a) => a.kind); // ['open', 'send', 'close', 'open', 'send', 'close']
 */
export function planReplay(session: Session): ReplayPlan {
  const conns = new Map<string, PlannedConn>();
  const actions = new Map<string, PlannedAction[]>();
  const requestOfRun = new Map<string, string>();
  const threadOfRun = new Map<string, string>();
  const actorOfRun = new Map<string, string>();
  const refreshTokens = new Map<number, { kind: TokenSpec['kind']; asOtherUser?: boolean }>();
  const anchors = new Map<string, Anchor | undefined>();
  const clientClosed = new Set<string>();
  const nonRunCount = new Map<string, number>();
  const heldByActor = new Map<string, Map<string, number>>();
  const lastT = new Map<string, number>();
  const pendingRefresh = new Map<string, number>(); // conn -> line of an auth_refresh not yet answered
  const firstFrame = new Map<string, Record<string, unknown> | undefined>();

  const gatesOf = (actor: string): Gate[] => {
    const gates: Gate[] = [];
    for (const conn of conns.values()) {
      if (conn.actor !== actor || clientClosed.has(conn.id)) continue;
      const anchor = anchors.get(conn.id);
      if (anchor !== undefined) gates.push({ conn: conn.id, anchor });
    }
    return gates;
  };
  const push = (actor: string, action: PlannedAction): void => {
    let list = actions.get(actor);
    if (list === undefined) actions.set(actor, (list = []));
    list.push(action);
  };
  const pause = (actor: string, t: number): number => Math.max(0, t - (lastT.get(actor) ?? t));

  for (const record of session.records) {
    if (record.kind === 'open') {
      const actor = record.user ?? actorOf(record.conn);
      conns.set(record.conn, { id: record.conn, user: record.user, actor, token: { kind: 'valid' } });
      push(actor, { kind: 'open', conn: record.conn, record, gates: gatesOf(actor), pauseMs: pause(actor, record.t) });
      lastT.set(actor, record.t);
      continue;
    }
    const conn = conns.get(record.conn) as PlannedConn;
    const actor = conn.actor;
    if (record.kind === 'close') {
      conn.close = record;
      if (record.by === 'client') {
        push(actor, {
          kind: 'close',
          conn: record.conn,
          record,
          gates: gatesOf(actor),
          pauseMs: pause(actor, record.t),
        });
        clientClosed.add(record.conn);
      } else {
        anchors.set(record.conn, { kind: 'closed', line: record.line });
      }
      lastT.set(actor, record.t);
      continue;
    }
    if (record.dir === 'c2s') {
      const action: PlannedAction = {
        kind: 'send',
        conn: record.conn,
        record,
        gates: gatesOf(actor),
        pauseMs: pause(actor, record.t),
      };
      const msg = asRecord(record.msg);
      if (msg?.type === 'resume' && typeof msg.run_id === 'string') {
        action.heldSeq = heldByActor.get(actor)?.get(msg.run_id) ?? 0;
      }
      if (msg?.type === 'auth_refresh') pendingRefresh.set(record.conn, record.line);
      push(actor, action);
      lastT.set(actor, record.t);
      continue;
    }
    // A server frame: how far the connection got.
    lastT.set(actor, record.t);
    const msg = asRecord(record.msg);
    if (!firstFrame.has(record.conn)) firstFrame.set(record.conn, msg);
    if (msg !== undefined && loadProtocol().isRunEvent(msg)) {
      anchors.set(record.conn, { kind: 'run', runId: msg.run_id, seq: msg.seq, line: record.line });
      if (msg.type === 'agent_started' && typeof msg.request_id === 'string') {
        requestOfRun.set(msg.run_id, msg.request_id);
        actorOfRun.set(msg.run_id, actor);
      }
      if (typeof msg.thread_id === 'string') threadOfRun.set(msg.run_id, msg.thread_id);
      let held = heldByActor.get(actor);
      if (held === undefined) heldByActor.set(actor, (held = new Map()));
      held.set(msg.run_id, Math.max(held.get(msg.run_id) ?? 0, msg.seq));
    } else {
      const count = (nonRunCount.get(record.conn) ?? 0) + 1;
      nonRunCount.set(record.conn, count);
      anchors.set(record.conn, { kind: 'nonRun', count, line: record.line });
      const refreshLine = pendingRefresh.get(record.conn);
      if (refreshLine !== undefined && msg?.type === 'error_message') {
        pendingRefresh.delete(record.conn);
        const reaction = AUTH_REFRESH_REACTIONS[String(msg.error_code)];
        if (reaction) refreshTokens.set(refreshLine, reaction);
        else if (msg.error_code === 'SCHEMA_VALIDATION_FAILED') refreshTokens.set(refreshLine, { kind: 'malformed' });
      }
    }
  }

  for (const conn of conns.values()) {
    const first = firstFrame.get(conn.id);
    if (conn.user !== null) {
      const ttlS = first?.type === 'connection_established' ? ttlOf(first) : undefined;
      conn.token = { kind: 'valid', ...(ttlS !== undefined ? { ttlS } : {}) };
    } else {
      conn.token = { kind: REFUSAL_TOKEN[String(first?.error_code)] ?? 'tampered' };
    }
  }
  const finalGates = new Map<string, Gate[]>();
  for (const actor of actions.keys()) finalGates.set(actor, gatesOf(actor));
  return { conns, actions, finalGates, requestOfRun, threadOfRun, actorOfRun, refreshTokens };
}
