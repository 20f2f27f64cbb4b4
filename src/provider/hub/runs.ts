import { Run, type RunContext } from '../run';

interface ThreadState {
  readonly userId: string;
  /** Runs of the thread still held (running or retained); the thread is forgotten with its last run. */
  runs: number;
}

/** Retention bounds of ended runs. */
export interface RetentionLimits {
  retentionMs: number;
  maxRetainedRuns: number;
  maxRetainedBytes: number;
}

/**
 * The runs this process holds: running ones by user, ended ones kept for `resume` in end order until retention
 * (age, count, bytes) evicts them, and the threads they belong to (a thread is its first run's user's).
 */
export class RunRegistry {
  private readonly runs = new Map<string, Run>();
  private readonly threads = new Map<string, ThreadState>();
  private readonly activeByUser = new Map<string, Set<Run>>();
  private endedQueue: Run[] = [];
  private endedHead = 0;
  private idleWaiters: (() => void)[] = [];
  activeCount = 0;
  retainedBytes = 0;
  readonly counters = { runsStarted: 0, runsEnded: 0, runsEvicted: 0 };

  constructor(
    private readonly limits: RetentionLimits,
    private readonly onEvict: (run: Run) => void,
  ) {}

  get(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  values(): IterableIterator<Run> {
    return this.runs.values();
  }

  get size(): number {
    return this.runs.size;
  }

  /** The user's runs still going here. */
  activeOf(userId: string): Iterable<Run> {
    return this.activeByUser.get(userId) ?? [];
  }

  /** Whether `threadId` may hold a new run of `userId`: unknown and foreign threads look the same. */
  threadIsUsers(threadId: string, userId: string): boolean {
    return this.threads.get(threadId)?.userId === userId;
  }

  /** Registers a new running run. */
  add(ctx: RunContext): Run {
    const run = new Run(ctx);
    this.hold(run);
    this.activate(run);
    this.counters.runsStarted++;
    return run;
  }

  /** Holds a run (new or restored) and counts it in its thread. */
  hold(run: Run): void {
    this.runs.set(run.ctx.runId, run);
    this.retainedBytes += run.bytes;
    let thread = this.threads.get(run.ctx.threadId);
    if (thread === undefined) this.threads.set(run.ctx.threadId, (thread = { userId: run.ctx.userId, runs: 0 }));
    thread.runs++;
  }

  /** Counts a held run as running (new, or restored without its terminal event). */
  activate(run: Run): void {
    let active = this.activeByUser.get(run.ctx.userId);
    if (active === undefined) this.activeByUser.set(run.ctx.userId, (active = new Set()));
    active.add(run);
    this.activeCount++;
  }

  /** Queues an ended run for retention (restore: in end order). */
  queueEnded(run: Run): void {
    this.endedQueue.push(run);
  }

  /** The run's terminal event is committed: it stops running and waits in the retention queue. */
  markEnded(run: Run, now = Date.now()): void {
    run.ended = true;
    run.endedAt = now;
    run.openToolCalls.clear();
    const active = this.activeByUser.get(run.ctx.userId);
    if (active !== undefined && active.delete(run) && active.size === 0) this.activeByUser.delete(run.ctx.userId);
    this.activeCount--;
    this.counters.runsEnded++;
    this.endedQueue.push(run);
    this.enforceRetention(now);
    if (this.activeCount === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Resolves when no run is running (drain). */
  whenIdle(): Promise<void> {
    if (this.activeCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Evicts ended runs past the age, count or bytes bound, oldest first. */
  enforceRetention(now: number): void {
    const { retentionMs, maxRetainedRuns, maxRetainedBytes } = this.limits;
    while (this.endedHead < this.endedQueue.length) {
      const run = this.endedQueue[this.endedHead];
      const held = this.endedQueue.length - this.endedHead;
      if (run.endedAt + retentionMs > now && held <= maxRetainedRuns && this.retainedBytes <= maxRetainedBytes) break;
      this.endedHead++;
      this.evict(run);
    }
    if (this.endedHead > 1024 && this.endedHead * 2 > this.endedQueue.length) {
      this.endedQueue = this.endedQueue.slice(this.endedHead);
      this.endedHead = 0;
    }
  }

  private evict(run: Run): void {
    this.runs.delete(run.ctx.runId);
    this.retainedBytes -= run.bytes;
    this.counters.runsEvicted++;
    const thread = this.threads.get(run.ctx.threadId);
    if (thread !== undefined && --thread.runs <= 0) this.threads.delete(run.ctx.threadId);
    this.onEvict(run);
  }
}
