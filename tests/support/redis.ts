// Real Redis for the cluster tier: the shared server on 127.0.0.1:6379 (each test run under its own key prefix,
// deleted afterwards) and, for the restart cases, a private redis-server child on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { silentLogger } from '../../src/provider/logger';
import { RedisLink } from '../../src/provider/cluster/redis-link';
import { freePort } from './util';

export const SHARED_REDIS_URL = process.env.NETRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export function uniquePrefix(label: string): string {
  return `netra-test:${label}:${Date.now().toString(36)}${randomBytes(3).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN, never KEYS on a shared server). */
export async function deletePrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  return deleted;
}

/** A connected link on `url` under `prefix`. */
export async function openLink(prefix: string, url = SHARED_REDIS_URL): Promise<RedisLink> {
  const link = new RedisLink({ url, keyPrefix: prefix, logger: silentLogger, backoffBaseMs: 20, backoffMaxMs: 200 });
  await link.connect();
  return link;
}

/** A private redis-server child (nothing on disk) that a test may stop and start again on the same port. */
export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL and wait for the exit. */
  stop(): Promise<void>;
  /** Start again on the same port (a new process: every key is gone). */
  start(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    let spawnError: Error | undefined;
    proc.once('error', (err) => {
      spawnError = new Error(`redis-server could not start (${err.message}); install it: apt-get install redis-server`);
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (spawnError !== undefined) throw spawnError;
      const ok = await new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within 10 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (): Promise<void> => {
    const child = proc;
    proc = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}
