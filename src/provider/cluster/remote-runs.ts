import { loadProtocol } from '../../protocol';
import type { Logger } from '../logger';
import type { RemoteEvent } from './fanout';
import type { RunLog } from './run-log';

/** Hands one event of a remote run, in seq order and exactly once, to this node's connections of the user. */
export type LocalDelivery = (userId: string, runId: string, seq: number, text: string, terminal: boolean) => void;

interface RemoteRun {
  userId: string;
  /** Highest seq handed to local delivery. */
  head: number;
  ended: boolean;
  /** A gap is being filled from the log: later pub/sub messages wait here. */
  filling: boolean;
  waiting: RemoteEvent[];
}

const TYPE_PREFIX = /^\{"type":"([A-Za-z0-9_]+)"/;

/** How long an ended remote run's cursor is kept (duplicates after that are still dropped by connection spans). */
const ENDED_KEPT_MS = 60_000;

/**
 * The receiving side of fan-out on one node: per remote run, the highest seq delivered. Pub/sub is at-most-once
 * (a subscriber that was disconnected misses messages) and an owner rewriting its log after a Redis restart
 * publishes old seqs again, so the receiver makes delivery exactly-once and in order itself: a seq at or below
 * the head is a duplicate (dropped, counted); a seq past head + 1 is a gap, filled from the run log before
 * anything later is delivered; after the link comes back every unfinished run is caught up from the log even if
 * no new message arrives. A run first seen mid-way (the user's first connection on this node joined while it ran)
 * starts at that seq, the same policy as a connection that joins a local run.
 */
export class RemoteRuns {
  private readonly runs = new Map<string, RemoteRun>();
  private readonly protocol = loadProtocol();
  duplicates = 0;
  gapsFilled = 0;

  constructor(
    private readonly runLog: RunLog,
    private readonly deliver: LocalDelivery,
    private readonly logger: Logger,
  ) {}

  receive(event: RemoteEvent): void {
    let run = this.runs.get(event.runId);
    if (run === undefined) {
      run = { userId: event.userId, head: event.seq - 1, ended: false, filling: false, waiting: [] };
      this.runs.set(event.runId, run);
    }
    if (run.userId !== event.userId) return; // a run id on another user's channel: never crosses users
    if (run.filling) {
      run.waiting.push(event);
      return;
    }
    if (event.seq <= run.head) {
      this.duplicates++;
      return;
    }
    if (event.seq > run.head + 1) {
      run.waiting.push(event);
      void this.fill(event.runId, run);
      return;
    }
    this.hand(event.runId, run, event.seq, event.text);
  }

  /** Highest seq delivered of each remote run of `userId` still going (a new local connection joins there). */
  *activeRunsOf(userId: string): IterableIterator<[string, number]> {
    for (const [runId, run] of this.runs) if (run.userId === userId && !run.ended) yield [runId, run.head];
  }

  /** The user has no local connection left: forget its remote runs. */
  forgetUser(userId: string): void {
    for (const [runId, run] of this.runs) if (run.userId === userId) this.runs.delete(runId);
  }

  /** After the link was down: fetch what every unfinished remote run emitted meanwhile. */
  catchUp(): void {
    for (const [runId, run] of this.runs) if (!run.ended && !run.filling) void this.fill(runId, run);
  }

  get size(): number {
    return this.runs.size;
  }

  private hand(runId: string, run: RemoteRun, seq: number, text: string): void {
    run.head = seq;
    const type = TYPE_PREFIX.exec(text)?.[1];
    const terminal = type !== undefined && this.protocol.isTerminal(type);
    if (terminal) {
      run.ended = true;
      // Kept a while to drop late duplicates (an owner rewriting its log after a Redis restart), then forgotten.
      setTimeout(() => this.runs.delete(runId), ENDED_KEPT_MS).unref();
    }
    this.deliver(run.userId, runId, seq, text, terminal);
  }

  private async fill(runId: string, run: RemoteRun): Promise<void> {
    run.filling = true;
    try {
      const missing = (await this.runLog.readAfter(run.userId, runId, run.head)) ?? [];
      for (const e of missing) if (e.seq === run.head + 1) this.hand(runId, run, e.seq, e.text);
      if (missing.length > 0) this.gapsFilled++;
    } catch (err) {
      // Redis down again: catchUp() on the next 'ready' retries; the waiting messages are kept in order.
      this.logger.warn('remote run gap not filled yet', { run_id: runId, error: (err as Error).message });
    } finally {
      run.filling = false;
    }
    const waiting = run.waiting.sort((x, y) => x.seq - y.seq);
    run.waiting = [];
    for (const e of waiting) {
      if (e.seq <= run.head) this.duplicates++;
      else if (e.seq === run.head + 1) this.hand(runId, run, e.seq, e.text);
      else run.waiting.push(e);
    }
    // Still a gap (the log had not caught up, or Redis is down): wait for the next message or catchUp().
  }
}
