// The engine's state of a session, which every check reads. Decisions are documented in engine.ts; rules are in
// contracts/rules.
import type { Direction, TokenKind } from '../sessions';
import * as records from '../util/records';
import type { SchemaError } from './types';

// Bound once: compiled to CommonJS, every use of an imported binding is a getter call, and a frame is made per frame.
const { isRecord } = records;

// Connection-level message types the engine follows. Which messages belong to a run, start it and end it is the
// protocol's (CheckContext.protocol, from generated/contract.json); what is *allowed* is in the rule files.
export const ESTABLISHED_TYPE = 'connection_established';
export const ERROR_TYPE = 'error_message';
export const START_AGENT_TYPE = 'start_agent';
export const RESUME_TYPE = 'resume';

const NO_ERRORS: readonly SchemaError[] = Object.freeze([]);

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
    for (let seq = 0; seq < this.items.length; seq++) if (this.items[seq] !== undefined) out.push(seq);
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
  /** The credential the client presented (open record's `token_kind`; `valid` when absent). */
  tokenKind: TokenKind;
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
  /** The first server frame of the connection (set after the hooks of that frame ran). */
  firstS2c?: FrameInfo;
  /** That first server frame was `connection_established` (read on every frame; kept here, next to the rest). */
  establishedFirst: boolean;
  /** The run of the connection's last run event: the next event is most likely of the same run. */
  lastRun?: RunState;
  /** This connection's view of `lastRun` (when the owner's), read on every event instead of searching `views`. */
  lastView?: RunConnState;
  /** This connection's views of the runs it carries (until each run is finalised). */
  views: RunConnState[];
  /** Resumes waiting for their run, by run id; made by the first resume (most connections never send one). */
  pendingResumes: Map<string, PendingResume> | undefined;
  /** Per-check state (index = the check's slot). */
  slots: unknown[];
}

export interface UserState {
  id: string;
  conns: ConnState[];
  /** Unanswered `start_agent`s in the order sent. */
  pendingStarts: PendingStart[];
  /**
   * The `error_message`s that refused a start_agent, by its request_id, until the user sends that request_id again
   * (a refused start does not use it up). Only the most recent REFUSALS_KEPT.
   */
  refusals: Map<string, FrameInfo>;
  runs: Set<RunState>;
  /** Per-check state (index = the check's slot). */
  slots: unknown[];
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

// FrameInfo's flags, packed in one small integer: a run keeps its first sightings until it is finalised, so the
// size of a frame is most of what the checker holds (and what the young-generation GC copies).
const C2S = 1;
const VALID = 2;
const FIRST = 4;
const RUN_FIRST = 8;
const RESUMED = 16;
const DETACHED = 32;
const STATUS_SHIFT = 6;
const STATUS_MASK = 15 << STATUS_SHIFT;
// The type id sits above the flags and the status (ids are small: one per type a check or the protocol names).
const TYPE_ID_SHIFT = 10;
const LOW_BITS = (1 << TYPE_ID_SHIFT) - 1;
const SEQ_STATUSES: readonly SeqStatus[] = [
  'none',
  'next',
  'first',
  'gap',
  'deferred',
  'repeat',
  'claimed',
  'fill',
  'early',
];
const STATUS_CODE = new Map<SeqStatus, number>(SEQ_STATUSES.map((status, i) => [status, i]));

/** What few frames have (an invalid frame, raw text, a seq anomaly, a bad credential), made on first need. */
interface FrameRare {
  /** The parsed value when it is not a JSON object (an array, a number...). */
  value: unknown;
  raw: string | undefined;
  errors: readonly SchemaError[];
  tokenKind: TokenKind;
  answered: PendingStart | undefined;
  seqExpected: number | undefined;
  seqFirstLine: number | undefined;
  seqResumeFrom: number | undefined;
}

/**
 * A frame with what the engine worked out about it. Hooks see the state *before* this frame was applied. One is made
 * per frame (the only allocation per frame); those a run keeps (first sightings) are what reports point at. Flags
 * are bits of one field and the rarely set fields live in a side object, so a frame is half the size it would be
 * as a plain object of every field.
 */
export class FrameInfo {
  /**
   * The message when it is a JSON object. A run event's message is let go once the frame is processed when the checker
   * does not keep frames (`CheckerOptions.keepFrames: false`): then `detached` is true and only what the engine
   * worked out (type, seq, line, t, `stampValue`) stays.
   */
  msg: Record<string, any> | undefined;
  /**
   * `msg.type` when it is a string; once the engine classified the frame (`setType`), the engine's own string for a
   * type it knows: a run keeps its frames, and one string per type costs nothing to keep where each message's copy
   * would be one more object per kept frame.
   */
  type: string | undefined;
  // Set for run events on a connection of the run's owner:
  seq: number | undefined = undefined;
  /**
   * `msg.timestamp`: as sent (kept when the message is let go, parsed only if a check asks: most never are), then
   * its ms since the epoch once `serverMs` parsed it. One field for both: every frame carries it.
   */
  stampValue: string | number | undefined = undefined;
  /** Flags, seq status and type id, packed (see the constants above). */
  private bits: number;
  private rare: FrameRare | undefined = undefined;

  constructor(
    readonly conn: ConnState,
    dir: Direction,
    value: unknown,
    raw: string | undefined,
    readonly t: number,
    readonly line: number | undefined,
  ) {
    this.bits = dir === 'c2s' ? C2S : 0;
    const msg = raw === undefined && isRecord(value) ? (value as Record<string, any>) : undefined;
    this.msg = msg;
    const type = msg?.type;
    this.type = typeof type === 'string' ? type : undefined;
    if (raw !== undefined) this.more().raw = raw;
    else if (msg === undefined) this.more().value = value;
  }

  /** The small id the checker gave that type (0 for a type no check or protocol list names): tables index by it. */
  get typeId(): number {
    return this.bits >>> TYPE_ID_SHIFT;
  }

  set typeId(id: number) {
    this.bits = (this.bits & LOW_BITS) | (id << TYPE_ID_SHIFT);
  }

  /** The frame's type id and, when the id names a known type, that type's shared string (equal to `msg.type`). */
  setType(id: number, name: string | undefined): void {
    this.typeId = id;
    if (name !== undefined) this.type = name;
  }

  get dir(): Direction {
    return (this.bits & C2S) !== 0 ? 'c2s' : 's2c';
  }

  /** The parsed JSON value, whatever it is (undefined for raw text, or once detached). */
  get value(): unknown {
    return this.msg ?? this.rare?.value;
  }

  get raw(): string | undefined {
    return this.rare?.raw;
  }

  /** The message was let go (see `msg`): a report about this frame points at its line instead. */
  get detached(): boolean {
    return (this.bits & DETACHED) !== 0;
  }

  get valid(): boolean {
    return (this.bits & VALID) !== 0;
  }

  set valid(on: boolean) {
    this.flag(VALID, on);
  }

  /** First time the owner's connections see this event of the run (dedup across tabs and replays). */
  get first(): boolean {
    return (this.bits & FIRST) !== 0;
  }

  set first(on: boolean) {
    this.flag(FIRST, on);
  }

  /** First event of the run any connection of its owner saw. */
  get runFirst(): boolean {
    return (this.bits & RUN_FIRST) !== 0;
  }

  set runFirst(on: boolean) {
    this.flag(RUN_FIRST, on);
  }

  /** This connection resumed the run (`resume` sent) before this event. */
  get resumed(): boolean {
    return (this.bits & RESUMED) !== 0;
  }

  set resumed(on: boolean) {
    this.flag(RESUMED, on);
  }

  get seqStatus(): SeqStatus {
    return SEQ_STATUSES[(this.bits & STATUS_MASK) >> STATUS_SHIFT];
  }

  set seqStatus(status: SeqStatus) {
    this.bits = (this.bits & ~STATUS_MASK) | ((STATUS_CODE.get(status) as number) << STATUS_SHIFT);
  }

  get errors(): readonly SchemaError[] {
    return this.rare?.errors ?? NO_ERRORS;
  }

  set errors(errors: readonly SchemaError[]) {
    this.more().errors = errors;
  }

  /** The credential a client frame presented (`token_kind` of an `auth_refresh` record; `valid` when absent). */
  get tokenKind(): TokenKind {
    return this.rare?.tokenKind ?? 'valid';
  }

  set tokenKind(kind: TokenKind) {
    if (kind !== 'valid' || this.rare !== undefined) this.more().tokenKind = kind;
  }

  /** The pending `start_agent` this `error_message` answered (refused), if any. */
  get answered(): PendingStart | undefined {
    return this.rare?.answered;
  }

  set answered(start: PendingStart | undefined) {
    this.more().answered = start;
  }

  /** The seq this connection expected (for `next`, the frame's own seq: it is not stored). */
  get seqExpected(): number | undefined {
    const expected = this.rare?.seqExpected;
    return expected === undefined && this.seqStatus === 'next' ? this.seq : expected;
  }

  set seqExpected(seq: number | undefined) {
    if (seq !== undefined || this.rare !== undefined) this.more().seqExpected = seq;
  }

  /** Line where this connection first had this seq (repeat). */
  get seqFirstLine(): number | undefined {
    return this.rare?.seqFirstLine;
  }

  set seqFirstLine(line: number | undefined) {
    this.more().seqFirstLine = line;
  }

  /** `last_seq` of the resume the status refers to. */
  get seqResumeFrom(): number | undefined {
    return this.rare?.seqResumeFrom;
  }

  set seqResumeFrom(seq: number | undefined) {
    this.more().seqResumeFrom = seq;
  }

  /** Lets the message go (see `detach`). */
  letGo(): void {
    this.msg = undefined;
    if (this.rare !== undefined) this.rare.value = undefined;
    this.bits |= DETACHED;
  }

  private flag(bit: number, on: boolean): void {
    this.bits = on ? this.bits | bit : this.bits & ~bit;
  }

  private more(): FrameRare {
    return (this.rare ??= {
      value: undefined,
      raw: undefined,
      errors: NO_ERRORS,
      tokenKind: 'valid',
      answered: undefined,
      seqExpected: undefined,
      seqFirstLine: undefined,
      seqResumeFrom: undefined,
    });
  }
}

/**
 * A frame's info before the engine worked anything out.
 *
 * @example
 * const f = newFrame(conn, 's2c', msg, undefined, 1200, 7);
 */
export function newFrame(
  conn: ConnState,
  dir: Direction,
  value: unknown,
  raw: string | undefined,
  t: number,
  line: number | undefined,
): FrameInfo {
  return new FrameInfo(conn, dir, value, raw, t, line);
}

/** `msg.timestamp` of a frame on the server's clock (ms since the epoch), parsed once; NaN when absent or invalid. */
export function serverMs(f: FrameInfo): number {
  const known = f.stampValue;
  if (typeof known === 'number') return known;
  const stamp = f.detached ? known : f.msg?.timestamp;
  const ms = typeof stamp === 'string' ? isoMs(stamp) : NaN;
  f.stampValue = ms;
  return ms;
}

/** Lets a processed run event's message go (the checker keeps no frames): its timestamp text is kept as `stamp`. */
export function detach(f: FrameInfo): void {
  const stamp = f.msg?.timestamp;
  if (typeof stamp === 'string' && f.stampValue === undefined) f.stampValue = stamp;
  f.letGo();
}

const DIGIT_0 = 48;

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp: the contract's `YYYY-MM-DDTHH:MM:SS.mmmZ` read digit by
 * digit (every event carries one, so this is on the hot path), anything else (and the last days of a month, where
 * validity depends on the month) by Date.parse.
 *
 * @example
 * isoMs('2026-11-24T10:15:30.123Z'); // 1795515330123
 */
export function isoMs(stamp: string): number {
  if (
    stamp.length !== 24 ||
    stamp.charCodeAt(4) !== 45 || // -
    stamp.charCodeAt(7) !== 45 ||
    stamp.charCodeAt(10) !== 84 || // T
    stamp.charCodeAt(13) !== 58 || // :
    stamp.charCodeAt(16) !== 58 ||
    stamp.charCodeAt(19) !== 46 || // .
    stamp.charCodeAt(23) !== 90 // Z
  ) {
    return Date.parse(stamp);
  }
  const year = digitsAt(stamp, 0, 4);
  const month = digitsAt(stamp, 5, 2);
  const day = digitsAt(stamp, 8, 2);
  const hour = digitsAt(stamp, 11, 2);
  const minute = digitsAt(stamp, 14, 2);
  const second = digitsAt(stamp, 17, 2);
  const ms = digitsAt(stamp, 20, 3);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23) return Date.parse(stamp);
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return Date.parse(stamp);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
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
  /** The connection resumed the run and the server did not refuse the resume (it listens to the run). */
  resumeStands: boolean;
  expected?: number;
  /** A resume was sent and no event has come since. */
  resumePendingFrom?: number;
  /** Gaps right after a resume, open until the replay fills them. */
  holes: readonly SeqHole[];
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
  /**
   * The seqs a connection of another user saw before any of the owner's did, with that first sighting (made on first
   * need: almost every run has none). With `bySeq` this gives the first sighting of each seq anywhere (`firstSeen`),
   * without a second map per run filled on every event.
   */
  foreignFirst: SeqMap<FrameInfo> | undefined;
  /** Dedup keys of first sightings that share a seq with another type, or have no seq (made when first needed). */
  seenKeys?: Set<string>;
  minSeq?: number;
  maxSeq?: number;
  events: number;
  terminal?: FrameInfo;
  /** A terminal event reached a connection of the owner. */
  terminalSeen: boolean;
  /**
   * When every connection of the owner that had the run held all of it, up to its terminal, with none open missing
   * it (`settledRetainMs`): the run is finalised sooner, and a later copy on a connection open then is a repeat.
   */
  settledT: number | undefined;
  /** A finalised run's terminal event, as reports name it (the frame itself is let go with the run's state). */
  end: EventMark | undefined;
  /** Last owner sighting. */
  last?: FrameInfo;
  /** Session time of the last first-sighting. */
  lastFirstT?: number;
  /** Each connection's view of the run (a handful: one per tab of the owner). */
  views: RunConnState[];
  finalized: boolean;
  /** Per-check state (index = the check's slot). */
  slots: unknown[];
}

/** What names an event in a report (`describeEvent`): a frame, or what a finalised run kept of its terminal. */
export interface EventMark {
  readonly type: string | undefined;
  readonly seq: number | undefined;
  readonly line: number | undefined;
}

/** A user the session has not seen connect (a run's owner named by a foreign event). */
export function blankUser(id: string): UserState {
  return { id, conns: [], pendingStarts: [], refusals: new Map(), runs: new Set(), slots: [] };
}

/** A run's state before its first event is applied. */
export function blankRun(id: string, owner: string, user: UserState): RunState {
  return {
    id,
    owner,
    user,
    start: undefined,
    startMatch: 'none',
    startExpected: false,
    ownerSighted: false,
    firstOwner: undefined,
    firstAny: undefined,
    bySeq: new SeqMap(),
    foreignFirst: undefined,
    seenKeys: undefined,
    minSeq: undefined,
    maxSeq: undefined,
    events: 0,
    terminal: undefined,
    terminalSeen: false,
    settledT: undefined,
    end: undefined,
    last: undefined,
    lastFirstT: undefined,
    views: [],
    finalized: false,
    slots: [],
  };
}

/** The first sighting of this seq of the run on any connection, the owner's or a foreign one. */
export function firstSeen(run: RunState, seq: number): FrameInfo | undefined {
  return run.foreignFirst?.get(seq) ?? run.bySeq.get(seq);
}

/** The seqs of the run seen on any connection, ascending. */
export function seenSeqs(run: RunState): number[] {
  const owner = run.bySeq.seqs();
  const foreign = run.foreignFirst;
  if (foreign === undefined) return owner;
  return [...new Set([...owner, ...foreign.seqs()])].sort((a, b) => a - b);
}

/** How many seqs of the run were seen on any connection. */
export function seenCount(run: RunState): number {
  const foreign = run.foreignFirst;
  return foreign === undefined ? run.bySeq.size : seenSeqs(run).length;
}

/** A connection's view of a run, if the connection has had an event of it (or resumed it). */
export function viewOf(run: RunState, conn: ConnState): RunConnState | undefined {
  const views = run.views;
  for (let i = 0; i < views.length; i++) if (views[i].conn === conn) return views[i];
  return undefined;
}
