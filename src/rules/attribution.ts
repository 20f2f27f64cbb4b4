// Attribution: which user a connection belongs to, and which user and request a run belongs to.
// - A connection belongs to the user of its token (open record; else connection_established.user_id). It is
//   established at connection_established (or at the first other server message) and refused by an error_message
//   before it; a refused connection takes no part in runs.
// - A run belongs to the user who started it: the user whose pending start_agent the agent_started's request_id
//   matches, else the user its user_id names (when that user is in the session), else the connection's user.
// - A run is linked to its start_agent by request_id; a run that shows up without a matching agent_started takes
//   the user's oldest waiting start_agent (so one fault is not also reported as an unanswered start).
import type { TokenKind } from '../sessions';
import * as model from './model';
import type { ConnState, FrameInfo, PendingStart, RunState, UserState } from './model';
import * as arrays from '../util/arrays';

// Bound once (followServerFrame runs on every server frame): compiled to CommonJS, each use of an imported binding is
// a getter call.
const { ERROR_TYPE, ESTABLISHED_TYPE, blankUser } = model;
const { removeAt } = arrays;

// Refused request_ids remembered per user (a refused start_agent must not start a run).
const REFUSALS_KEPT = 256;

/**
 * The users and connections of a session and the start_agents waiting for an answer.
 *
 * @example
 * const who = new Attribution('agent_started');
 * const conn = who.openConn('c1', 'alice', 0, 2, 'valid');
 * who.followServerFrame(establishedFrame); // false: nothing more to do with it
 */
export class Attribution {
  readonly users = new Map<string, UserState>();
  /** Live connections (not yet closed). */
  readonly openConns = new Map<string, ConnState>();
  conns = 0;

  constructor(private readonly startType: string) {}

  openConn(id: string, user: string | null, t: number, line: number | undefined, tokenKind: TokenKind): ConnState {
    // The fields read on every frame come first: they share the object's first cache line.
    const conn: ConnState = {
      establishedFirst: false,
      refused: false,
      establishedT: undefined,
      user,
      lastRun: undefined,
      lastView: undefined,
      lastS2cT: undefined,
      firstS2c: undefined,
      views: [],
      pendingResumes: undefined,
      id,
      headerUser: user,
      tokenKind,
      openT: t,
      openLine: line,
      establishedServerMs: undefined,
      closed: false,
      closeT: undefined,
      closeLine: undefined,
      closeCode: undefined,
      closeBy: undefined,
      closeOrder: undefined,
      slots: [],
    };
    this.openConns.set(id, conn);
    this.conns++;
    if (user !== null) this.userOf(user).conns.push(conn);
    return conn;
  }

  userOf(id: string): UserState {
    let user = this.users.get(id);
    if (user === undefined) {
      user = blankUser(id);
      this.users.set(id, user);
    }
    return user;
  }

  /**
   * What a server frame says about its (not refused) connection: `connection_established` establishes it (and names
   * its user when the open record did not), an `error_message` before it refuses it, any other frame establishes it
   * implicitly. True when the frame needs more handling (an error answer or a run event on an established connection).
   */
  followServerFrame(f: FrameInfo): boolean {
    const conn = f.conn;
    if (f.type === ESTABLISHED_TYPE) {
      const msg = f.msg as Record<string, unknown>;
      if (conn.establishedT === undefined) {
        conn.establishedT = f.t;
        const serverMs = typeof msg.server_time === 'string' ? Date.parse(msg.server_time) : NaN;
        if (Number.isFinite(serverMs)) conn.establishedServerMs = serverMs;
      }
      if (conn.user === null && typeof msg.user_id === 'string') {
        conn.user = msg.user_id;
        this.userOf(msg.user_id).conns.push(conn);
      }
      return false;
    }
    if (conn.establishedT === undefined) {
      if (f.type === ERROR_TYPE) {
        conn.refused = true;
        return false;
      }
      conn.establishedT = f.t;
    }
    return true;
  }

  /** A start_agent the user is now waiting on. */
  noteStart(f: FrameInfo, user: string, requestId: string): void {
    const start: PendingStart = {
      conn: f.conn,
      requestId,
      t: f.t,
      line: f.line,
      msg: f.msg as Record<string, unknown>,
      valid: f.valid,
      answered: false,
    };
    const state = this.userOf(user);
    state.pendingStarts.push(start);
    state.refusals.delete(requestId);
  }

  /** An `error_message` answering (refusing) a waiting start_agent by its request_id: sets `f.answered`. */
  answerStart(f: FrameInfo, requestId: string | undefined): boolean {
    const conn = f.conn;
    if (requestId === undefined || conn.user === null) return false;
    const user = this.users.get(conn.user);
    const start = user && takeStart(user, requestId, conn);
    if (!start) return false;
    start.answered = true;
    f.answered = start;
    user.refusals.delete(requestId);
    user.refusals.set(requestId, f);
    if (user.refusals.size > REFUSALS_KEPT) {
      for (const oldest of user.refusals.keys()) {
        user.refusals.delete(oldest);
        break;
      }
    }
    return true;
  }

  /** Who started a run first seen in frame f: the request it answers, else the user it names, else the connection's. */
  ownerOf(f: FrameInfo, connUser: string): string {
    const msg = f.msg as Record<string, any>;
    const requestId = f.type === this.startType && typeof msg.request_id === 'string' ? msg.request_id : undefined;
    if (requestId !== undefined && hasPending(this.users.get(connUser), requestId)) return connUser;
    if (typeof msg.user_id === 'string' && this.users.has(msg.user_id)) return msg.user_id;
    if (requestId !== undefined) {
      for (const user of this.users.values()) if (hasPending(user, requestId)) return user.id;
    }
    return connUser;
  }

  /** Links a run to the start_agent that caused it (by request_id; else, at the run's first sighting, the oldest). */
  linkStart(run: RunState, f: FrameInfo, firstSighting: boolean): void {
    const msg = f.msg as Record<string, any>;
    if (f.type === this.startType && typeof msg.request_id === 'string') {
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
    if (f.type === this.startType) {
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

  /** Forgets closed connections no live run of the user can still need. */
  pruneConns(user: UserState): void {
    const conns = user.conns;
    let closed = false;
    for (let i = 0; i < conns.length && !closed; i++) closed = conns[i].closed;
    if (!closed) return;
    let oldestLive = Infinity;
    for (const run of user.runs) oldestLive = Math.min(oldestLive, run.firstAny?.t ?? Infinity);
    const stale = (c: ConnState): boolean => c.closed && (c.closeT ?? 0) < oldestLive && !needsConn(user, c);
    if (conns.some(stale)) user.conns = conns.filter((c) => !stale(c));
  }
}

// A connection still holding an unanswered start_agent is needed by protocol.start-answered at the end.
function needsConn(user: UserState, conn: ConnState): boolean {
  return user.pendingStarts.some((s) => s.conn === conn);
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
  return removeAt(user.pendingStarts, index);
}

function takeExact(user: UserState, start: PendingStart): void {
  const index = user.pendingStarts.indexOf(start);
  removeAt(user.pendingStarts, index);
  start.answered = true;
}
