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
  private readonly dropQueue: { run: RunState; at: number }[] = [];
  private dropHead = 0;
  private readonly retired: string[] = [];
  private retiredHead = 0;

  constructor(private readonly retainMs: number) {}

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
    this.dropQueue.push({ run, at: t + this.retainMs });
  }

  /** The next run due for finalising at session time t, or undefined. */
  due(t: number): RunState | undefined {
    while (this.dropHead < this.dropQueue.length && this.dropQueue[this.dropHead].at <= t) {
      const { run } = this.dropQueue[this.dropHead++];
      if (!run.finalized) return run;
    }
    if (this.dropHead > COMPACT_AFTER && this.dropHead * 2 > this.dropQueue.length) {
      this.dropQueue.splice(0, this.dropHead);
      this.dropHead = 0;
    }
    return undefined;
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
