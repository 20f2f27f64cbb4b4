import type { OwnRun } from './own-run';
import { SeqSet } from './seq-set';
import type { WheelTimer } from './timer-wheel';
import type { TerminalOutcome } from './own-run';

const MAX_FINISHED_REMEMBERED = 256;

/**
 * What one tab holds of one run (its own or another tab's of the same user): the seqs it holds, the last seq of the
 * contiguous prefix (the `last_seq` of a resume), the terminal seq once seen, and what the current connection
 * delivered (a seq twice on one connection, or at or below what the tab claimed in its resume, is a duplicate).
 *
 * @example
 * const run = new TabRun('run_1', 1, socket.gen);
 * run.firstOnConnection(socket.gen, 1) && run.hold(1);
 * run.end; // 1
 */
export class TabRun {
  readonly held = new SeqSet();
  /** First seq this tab received of the run (1 for its own runs; later for a run it joined under way). */
  base: number;
  /** Highest seq with every seq from `base` up to it held: the `last_seq` of a resume. */
  end: number;
  terminalSeq: number | undefined;
  /** How the run ended and agent_error.code, kept for a run the tab adopts as its own after the terminal event. */
  terminalType: TerminalOutcome | undefined;
  terminalCode: string | undefined;
  own: OwnRun | undefined;
  /** Waits for missing events after the terminal one (a resume replay still on its way). */
  fillTimer: WheelTimer | undefined;
  /** Where in its tab's ring of finished runs it last finished (`TabRuns`). */
  finishedSlot = -1;
  private connGen: number;
  private readonly connSeen = new SeqSet();
  private claimed = 0;

  constructor(
    readonly id: string,
    firstSeq: number,
    gen: number,
  ) {
    this.base = firstSeq;
    this.end = firstSeq - 1;
    this.connGen = gen;
  }

  /** A new connection of generation `gen` whose resume claimed every seq up to `claimed`. */
  onConnection(gen: number, claimed: number): void {
    this.connGen = gen;
    this.connSeen.clear();
    this.claimed = claimed;
  }

  /** Records that connection `gen` delivered `seq`; false (a duplicate) when it had already, or claimed it. */
  firstOnConnection(gen: number, seq: number): boolean {
    if (this.connGen !== gen) this.onConnection(gen, 0);
    if (seq <= this.claimed) return false;
    return this.connSeen.add(seq);
  }

  /** Holds a new seq and extends the contiguous prefix. */
  hold(seq: number): void {
    this.held.add(seq);
    if (seq < this.base) this.base = seq;
    while (this.held.has(this.end + 1)) this.end++;
  }

  /** Starts the prefix over from seq 1 (a run adopted after DUPLICATE_REQUEST is resumed from the beginning). */
  restartFromOne(gen: number): void {
    this.base = 1;
    this.end = 0;
    while (this.held.has(this.end + 1)) this.end++;
    // What this connection delivered stays delivered: the server must not send it again.
    if (this.connGen !== gen) this.onConnection(gen, 0);
    else this.claimed = 0;
  }

  noteTerminal(seq: number, outcome: TerminalOutcome, code: string | undefined): void {
    this.terminalSeq = seq;
    this.terminalType = outcome;
    this.terminalCode = code;
  }
}

/**
 * A tab's runs: those it follows now, and the newest few it is done with (their replays still in flight are
 * redeliveries, not duplicates).
 *
 * @example
 * const runs = new TabRuns();
 * runs.follow(new TabRun('run_1', 1, gen));
 * runs.finish(runs.active('run_1')!);
 */
export class TabRuns {
  private readonly following = new Map<string, TabRun>();
  private readonly finished = new Map<string, TabRun>();
  /**
   * The finished runs in the order they finished, as a ring: the oldest is forgotten when a new one takes its slot.
   * (Not `finished.keys().next()`: a Map that forgets one entry per run finds its oldest by skipping the holes.)
   */
  private readonly ring: (TabRun | undefined)[] = new Array(MAX_FINISHED_REMEMBERED);
  private ringNext = 0;
  /** The run followed last looked up: a tab's events come run after run, so most lookups need no hashing. */
  private recent: TabRun | undefined;

  active(runId: string): TabRun | undefined {
    const recent = this.recent;
    if (recent !== undefined && recent.id === runId) return recent;
    const run = this.following.get(runId);
    if (run !== undefined) this.recent = run;
    return run;
  }

  done(runId: string): TabRun | undefined {
    return this.finished.get(runId);
  }

  /** Runs followed now (resumed on every new connection). */
  all(): IterableIterator<TabRun> {
    return this.following.values();
  }

  follow(run: TabRun): void {
    this.finished.delete(run.id);
    this.following.set(run.id, run);
  }

  /** The tab is done with the run; false when it was not following it. */
  finish(run: TabRun): boolean {
    if (!this.following.delete(run.id)) return false;
    if (this.recent === run) this.recent = undefined;
    const slot = this.ringNext;
    this.ringNext = (slot + 1) % MAX_FINISHED_REMEMBERED;
    const oldest = this.ring[slot];
    // Forgotten only if this slot is where it last finished (a run followed again and finished again moved on).
    if (oldest !== undefined && oldest.finishedSlot === slot && this.finished.get(oldest.id) === oldest) {
      this.finished.delete(oldest.id);
    }
    this.ring[slot] = run;
    run.finishedSlot = slot;
    this.finished.set(run.id, run);
    return true;
  }
}
