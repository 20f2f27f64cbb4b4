import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { ClusterError } from './errors';

/** How the link sees Redis right now. Only `ready` lets new runs start. */
export type LinkHealth = 'connecting' | 'ready' | 'down';

/** Settings of a {@link RedisLink}. */
export interface RedisLinkOptions {
  /** `redis://[user:password@]host:port[/db]`. The password never reaches a log line or an error. */
  url: string;
  /** Prepended to every key and channel, so that several clusters (and test runs) can share one Redis. */
  keyPrefix: string;
  logger: Logger;
  /** First reconnect delay; doubles per attempt up to `backoffMaxMs` (with jitter). Default 100. */
  backoffBaseMs?: number;
  /** Default 2000. */
  backoffMaxMs?: number;
  /** A command not answered within this fails with REDIS_UNAVAILABLE instead of hanging. Default 3000. */
  commandTimeoutMs?: number;
}

type HealthListener = (health: LinkHealth, redisRestarted: boolean) => void;

/** Parses and checks a `--redis` URL; the message never repeats a password. */
export function parseRedisUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ClusterError('REDIS_URL_INVALID', 'the Redis URL is not a URL (expected redis://HOST:PORT)');
  }
  if (parsed.protocol !== 'redis:' || parsed.hostname === '') {
    throw new ClusterError('REDIS_URL_INVALID', `the Redis URL must be redis://HOST:PORT, not ${parsed.protocol}//…`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) {
    throw new ClusterError('REDIS_URL_INVALID', 'the Redis URL path must be a database number (redis://HOST:PORT/0)');
  }
  return parsed;
}

/**
 * The provider's connection to Redis: a command client and a subscriber client (pub/sub needs its own connection),
 * both reconnecting with capped exponential backoff. There is deliberately NO offline queue: while Redis is down a
 * command fails at once with ClusterError REDIS_UNAVAILABLE, so the provider refuses new runs with a typed error
 * instead of queueing work in memory without bound. {@link health} is `ready` only while both clients are; every
 * change is reported to the listeners, with `redisRestarted` true when the server came back as a new process
 * (its `run_id` changed: with nothing on disk, every key is gone and owners must write their state again).
 */
export class RedisLink {
  readonly keyPrefix: string;
  readonly cmd: Redis;
  readonly sub: Redis;
  private current: LinkHealth = 'connecting';
  private serverRunId: string | undefined;
  private readonly listeners = new Set<HealthListener>();
  private closing = false;

  constructor(private readonly opts: RedisLinkOptions) {
    const url = parseRedisUrl(opts.url);
    this.keyPrefix = opts.keyPrefix;
    const base = opts.backoffBaseMs ?? 100;
    const max = opts.backoffMaxMs ?? 2000;
    const common = {
      host: url.hostname,
      port: url.port === '' ? 6379 : Number(url.port),
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      username: url.username === '' ? undefined : decodeURIComponent(url.username),
      password: url.password === '' ? undefined : decodeURIComponent(url.password),
      enableOfflineQueue: false,
      // A command in flight when the connection drops fails instead of being replayed on reconnect: the caller
      // decides (every write of the cluster layer is idempotent or reported).
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 3000,
      connectTimeout: 2000,
      lazyConnect: true,
      retryStrategy: (times: number) => {
        const delay = Math.min(max, base * 2 ** Math.min(times - 1, 16));
        return Math.round(delay / 2 + (Math.random() * delay) / 2);
      },
    };
    this.cmd = new Redis({ ...common, connectionName: 'netra-cmd' });
    this.sub = new Redis({ ...common, connectionName: 'netra-sub' });
    for (const client of [this.cmd, this.sub]) {
      client.on('ready', () => void this.onClientReady());
      client.on('close', () => this.update());
      client.on('end', () => this.update());
      // ioredis emits 'error' for every failed (re)connect; the health listeners carry the news, the log gets one
      // line per transition (update) rather than one per attempt.
      client.on('error', () => undefined);
    }
  }

  /** Connects both clients; rejects with REDIS_UNAVAILABLE if Redis cannot be reached now (reconnects go on). */
  async connect(): Promise<void> {
    try {
      await Promise.all([this.cmd.connect(), this.sub.connect()]);
    } catch (err) {
      // lazyConnect: a failed first connect still enters the retry loop, so the link heals when Redis comes up.
      throw new ClusterError('REDIS_UNAVAILABLE', 'Redis is unreachable', { cause: err });
    }
    await this.onClientReady();
  }

  get health(): LinkHealth {
    return this.current;
  }

  /** Resolves when the link is ready (now or later); rejects after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.current === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new ClusterError('REDIS_UNAVAILABLE', `Redis not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener: HealthListener = (health) => {
        if (health !== 'ready') return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  onHealth(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `prefix + parts`, each part encoded so that no id can forge a separator or a `{hash tag}`. */
  key(...parts: string[]): string {
    return this.keyPrefix + parts.map((p) => encodeURIComponent(p)).join(':');
  }

  /**
   * A key in the slot of one user: `{u:<user>}` is a Redis Cluster hash tag, so every key of a user lands in one
   * shard and a Lua script may touch several of them.
   */
  userKey(userId: string, ...parts: string[]): string {
    return `${this.keyPrefix}{u:${encodeURIComponent(userId)}}:${parts.map((p) => encodeURIComponent(p)).join(':')}`;
  }

  /** Runs commands on the command client, turning connection failures into ClusterError REDIS_UNAVAILABLE. */
  async call<T>(what: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.cmd.status !== 'ready') {
      throw new ClusterError('REDIS_UNAVAILABLE', `Redis is unreachable (${what} not sent)`);
    }
    try {
      return await fn(this.cmd);
    } catch (err) {
      throw classify(err, what);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [this.cmd, this.sub].map(async (client) => {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }),
    );
    this.update();
  }

  private async onClientReady(): Promise<void> {
    if (this.cmd.status !== 'ready' || this.sub.status !== 'ready') return;
    let restarted = false;
    try {
      const info = await this.cmd.info('server');
      const runId = /run_id:(\w+)/.exec(info)?.[1];
      restarted = this.serverRunId !== undefined && runId !== this.serverRunId;
      this.serverRunId = runId;
    } catch {
      // The link dropped again between 'ready' and INFO: the next 'ready' retries.
      return;
    }
    this.update(restarted);
  }

  private update(restarted = false): void {
    const next: LinkHealth =
      this.cmd.status === 'ready' && this.sub.status === 'ready'
        ? 'ready'
        : this.closing || this.current === 'ready'
          ? 'down'
          : this.current;
    if (next === this.current && !restarted) return;
    if (next !== this.current) {
      const log = next === 'ready' ? this.opts.logger.info : this.opts.logger.warn;
      log.call(this.opts.logger, 'redis link', { health: next, restarted });
    }
    this.current = next;
    for (const listener of [...this.listeners]) listener(next, restarted);
  }
}

/** Connection-level failures (refused, closed, timed out, no offline queue) are REDIS_UNAVAILABLE; the rest not. */
function classify(err: unknown, what: string): ClusterError {
  if (err instanceof ClusterError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const unreachable =
    /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries|MaxRetriesPerRequest|LOADING/i.test(
      message,
    );
  if (unreachable)
    return new ClusterError('REDIS_UNAVAILABLE', `Redis is unreachable (${what} failed)`, { cause: err });
  return new ClusterError('REDIS_PROTOCOL', `${what}: ${message}`, { cause: err });
}
