// The Redis building blocks of the cluster layer against the real Redis on 127.0.0.1:6379, each test run under its
// own key prefix (deleted afterwards). Two or three links stand for two or three nodes.
import { closingEvents } from '../../src/provider/cluster/closing';
import { ClusterCounters } from '../../src/provider/cluster/counters';
import { NodeControl, type ControlMessage } from '../../src/provider/cluster/control';
import { ClusterError } from '../../src/provider/cluster/errors';
import { UserFanout, type RemoteEvent } from '../../src/provider/cluster/fanout';
import { NodeLiveness } from '../../src/provider/cluster/liveness';
import type { RedisLink } from '../../src/provider/cluster/redis-link';
import { RequestMemory } from '../../src/provider/cluster/request-memory';
import { RunLog } from '../../src/provider/cluster/run-log';
import { Subscriptions } from '../../src/provider/cluster/subscriptions';
import { deletePrefix, openLink, SHARED_REDIS_URL, uniquePrefix } from '../support/redis';
import { waitUntil } from '../support/util';

const prefix = uniquePrefix('blocks');
let a: RedisLink;
let b: RedisLink;
let c: RedisLink;

beforeAll(async () => {
  [a, b, c] = await Promise.all([openLink(prefix), openLink(prefix), openLink(prefix)]);
});

afterAll(async () => {
  await Promise.all([a, b, c].map((link) => link.close()));
  await deletePrefix(SHARED_REDIS_URL, prefix);
});

const ev = (seq: number, extra = ''): { seq: number; text: string } => ({
  seq,
  text: JSON.stringify({ type: 'agent_thinking', seq, extra }),
});

describe('run log (Streams)', () => {
  const opts = { retentionMs: 60_000, liveTtlMs: 600_000, maxEvents: 100 };

  it('appends in seq order, reads after a seq, and is idempotent for the same event', async () => {
    const log = new RunLog(a, opts);
    for (const seq of [1, 2, 3]) expect(await log.append('u1', 'run-1', ev(seq), false)).toBe(true);
    expect(await log.append('u1', 'run-1', ev(2), false)).toBe(false);
    const after = await new RunLog(b, opts).readAfter('u1', 'run-1', 1);
    expect(after).toEqual([ev(2), ev(3)]);
    expect(await log.head('u1', 'run-1')).toBe(3);
    expect(await log.readAfter('u1', 'run-1', 3)).toEqual([]);
  });

  it('refuses a gap (RUN_LOG_GAP) and a different event at a taken seq (another writer: RUN_LOG_CONFLICT)', async () => {
    const log = new RunLog(a, opts);
    await log.append('u1', 'run-2', ev(1), false);
    await expect(log.append('u1', 'run-2', ev(3), false)).rejects.toMatchObject({ code: 'RUN_LOG_GAP' });
    await expect(log.append('u1', 'run-2', ev(1, 'other'), false)).rejects.toMatchObject({
      code: 'RUN_LOG_CONFLICT',
    });
    expect(await log.head('u1', 'run-2')).toBe(1);
  });

  it("never finds another user's run, and an unknown run, the same way", async () => {
    const log = new RunLog(a, opts);
    await log.append('u1', 'run-3', ev(1), false);
    expect(await log.readAfter('u2', 'run-3', 0)).toBeUndefined();
    expect(await log.readAfter('u1', 'run-nope', 0)).toBeUndefined();
  });

  it('keeps a live run for the live TTL and an ended one for the retention', async () => {
    const log = new RunLog(a, opts);
    await log.append('u1', 'run-4', ev(1), false);
    expect(await log.ttl('u1', 'run-4')).toBeGreaterThan(opts.retentionMs);
    await log.append('u1', 'run-4', ev(2), true);
    const ttl = await log.ttl('u1', 'run-4');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(opts.retentionMs);
  });

  it('keeps user ids with braces and colons apart (no forged hash tag or separator)', async () => {
    const log = new RunLog(a, opts);
    await log.append('x}:run:y', 'r', ev(1), false);
    expect(await log.readAfter('x', 'r', 0)).toBeUndefined();
    expect(a.userKey('a}b', 'run', 'r')).toContain('{u:a%7Db}');
  });
});

describe('fan-out (pub/sub per user)', () => {
  it('reaches every other node following the user once, never the publisher, never another user', async () => {
    const got = { a: [] as RemoteEvent[], b: [] as RemoteEvent[], c: [] as RemoteEvent[] };
    const fa = new UserFanout(a, new Subscriptions(a, silent), 'node-a', (e) => got.a.push(e));
    const fb = new UserFanout(b, new Subscriptions(b, silent), 'node-b', (e) => got.b.push(e));
    const fc = new UserFanout(c, new Subscriptions(c, silent), 'node-c', (e) => got.c.push(e));
    await Promise.all([fa.follow('alice'), fb.follow('alice'), fb.follow('alice'), fc.follow('bob')]);
    const log = new RunLog(a, { retentionMs: 60_000, liveTtlMs: 60_000, maxEvents: 100 });
    for (const seq of [1, 2, 3]) {
      const e = ev(seq);
      await log.append('alice', 'run-f', e, seq === 3, fa.publishOf('alice', 'run-f', seq, e.text));
    }
    await waitUntil(() => got.b.length === 3, 'node b to receive 3 events');
    expect(got.b.map((e) => [e.runId, e.seq, e.origin, e.text])).toEqual(
      [1, 2, 3].map((seq) => ['run-f', seq, 'node-a', ev(seq).text]),
    );
    expect(got.a).toEqual([]);
    expect(got.c).toEqual([]);
    // Two local followers share one subscription; the last to leave ends it.
    fb.unfollow('alice');
    expect(fb.following('alice')).toBe(true);
    fb.unfollow('alice');
    expect(fb.following('alice')).toBe(false);
  });
});

describe('request memory (SET NX PX GET)', () => {
  it('claims a request id once across nodes, per user', async () => {
    const ra = new RequestMemory(a, 60_000);
    const rb = new RequestMemory(b, 60_000);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? ra : rb).claim('carol', 'req-1', { runId: `run-${i}`, threadId: `thr-${i}` }),
      ),
    );
    const winners = results.filter((r) => r === undefined);
    expect(winners).toHaveLength(1);
    const first = results.find((r) => r !== undefined)!;
    expect(results.every((r) => r === undefined || r.runId === first.runId)).toBe(true);
    expect(await rb.lookup('carol', 'req-1')).toEqual(first);
    expect(await ra.claim('dave', 'req-1', { runId: 'run-d', threadId: 'thr-d' })).toBeUndefined();
  });

  it("remembers threads per user: another user's thread is unknown", async () => {
    const ra = new RequestMemory(a, 60_000);
    await ra.rememberThread('carol', 'thr-x', 60_000);
    expect(await new RequestMemory(b, 60_000).ownsThread('carol', 'thr-x')).toBe(true);
    expect(await ra.ownsThread('dave', 'thr-x')).toBe(false);
  });
});

describe('cluster counters (Lua acquire-if-below / release)', () => {
  it('holds a per-user limit across nodes under concurrency and frees a dead node share', async () => {
    const ca = new ClusterCounters(a, 'node-a');
    const cb = new ClusterCounters(b, 'node-b');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? ca : cb).acquire('erin', 'connections', 5)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(await ca.total('erin', 'connections')).toBe(5);
    const aShare = results.filter((r, i) => r.ok && i % 2 === 0).length;
    expect(await cb.releaseNode('node-a')).toBe(1);
    expect(await cb.total('erin', 'connections')).toBe(5 - aShare);
    await cb.release('erin', 'connections');
    expect(await ca.total('erin', 'connections')).toBe(Math.max(0, 4 - aShare));
    // Releasing more than taken never goes below zero.
    for (let i = 0; i < 8; i++) await cb.release('erin', 'connections');
    expect(await ca.total('erin', 'connections')).toBe(0);
  });

  it('resync writes the local counts as they are', async () => {
    const ca = new ClusterCounters(a, 'node-a');
    await ca.acquire('frank', 'runs', 10);
    await ca.acquire('frank', 'runs', 10);
    await ca.resync([['frank', { connections: 1, runs: 1 }]]);
    expect(await ca.total('frank', 'runs')).toBe(1);
    expect(await ca.total('frank', 'connections')).toBe(1);
  });
});

describe('node liveness and ownership', () => {
  it('notices a silent node after its TTL and lets exactly one survivor reap its runs', async () => {
    const opts = { heartbeatMs: 100, ttlMs: 400 };
    const la = new NodeLiveness(a, 'node-a', opts);
    const lb = new NodeLiveness(b, 'node-b', opts);
    const lc = new NodeLiveness(c, 'node-c', opts);
    await Promise.all([la.start(), lb.start(), lc.start()]);
    const ref = (runId: string) => ({ userId: 'gina', runId, threadId: 'thr_x', requestId: 'q', agentName: 'a' });
    await la.claimRun(ref('run-g1'), 60_000);
    await la.claimRun(ref('run-g2'), 60_000);
    await la.releaseRun('gina', 'run-g2');
    expect(await lb.ownerOf('gina', 'run-g1')).toBe('node-a');
    expect(await lb.ownerOf('hank', 'run-g1')).toBeUndefined();
    expect(await lb.deadNodes()).toEqual([]);
    await la.stop(false); // a crash: no goodbye
    const deadline = Date.now() + 5_000;
    let dead: string[] = [];
    while (Date.now() < deadline && !dead.includes('node-a')) {
      dead = await lb.deadNodes();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(dead).toEqual(['node-a']);
    const [rb, rc] = await Promise.all([lb.claimReap('node-a', 5_000), lc.claimReap('node-a', 5_000)]);
    const winner = rb ?? rc;
    expect([rb, rc].filter((r) => r !== undefined)).toHaveLength(1);
    expect(winner).toEqual([ref('run-g1')]);
    await lb.forgetNode('node-a');
    expect(await lc.deadNodes()).toEqual([]);
    await Promise.all([lb.stop(true), lc.stop(true)]);
  });
});

describe('node control (cancel to the owner)', () => {
  it('delivers to the listening node and reports a node that is not listening', async () => {
    const got: ControlMessage[] = [];
    const na = new NodeControl(a, new Subscriptions(a, silent), 'node-a');
    await na.listen((m) => got.push(m));
    const nb = new NodeControl(b, new Subscriptions(b, silent), 'node-b');
    expect(await nb.send('node-a', { kind: 'cancel', userId: 'ivy', runId: 'run-i' })).toBe(true);
    expect(await nb.send('node-gone', { kind: 'cancel', userId: 'ivy', runId: 'run-i' })).toBe(false);
    await waitUntil(() => got.length === 1, 'the cancel at node a');
    expect(got[0]).toEqual({ kind: 'cancel', userId: 'ivy', runId: 'run-i', from: 'node-b' });
  });
});

it('a ClusterError is a typed NetraError with a stable code', () => {
  const err = new ClusterError('REDIS_UNAVAILABLE', 'x');
  expect(err.code).toBe('REDIS_UNAVAILABLE');
  expect(err.exitCode).toBe(2);
});

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe('closing events of a dead owner', () => {
  const ref = { userId: 'u', runId: 'run_abcdefgh', threadId: 'thr_abcdefgh', requestId: 'req-1', agentName: 'triage' };
  const base = { run_id: ref.runId, thread_id: ref.threadId, user_id: 'u', agent_name: 'triage' };
  const at = (seq: number) => ({ ...base, seq, event_id: `evt_abcdef${seq}x`, timestamp: new Date().toISOString() });

  it('pairs every open tool call and ends with agent_error PROVIDER_RESTARTED, retryable, at the next seqs', () => {
    const logged = [
      { type: 'agent_started', request_id: 'req-1', ...at(1) },
      { type: 'tool_executing', tool_call_id: 'call_aaaaaaaa', tool_name: 'cost_analyzer', parameters: {}, ...at(2) },
    ].map((e) => JSON.stringify(e));
    const out = closingEvents(ref, logged, 'PROVIDER_RESTARTED', 'The node running this run stopped.');
    expect(out.map((e) => [e.type, e.seq])).toEqual([
      ['tool_completed', 3],
      ['agent_error', 4],
    ]);
    expect(out[1]).toMatchObject({ code: 'PROVIDER_RESTARTED', retryable: true, user_id: 'u' });
  });

  it('starts an empty run first and leaves an ended run alone', () => {
    const out = closingEvents(ref, [], 'PROVIDER_RESTARTED', 'x');
    expect(out.map((e) => e.type)).toEqual(['agent_started', 'agent_error']);
    const ended = [JSON.stringify({ type: 'agent_completed', ...at(1) })];
    expect(closingEvents(ref, ended, 'PROVIDER_RESTARTED', 'x')).toEqual([]);
  });
});
