// The Redis link through an outage: a private redis-server child killed and started again on the same port.
import { ClusterError } from '../../src/provider/cluster/errors';
import { UserFanout, type RemoteEvent } from '../../src/provider/cluster/fanout';
import { parseRedisUrl, type LinkHealth, type RedisLink } from '../../src/provider/cluster/redis-link';
import { RunLog } from '../../src/provider/cluster/run-log';
import { Subscriptions } from '../../src/provider/cluster/subscriptions';
import { openLink, startPrivateRedis, uniquePrefix, type PrivateRedis } from '../support/redis';
import { waitUntil } from '../support/util';

let redis: PrivateRedis;
const links: RedisLink[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await redis.stop();
});

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

it('fails fast with REDIS_UNAVAILABLE while Redis is down, heals, and reports the restart', async () => {
  const prefix = uniquePrefix('link');
  const a = await openLink(prefix, redis.url);
  const b = await openLink(prefix, redis.url);
  links.push(a, b);
  const seen: [LinkHealth, boolean][] = [];
  a.onHealth((health, restarted) => seen.push([health, restarted]));
  const got: RemoteEvent[] = [];
  const fb = new UserFanout(b, new Subscriptions(b, silent), 'node-b', (e) => got.push(e));
  await fb.follow('alice');
  const log = new RunLog(a, { retentionMs: 60_000, liveTtlMs: 60_000, maxEvents: 100 });
  const fa = new UserFanout(a, new Subscriptions(a, silent), 'node-a', () => undefined);

  await redis.stop();
  await waitUntil(() => a.health === 'down', 'link a to see Redis down', 10_000);
  const started = Date.now();
  const err = await log.append('alice', 'r1', { seq: 1, text: '{}' }, false).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ClusterError);
  expect((err as ClusterError).code).toBe('REDIS_UNAVAILABLE');
  expect(Date.now() - started).toBeLessThan(1_000);
  await expect(fb.follow('bob')).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });

  await redis.start();
  await Promise.all([a.whenReady(15_000), b.whenReady(15_000)]);
  expect(seen).toContainEqual(['down', false]);
  expect(seen).toContainEqual(['ready', true]);
  // The subscriber re-subscribed by itself: an event published after the restart arrives.
  await waitUntil(() => b.sub.status === 'ready', 'subscriber ready', 10_000);
  const deadline = Date.now() + 10_000;
  let seq = 0;
  while (got.length === 0 && Date.now() < deadline) {
    seq++;
    const text = JSON.stringify({ seq });
    await log.append('alice', 'r1', { seq, text }, false, fa.publishOf('alice', 'r1', seq, text));
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(got.length).toBeGreaterThan(0);
  expect(got[0].runId).toBe('r1');
});

it('refuses a URL that is not redis://HOST:PORT with REDIS_URL_INVALID, without echoing a password', () => {
  for (const bad of ['http://localhost:6379', 'not a url', 'redis://:secret@host:6379/abc']) {
    let caught: unknown;
    try {
      parseRedisUrl(bad);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ClusterError);
    expect((caught as ClusterError).code).toBe('REDIS_URL_INVALID');
    expect((caught as ClusterError).message).not.toContain('secret');
  }
  expect(parseRedisUrl('redis://127.0.0.1:6380/2').port).toBe('6380');
});
