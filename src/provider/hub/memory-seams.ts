import { FanoutPacer } from './fanout-pacer';
import type {
  CommittedEvent,
  CounterKind,
  EventFanOut,
  HubSeamFactories,
  LocalDelivery,
  LocalRunSource,
  RequestMemory,
  RunLogSlice,
  RunLogStore,
  StartedRequest,
  UserCounters,
} from './seams';

/** Fan-out inside one process: every connection is local, so publishing is delivering. */
export class MemoryFanOut implements EventFanOut {
  constructor(private readonly deliver: LocalDelivery) {}
  publish(event: CommittedEvent): void {
    this.deliver(event);
  }
  watchUser(): void {}
  unwatchUser(): void {}
  close(): void {}
}

/** The run log of one process: the hub's own runs already hold every event (no second copy). */
export class MemoryRunLog implements RunLogStore {
  constructor(private readonly local: LocalRunSource) {}
  append(): void {}
  readAfter(runId: string, afterSeq: number): RunLogSlice | undefined {
    const run = this.local.localRun(runId);
    if (run === undefined) return undefined;
    const head = run.events.length;
    return { userId: run.userId, head, events: run.events.slice(Math.max(0, Math.min(afterSeq, head))) };
  }
  evict(): void {}
  close(): void {}
}

interface Remembered extends StartedRequest {
  until: number;
}

/** Request ids per user in insertion (= expiry) order, at most `requestIdsPerUser` each (the oldest go first). */
export class MemoryRequestMemory implements RequestMemory {
  private readonly users = new Map<string, Map<string, Remembered>>();

  constructor(private readonly requestIdsPerUser: number) {}

  claim(userId: string, requestId: string, started: StartedRequest, untilMs: number): StartedRequest | undefined {
    let ids = this.users.get(userId);
    const earlier = ids?.get(requestId);
    if (earlier !== undefined && earlier.until > Date.now())
      return { runId: earlier.runId, threadId: earlier.threadId };
    if (ids === undefined) this.users.set(userId, (ids = new Map()));
    ids.delete(requestId);
    ids.set(requestId, { ...started, until: untilMs });
    if (ids.size > this.requestIdsPerUser) {
      const oldest = ids.keys().next().value;
      if (oldest !== undefined) ids.delete(oldest);
    }
    return undefined;
  }

  forget(userId: string, requestId: string): void {
    const ids = this.users.get(userId);
    ids?.delete(requestId);
    if (ids?.size === 0) this.users.delete(userId);
  }

  sweep(nowMs: number): void {
    for (const [userId, ids] of this.users) {
      for (const [requestId, { until }] of ids) {
        if (until > nowMs) break;
        ids.delete(requestId);
      }
      if (ids.size === 0) this.users.delete(userId);
    }
  }

  *entries(nowMs: number): Iterable<StartedRequest & { userId: string; requestId: string; until: number }> {
    for (const [userId, ids] of this.users) {
      for (const [requestId, { runId, threadId, until }] of ids) {
        if (until > nowMs) yield { userId, requestId, runId, threadId, until };
      }
    }
  }

  /** Users with a remembered request id (stats). */
  get size(): number {
    return this.users.size;
  }

  close(): void {}
}

/** Counters in a map; a count that drops to zero is forgotten (no per-user memory for idle users). */
export class MemoryUserCounters implements UserCounters {
  private readonly counts = new Map<string, number>();
  private pacer: FanoutPacer | undefined;
  private pacerRate = 0;

  acquire(userId: string, kind: CounterKind, limit: number): boolean {
    const key = `${kind}\u0000${userId}`;
    const now = this.counts.get(key) ?? 0;
    if (now >= limit) return false;
    this.counts.set(key, now + 1);
    return true;
  }

  release(userId: string, kind: CounterKind): void {
    const key = `${kind}\u0000${userId}`;
    const now = this.counts.get(key) ?? 0;
    if (now <= 1) this.counts.delete(key);
    else this.counts.set(key, now - 1);
  }

  count(userId: string, kind: CounterKind): number {
    return this.counts.get(`${kind}\u0000${userId}`) ?? 0;
  }

  chargeFanout(userId: string, bytes: number, bytesPerSecond: number): number {
    if (this.pacer === undefined || this.pacerRate !== bytesPerSecond) {
      this.pacer = new FanoutPacer(bytesPerSecond);
      this.pacerRate = bytesPerSecond;
    }
    return this.pacer.charge(userId, bytes, performance.now());
  }

  close(): void {}
}

/** The defaults: everything in this process. */
export const memorySeams: HubSeamFactories = {
  fanOut: (deliver) => new MemoryFanOut(deliver),
  runLog: (local) => new MemoryRunLog(local),
  requestMemory: ({ requestIdsPerUser }) => new MemoryRequestMemory(requestIdsPerUser),
  counters: () => new MemoryUserCounters(),
};
