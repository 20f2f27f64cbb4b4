import type { Logger } from '../logger';
import { ClusterError } from './errors';
import type { ClusterNode } from './node';

/** A run this node owns, as the outbox sees it. */
export interface OutboxRun {
  userId: string;
  runId: string;
  /** Every event of the run so far (index = seq - 1), serialised exactly as sent: the owner's memory. */
  events(): readonly string[];
  /** Whether the last of `events()` is the terminal event. */
  ended(): boolean;
}

export type ConflictHandler = (runId: string) => void;

/** Events of a run now in the log, in seq order (the owner hands them to its own connections only now). */
export type FlushedHandler = (
  run: OutboxRun,
  events: readonly { seq: number; text: string; terminal: boolean }[],
) => void;

/** Events of one run appended per round trip at most. */
const MAX_BATCH = 64;
/** Retry delays after an append fails for a reason other than Redis being down (a script or server error). */
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

interface Tracked {
  run: OutboxRun;
  /** Highest seq known to be in the Redis log. */
  flushed: number;
  /**
   * Highest seq ever handed to `onFlushed`. It survives a Redis restart (which sets `flushed` back to 0): the run is
   * written again from seq 1, but what this node's connections already had is not handed over a second time (a tab
   * that opened after the run ended, or that no longer follows it, would otherwise get the whole run again).
   */
  handed: number;
  flushing: boolean;
  /** Delay of the last retry after an unexpected append failure (0 once an append succeeds); doubles up to a cap. */
  retryMs: number;
  /** A retry timer is pending: nothing flushes the run before it fires. */
  retryPending: boolean;
  /** Date.now() at which an ended, flushed run stops being tracked. */
  forgetAt: number;
}

/**
 * The owner's write path to Redis, write-ahead: emission in the provider is synchronous, then the outbox appends
 * the run's events to the run log in seq order (what piled up goes in one pipelined round trip), each append also
 * publishing to the user's other nodes, and only then hands them to the owner's own connections (`onFlushed`), so
 * no connection anywhere ever holds an event the log does not (a node dying with unflushed events takes them along
 * unseen, and the survivor's closing events take their seqs without contradicting any client). While Redis is down the events stay here (the owner's
 * memory holds them anyway) and are flushed, in order, when the link is ready again; after Redis came back as a
 * new process (every key lost) each tracked run is written again from seq 1. Nothing is dropped: a run leaves the
 * outbox only once its terminal event is in the log, and stays one retention longer to be rewritten after a
 * restart. A RUN_LOG_CONFLICT (another writer holds the run's next seq: a reaper ended it while this node was cut
 * off) stops the run's writes and is reported to the provider, which must stop the run.
 */
export class RunOutbox {
  private readonly runs = new Map<string, Tracked>();
  /** Events appended (stats and bench). */
  appended = 0;
  conflicts = 0;

  constructor(
    private readonly node: ClusterNode,
    private readonly logger: Logger,
    private readonly onConflict: ConflictHandler,
    private readonly onFlushed: FlushedHandler = () => undefined,
  ) {
    node.link.onHealth((health, restarted) => {
      if (health !== 'ready') return;
      if (restarted) for (const t of this.runs.values()) t.flushed = 0;
      for (const t of this.runs.values()) this.kick(t);
    });
  }

  /** Starts tracking a run this node owns (before its first event). */
  track(run: OutboxRun): void {
    if (!this.runs.has(run.runId)) {
      this.runs.set(run.runId, {
        run,
        flushed: 0,
        handed: 0,
        flushing: false,
        retryMs: 0,
        retryPending: false,
        forgetAt: 0,
      });
    }
  }

  /** The run has new events: flush them (asynchronously, in order). */
  kick(t: Tracked | string): void {
    const tracked = typeof t === 'string' ? this.runs.get(t) : t;
    if (tracked === undefined || tracked.flushing || tracked.retryPending) return;
    tracked.flushing = true;
    void this.flush(tracked).finally(() => {
      tracked.flushing = false;
      // Events emitted during the last append, or a retry after a reconnect that happened mid-flush; an unexpected
      // failure retries on its own timer instead (at once, it would spin on an error that persists).
      if (tracked.flushed < tracked.run.events().length && this.node.link.health === 'ready') this.kick(tracked);
    });
  }

  /** Unflushed events over every tracked run (what a Redis outage has queued). */
  get pending(): number {
    let n = 0;
    for (const t of this.runs.values()) n += t.run.events().length - t.flushed;
    return n;
  }

  /** Resolves when every tracked run is flushed (tests, drain), or after `timeoutMs`. */
  async whenFlushed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  }

  /** Forgets ended runs past `retentionMs` (periodic sweep). */
  sweep(now = Date.now()): void {
    for (const [runId, t] of this.runs) if (t.forgetAt > 0 && t.forgetAt <= now) this.runs.delete(runId);
  }

  private async flush(t: Tracked): Promise<void> {
    const { run } = t;
    const events = run.events();
    try {
      if (t.flushed === 0 && events.length > 0) await this.node.claimRun(this.refOf(run, events[0]));
      while (t.flushed < events.length) {
        // Everything that piled up during the previous round trip goes in one pipeline (in order; bounded).
        const from = t.flushed + 1;
        const to = Math.min(events.length, t.flushed + MAX_BATCH);
        const items = [];
        for (let seq = from; seq <= to; seq++) {
          const text = events[seq - 1];
          const terminal = run.ended() && seq === events.length;
          items.push({
            event: { seq, text },
            terminal,
            publish: this.node.fanout.publishOf(run.userId, run.runId, seq, text),
          });
        }
        await this.node.runLog.appendBatch(run.userId, run.runId, items);
        t.flushed = to;
        t.retryMs = 0;
        const fresh = items.filter((i) => i.event.seq > t.handed);
        if (fresh.length > 0) {
          t.handed = fresh[fresh.length - 1].event.seq;
          this.onFlushed(
            run,
            fresh.map((i) => ({ seq: i.event.seq, text: i.event.text, terminal: i.terminal })),
          );
        }
        this.appended += items.length;
        if (items[items.length - 1].terminal) {
          await this.node.liveness.releaseRun(run.userId, run.runId);
          t.forgetAt = Date.now() + this.node.runLog.retentionMs;
        }
      }
    } catch (err) {
      if (err instanceof ClusterError && err.code === 'RUN_LOG_GAP') {
        // The log lost its head (Redis restarted empty under us): write the run again from seq 1.
        t.flushed = 0;
        return;
      }
      if (err instanceof ClusterError && err.code === 'RUN_LOG_CONFLICT') {
        this.conflicts++;
        this.runs.delete(run.runId);
        this.logger.warn('run log taken over by another writer; this node stops the run', { run_id: run.runId });
        this.onConflict(run.runId);
        return;
      }
      // REDIS_UNAVAILABLE: kept; the next 'ready' flushes again from t.flushed.
      if (!(err instanceof ClusterError && err.code === 'REDIS_UNAVAILABLE')) this.retryLater(t, err as Error);
    }
  }

  /** Schedules the next try of a run whose append failed unexpectedly (logged once per try, with the delay). */
  private retryLater(t: Tracked, err: Error): void {
    t.retryMs = Math.min(MAX_BACKOFF_MS, t.retryMs === 0 ? FIRST_BACKOFF_MS : t.retryMs * 2);
    t.retryPending = true;
    this.logger.error('run log append failed; retrying', {
      run_id: t.run.runId,
      retry_in_ms: t.retryMs,
      error: err.message,
    });
    setTimeout(() => {
      t.retryPending = false;
      if (this.runs.get(t.run.runId) === t) this.kick(t);
    }, t.retryMs).unref();
  }

  private refOf(run: OutboxRun, first: string): Parameters<ClusterNode['claimRun']>[0] {
    const started = JSON.parse(first) as Record<string, unknown>;
    return {
      userId: run.userId,
      runId: run.runId,
      threadId: String(started.thread_id),
      requestId: String(started.request_id),
      agentName: String(started.agent_name),
    };
  }
}
