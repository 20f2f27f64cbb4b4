// The runs of a session: live runs by id, the ids of finalised runs (to recognise late replays), and when each ended
// run is due to be finalised. The owner's copies of an event (one per tab, plus replays) are de-duplicated by seq
// and type: run-level checks see each event once ("first sighting"), per-connection checks see every copy.
import { blankRun, blankUser, type FrameInfo, type RunState, type UserState } from './model';

// Ids of finalised runs remembered to recognise late replays; the oldest are forgotten past this many.
const TOMBSTONE_LIMIT = 100_000;
// The retain queue is compacted once this many finalised entries sit at its head.
const COMPACT_AFTER = 1024;

/**
 * Live runs, tombstones of finalised ones and the retain queue.
 *
 * @example
 * const book = new RunBook(30_000);
 * const run = book.create('run_1', user);
 * book.retain(run, terminalT); // finalised 30 s (session time) after its terminal
 * for (let run = book.due(t); run; run = book.due(t)) finalize(run);
 */
export class RunBook {
  readonly runs = new Map<string, RunState>();
  created = 0;
  private readonly tombstones = new Map<string, string>();
  private readonly dropQueue: { run: RunState; at: number }[] = [];
  private dropHead = 0;

  constructor(private readonly retainMs: number) {}

  get(id: string): RunState | undefined {
    return this.runs.get(id);
  }

  /** The owner of a run already finalised, if it is remembered. */
  finalisedOwner(id: string): string | undefined {
    return this.tombstones.get(id);
  }

  create(id: string, user: UserState): RunState {
    const run = blankRun(id, user.id, user);
    this.runs.set(id, run);
    user.runs.add(run);
    this.created++;
    return run;
  }

  /** A stand-in for a finalised run, for reporting a late event of it on a foreign connection. */
  ghost(id: string, owner: string, user: UserState | undefined): RunState {
    const run = blankRun(id, owner, user ?? blankUser(owner));
    run.finalized = true;
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

  /** Forgets a finalised run, keeping its id and owner as a tombstone. */
  retire(run: RunState): void {
    this.runs.delete(run.id);
    this.tombstones.set(run.id, run.owner);
    if (this.tombstones.size > TOMBSTONE_LIMIT) {
      for (const oldest of this.tombstones.keys()) {
        this.tombstones.delete(oldest);
        break;
      }
    }
    run.user.runs.delete(run);
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
