// The runs of a session: live runs by id, the ids of finalised runs (to recognise late replays), and when each ended
// run is due to be finalised. The owner's copies of an event (one per tab, plus replays) are de-duplicated by seq
// and type: run-level checks see each event once ("first sighting"), per-connection checks see every copy.
import { blankRun, SeqMap, type FrameInfo, type RunState, type UserState } from './model';

// Finalised runs remembered (by id, with their owner) to recognise late replays; the oldest are forgotten past this.
const RETIRED_LIMIT = 100_000;
// The retain and retired queues are compacted once this many used entries sit at their head.
const COMPACT_AFTER = 1024;
const NO_VIEWS: RunState['views'] = Object.freeze([]) as unknown as RunState['views'];
const NO_SEQS = new SeqMap<never>();

/**
 * Live runs, finalised ones (kept light, to recognise late replays) and the retain queue.
 *
 * @example
 * const book = new RunBook(30_000);
 * const run = book.create('run_1', user);
 * book.retain(run, terminalT); // finalised 30 s (session time) after its terminal
 * for (let run = book.due(t); run; run = book.due(t)) finalize(run);
 */
export class RunBook {
  /** Live and finalised runs by id. */
  readonly runs = new Map<string, RunState>();
  created = 0;
  private readonly retained: DropQueue;
  /** Settled runs (`settledRetainMs`): a queue of their own, so that each queue stays in time order. */
  private readonly settledRetained: DropQueue | undefined;
  private readonly retired: string[] = [];
  private retiredHead = 0;

  constructor(retainMs: number, settledRetainMs?: number) {
    this.retained = new DropQueue(retainMs);
    if (settledRetainMs !== undefined) this.settledRetained = new DropQueue(settledRetainMs);
  }

  /** Settled runs are finalised sooner (`settledRetainMs` was given). */
  get retainsSettledLess(): boolean {
    return this.settledRetained !== undefined;
  }

  /** A live or finalised run (`finalized` tells which). */
  get(id: string): RunState | undefined {
    return this.runs.get(id);
  }

  /** The live runs (a copy: finalising one while iterating is fine). */
  liveRuns(): RunState[] {
    const out: RunState[] = [];
    for (const run of this.runs.values()) if (!run.finalized) out.push(run);
    return out;
  }

  /** A new run of the user, with room for `slots` checks' state. */
  create(id: string, user: UserState, slots = 0): RunState {
    const run = blankRun(id, user.id, user);
    if (slots > 0) run.slots = new Array(slots);
    this.runs.set(id, run);
    user.runs.add(run);
    this.created++;
    return run;
  }

  /** The run reached its terminal at session time t: finalise it retainMs later. */
  retain(run: RunState, t: number): void {
    this.retained.push(run, t);
  }

  /** The run settled at session time t: finalise it settledRetainMs later (if sooner than retainMs after its end). */
  retainSettled(run: RunState, t: number): void {
    run.settledT = t;
    this.settledRetained?.push(run, t);
  }

  /** The next run due for finalising at session time t, or undefined. */
  due(t: number): RunState | undefined {
    return this.settledRetained?.due(t) ?? this.retained.due(t);
  }

  /**
   * Forgets what a finalised run held (its events, views and checks' state), keeping its id and owner so that a late
   * replay of it is still recognised. Past RETIRED_LIMIT the oldest finalised runs are forgotten entirely.
   */
  retire(run: RunState): void {
    run.finalized = true;
    run.user.runs.delete(run);
    run.bySeq = NO_SEQS;
    run.foreignFirst = undefined;
    run.views = NO_VIEWS;
    run.slots = [];
    const terminal = run.terminal;
    if (terminal !== undefined) run.end = { type: terminal.type, seq: terminal.seq, line: terminal.line };
    run.start = run.firstOwner = run.firstAny = run.terminal = run.last = undefined;
    run.seenKeys = undefined;
    this.retired.push(run.id);
    if (this.retired.length - this.retiredHead > RETIRED_LIMIT) this.runs.delete(this.retired[this.retiredHead++]);
    if (this.retiredHead > COMPACT_AFTER && this.retiredHead * 2 > this.retired.length) {
      this.retired.splice(0, this.retiredHead);
      this.retiredHead = 0;
    }
  }
}

/** Runs in the order they are due: each is finalised `delayMs` after it was queued (a FIFO: one delay per queue). */
class DropQueue {
  private readonly entries: { run: RunState; at: number }[] = [];
  private head = 0;

  constructor(private readonly delayMs: number) {}

  push(run: RunState, t: number): void {
    this.entries.push({ run, at: t + this.delayMs });
  }

  /** The next run due at session time t that is not finalised yet, or undefined. */
  due(t: number): RunState | undefined {
    const entries = this.entries;
    while (this.head < entries.length && entries[this.head].at <= t) {
      const { run } = entries[this.head++];
      if (!run.finalized) return run;
    }
    if (this.head > COMPACT_AFTER && this.head * 2 > entries.length) {
      entries.splice(0, this.head);
      this.head = 0;
    }
    return undefined;
  }
}

/**
 * Whether this owner sighting is the first of its event: same seq and type as one seen before is a copy (another
 * tab, a replay). The common case needs no key string.
 */
export function isFirstSighting(run: RunState, f: FrameInfo, seq: number | undefined): boolean {
  const seen = seq !== undefined ? run.bySeq.get(seq) : undefined;
  if (seq !== undefined && (seen === undefined || seen.type === f.type)) return seen === undefined;
  const key = sightingKey(f, seq);
  if (run.seenKeys?.has(key)) return false;
  (run.seenKeys ??= new Set()).add(key);
  return true;
}

function sightingKey(f: FrameInfo, seq: number | undefined): string {
  if (seq !== undefined) return `${seq}:${f.type}`;
  const eventId = f.msg?.event_id;
  return typeof eventId === 'string' ? `e:${eventId}` : `l:${f.line}:${f.conn.id}`;
}

/** Applies a first sighting to the run (after the hooks saw the state before it). */
export function noteFirstSighting(run: RunState, f: FrameInfo, seq: number | undefined): void {
  run.events++;
  if (seq !== undefined) {
    if (!run.bySeq.has(seq)) run.bySeq.set(seq, f);
    if (run.minSeq === undefined || seq < run.minSeq) run.minSeq = seq;
    if (run.maxSeq === undefined || seq > run.maxSeq) run.maxSeq = seq;
  }
  run.lastFirstT = f.t;
}
