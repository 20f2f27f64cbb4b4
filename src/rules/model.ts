import type { Direction } from '../sessions';
import type { Protocol } from '../protocol';
import type { Profile, RuleDef, SchemaError } from './types';

// Connection-level message types the engine follows. Which messages belong to a run, start it and end it is the
// protocol's (CheckContext.protocol, from generated/contract.json); what is *allowed* is in the rule files.
export const ESTABLISHED_TYPE = 'connection_established';
export const ERROR_TYPE = 'error_message';
export const START_AGENT_TYPE = 'start_agent';
export const RESUME_TYPE = 'resume';

/**
 * A small map keyed by seq (a small positive integer), backed by an array: runs have tens of events and the engine
 * touches these on every event, so this is much cheaper than a Map.
 */
export class SeqMap<T> {
  private readonly items: (T | undefined)[] = [];
  size = 0;

  get(seq: number): T | undefined {
    return this.items[seq];
  }

  has(seq: number): boolean {
    return this.items[seq] !== undefined;
  }

  set(seq: number, value: T): void {
    if (this.items[seq] === undefined) this.size++;
    this.items[seq] = value;
  }

  /** The seqs present, ascending. */
  seqs(): number[] {
    const out: number[] = [];
    this.items.forEach((item, seq) => item !== undefined && out.push(seq));
    return out;
  }
}

/** A `start_agent` a user sent, until something answers it. */
export interface PendingStart {
  conn: ConnState;
  requestId: string;
  t: number;
  line?: number;
  msg: Record<string, unknown>;
  /** Matched its schema; an invalid one is the business of protocol.rejection-answered. */
  valid: boolean;
  answered: boolean;
}

/** A `resume` sent on a connection, until an event of its run arrives there (honoured) or an error refuses it. */
export interface PendingResume {
  runId: string;
  lastSeq: number;
  t: number;
  line?: number;
  requestId?: string;
  /** Already applied to the connection's view of the run. */
  applied: boolean;
}

export interface ConnState {
  id: string;
  /** The token's user: from the open record, else from `connection_established`. */
  user: string | null;
  headerUser: string | null;
  openT: number;
  openLine?: number;
  /** Session time of `connection_established` (or of the first other server message when it never came). */
  establishedT?: number;
  /** `connection_established.server_time` on the server's clock (ms since the epoch), when the message had one. */
  establishedServerMs?: number;
  /** The server refused the connection (an `error_message` before `connection_established`). */
  refused: boolean;
  closed: boolean;
  closeT?: number;
  closeLine?: number;
  closeCode?: number;
  closeBy?: 'client' | 'server';
  /** Record counter at the close (to tell the closes that end the session from those during it). */
  closeOrder?: number;
  lastS2cT?: number;
  runStates: Set<RunConnState>;
  pendingResumes: Map<string, PendingResume>;
  /** Per-check state (index = the check's slot). */
  slots: unknown[];
}

export interface UserState {
  id: string;
  conns: ConnState[];
  /** Unanswered `start_agent`s in the order sent. */
  pendingStarts: PendingStart[];
  runs: Set<RunState>;
}

/** Why a gap is excused or how a sighting relates to the connection's stream of the run. */
export type SeqStatus =
  | 'next' // the expected seq
  | 'first' // the first event of the run on this connection (joined under way)
  | 'gap' // skipped one or more seqs
  | 'deferred' // skipped seqs right after a resume: open until the replay fills them (see SeqHole)
  | 'repeat' // this connection already had this seq
  | 'claimed' // the client said (resume last_seq) it had this seq
  | 'fill' // fills a gap left open after a resume (a live event overtook the replay)
  | 'early' // before the point where this connection joined: harmless history
  | 'none'; // no usable seq

/** A frame with what the engine worked out about it. Hooks see the state *before* this frame was applied. */
export interface FrameInfo {
  conn: ConnState;
  dir: Direction;
  /** The message when it is a JSON object. */
  msg: Record<string, any> | undefined;
  /** The parsed JSON value, whatever it is. */
  value: unknown;
  raw?: string;
  t: number;
  line?: number;
  type?: string;
  valid: boolean;
  errors: SchemaError[];
  // Set for run events on a connection of the run's owner:
  seq?: number;
  /** First time the owner's connections see this event of the run (dedup across tabs and replays). */
  first?: boolean;
  /** First event of the run any connection of its owner saw. */
  runFirst?: boolean;
  /** This connection resumed the run (`resume` sent) before this event. */
  resumed?: boolean;
  seqStatus?: SeqStatus;
  seqExpected?: number;
  /** Line where this connection first had this seq (repeat) . */
  seqFirstLine?: number;
  /** `last_seq` of the resume the status refers to. */
  seqResumeFrom?: number;
}

export interface SeqHole {
  from: number;
  to: number;
  missing: Set<number>;
  resumeFrom: number;
  at: FrameInfo;
}

/** One run as seen by one connection of its owner. */
export interface RunConnState {
  run: RunState;
  conn: ConnState;
  /** Seqs received on this connection, and the line of the first copy. */
  haveLine: SeqMap<number>;
  minHave?: number;
  maxHave?: number;
  /** Highest `last_seq` this connection sent in a `resume` of the run (it holds 1..claimed). */
  claimed: number;
  resumes: number;
  expected?: number;
  /** A resume was sent and no event has come since. */
  resumePendingFrom?: number;
  /** Gaps right after a resume, open until the replay fills them. */
  holes: SeqHole[];
}

export interface RunState {
  id: string;
  owner: string;
  user: UserState;
  start?: PendingStart;
  startMatch: 'request' | 'heuristic' | 'none';
  /** A start_agent of the user was waiting when the run first showed: it should begin at its start. */
  startExpected: boolean;
  ownerSighted: boolean;
  firstOwner?: FrameInfo;
  /** First sighting anywhere, a foreign connection included (proof the event was emitted, and when). */
  firstAny?: FrameInfo;
  /** First owner sighting per seq. */
  bySeq: SeqMap<FrameInfo>;
  /** First sighting per seq on any connection. */
  anyBySeq: SeqMap<FrameInfo>;
  /** Dedup keys of first sightings that share a seq with another type, or have no seq. */
  seenKeys: Set<string>;
  minSeq?: number;
  maxSeq?: number;
  events: number;
  terminal?: FrameInfo;
  /** A terminal event reached a connection of the owner. */
  terminalSeen: boolean;
  /** Last owner sighting. */
  last?: FrameInfo;
  /** Session time of the last first-sighting. */
  lastFirstT?: number;
  conns: Map<ConnState, RunConnState>;
  resumedBy: Set<ConnState>;
  finalized: boolean;
  /** Per-check state (index = the check's slot). */
  slots: unknown[];
}

/** What a check may read about the session beyond the frame in hand. */
export interface EngineView {
  readonly users: ReadonlyMap<string, UserState>;
  /** Connection still there when the session ended (open, or closed by the client in the closing records). */
  presentAtEnd(conn: ConnState): boolean;
  /** A connection of the run's user that listened from the run's last event (or resumed it) to the end. */
  listener(run: RunState): ConnState | undefined;
  /** Session time at `finish`. */
  readonly finishT: number;
  /** Live connections (not yet closed). */
  readonly openConns: ReadonlyMap<string, ConnState>;
}

/** Where a violation is and what the message placeholders say. */
export interface ReportAt {
  conn: string;
  line?: number;
  t?: number;
  frame?: unknown;
  run_id?: string;
  user?: string | null;
  seq?: number;
  type?: string;
}

export interface CheckContext {
  rule: RuleDef;
  /** The protocol the session is checked against: run events, the start and terminal types. */
  protocol: Protocol;
  /** Parameters, `{ profile: key }` already replaced by the profile's number. */
  params: Record<string, any>;
  profile: Profile;
  engine: EngineView;
  report(at: ReportAt, vars: Record<string, unknown>): void;
  /** This check's state for a connection, created by `init` on first use. */
  connState<T>(conn: ConnState, init: () => T): T;
  /** This check's state for a run (dropped with the run), created by `init` on first use. */
  runState<T>(run: RunState, init: () => T): T;
}

/** What a check kind subscribes to. All optional; each is called in stream order. */
export interface CheckHooks {
  connOpen?(conn: ConnState): void;
  serverFrame?(f: FrameInfo): void;
  clientFrame?(f: FrameInfo): void;
  /** A run event on a connection of the run's owner (every copy). */
  runEvent?(f: FrameInfo, run: RunState, rc: RunConnState): void;
  /** The first copy of each event of a run that the owner's connections see. */
  runEventFirst?(f: FrameInfo, run: RunState): void;
  /** A run event on a connection of another user. */
  foreignRunEvent?(f: FrameInfo, run: RunState): void;
  /** A run event of a run already finalised (a late replay): per-connection checks only. */
  lateRunEvent?(f: FrameInfo, owner: string): void;
  /** Gaps after a resume that the replay never filled (at the close of the connection or the run's end). */
  seqHoles?(rc: RunConnState, holes: SeqHole[]): void;
  connClose?(
    conn: ConnState,
    close: { code: number; reason: string; by: 'client' | 'server'; t: number; line?: number },
  ): void;
  /** The run is done (terminal + retain) or the session ended (`atFinish`). */
  runFinalize?(run: RunState, atFinish: boolean): void;
  finish?(): void;
}

/** A check kind: TypeScript behind a `check:` name in the rule files. */
export interface CheckKind {
  kind: string;
  family: string;
  /** Placeholders its messages may use besides COMMON_VARS. */
  vars: readonly string[];
  /** Semantic checks of params beyond the JSON Schema; returns a problem or undefined. */
  validateParams?(params: Record<string, any>): string | undefined;
  create(ctx: CheckContext): CheckHooks;
}

/** Helper for checks: the location of a frame as a report position. */
export function at(f: FrameInfo, run?: { id: string } | string): ReportAt {
  return {
    conn: f.conn.id,
    line: f.line,
    t: f.t,
    frame: f.raw ?? f.value,
    run_id: typeof run === 'string' ? run : run?.id,
    user: f.conn.user,
    seq: f.seq,
    type: f.type,
  };
}

const splitPaths = new Map<string, string[]>();

/** Reads a dotted path (`result.recommendations`) from a value. */
export function getPath(value: unknown, path: string): unknown {
  let parts = splitPaths.get(path);
  if (!parts) splitPaths.set(path, (parts = path.split('.')));
  let current: any = value;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[part];
  }
  return current;
}

/** Short description of a run event for messages: `tool_completed (seq 5, line 40)`. */
export function describeEvent(f: FrameInfo | undefined): string {
  if (!f) return 'nothing';
  const parts: string[] = [];
  if (f.seq !== undefined) parts.push(`seq ${f.seq}`);
  if (f.line !== undefined) parts.push(`line ${f.line}`);
  return parts.length ? `${f.type ?? 'frame'} (${parts.join(', ')})` : (f.type ?? 'frame');
}
