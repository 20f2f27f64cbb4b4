import type { RedisLink } from './redis-link';

/** The run a request_id already started. */
export interface RememberedStart {
  runId: string;
  threadId: string;
}

/**
 * Idempotency across the cluster: `request_id -> run` per user, remembered for the retention the spec promises
 * (`min_resume_retention_ms`), so a start_agent retried through another node is a DUPLICATE_REQUEST pointing at
 * the run it already started. One `SET key value NX PX ttl GET` claims the id or returns the earlier claim,
 * atomically: two nodes racing with the same request_id cannot both start a run. Threads are remembered the same
 * way (`thread -> owner` is implicit: the key lives under the user's hash tag), so a thread id of another user is
 * unknown here, exactly like an id that never existed.
 */
export class RequestMemory {
  constructor(
    private readonly link: RedisLink,
    private readonly retentionMs: number,
  ) {}

  /** Claims `requestId` for `start`; returns undefined when claimed now, else the run that already holds it. */
  async claim(
    userId: string,
    requestId: string,
    start: RememberedStart,
    ttlMs = this.retentionMs,
  ): Promise<RememberedStart | undefined> {
    const key = this.link.userKey(userId, 'req', requestId);
    const value = `${start.runId} ${start.threadId}`;
    const ttl = String(Math.max(1, Math.round(ttlMs)));
    const previous = await this.link.call('request claim', (redis) =>
      redis.call('SET', key, value, 'NX', 'PX', ttl, 'GET'),
    );
    return typeof previous === 'string' ? parseStart(previous) : undefined;
  }

  /** The run `requestId` started, while remembered. */
  async lookup(userId: string, requestId: string): Promise<RememberedStart | undefined> {
    const value = await this.link.call('request lookup', (redis) =>
      redis.get(this.link.userKey(userId, 'req', requestId)),
    );
    return value === null ? undefined : parseStart(value);
  }

  /** Forgets a claim (the run could not be started after all: the client may retry the same request_id). */
  async release(userId: string, requestId: string): Promise<void> {
    await this.link.call('request release', (redis) => redis.del(this.link.userKey(userId, 'req', requestId)));
  }

  /** Remembers that `threadId` belongs to `userId` for `ttlMs` (refreshed by every run of the thread). */
  async rememberThread(userId: string, threadId: string, ttlMs: number): Promise<void> {
    await this.link.call('thread remember', (redis) =>
      redis.set(this.link.userKey(userId, 'thr', threadId), '1', 'PX', ttlMs),
    );
  }

  /** True when `threadId` is a thread of `userId` (another user's thread is not found under this user's keys). */
  async ownsThread(userId: string, threadId: string): Promise<boolean> {
    const n = await this.link.call('thread lookup', (redis) =>
      redis.exists(this.link.userKey(userId, 'thr', threadId)),
    );
    return n === 1;
  }
}

function parseStart(value: string): RememberedStart {
  const space = value.indexOf(' ');
  return space < 0
    ? { runId: value, threadId: '' }
    : { runId: value.slice(0, space), threadId: value.slice(space + 1) };
}
