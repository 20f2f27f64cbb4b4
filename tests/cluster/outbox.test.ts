// The owner's outbox through a Redis restart (a private redis-server child, nothing on disk): events emitted
// while Redis is down are flushed in order when it is back, the lost log is rewritten from seq 1, and another
// node receives every event once, in seq order.
import type { RemoteEvent } from '../../src/provider/cluster/fanout';
import { ClusterNode } from '../../src/provider/cluster/node';
import { RunOutbox, type OutboxRun } from '../../src/provider/cluster/outbox';
import { RemoteRuns } from '../../src/provider/cluster/remote-runs';
import { silentLogger } from '../../src/provider/logger';
import { collectingLogger } from '../integration/auth/http';
import { startPrivateRedis, uniquePrefix, type PrivateRedis } from '../support/redis';
import { waitUntil } from '../support/util';

let redis: PrivateRedis;
const nodes: ClusterNode[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
});

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop(false)));
  await redis.stop();
});

function node(nodeId: string, prefix: string): ClusterNode {
  const n = new ClusterNode({
    url: redis.url,
    nodeId,
    keyPrefix: prefix,
    logger: silentLogger,
    retentionMs: 60_000,
    maxEventsPerRun: 1000,
    heartbeatMs: 100,
    nodeTtlMs: 5_000,
  });
  nodes.push(n);
  return n;
}

const ref = { user_id: 'vic', run_id: 'run_outbox0001', thread_id: 'thr_outbox0001', agent_name: 'triage' };
const event = (seq: number): string =>
  JSON.stringify({ type: seq === 1 ? 'agent_started' : 'agent_thinking', seq, request_id: 'req-o', ...ref });

it('queues through an outage, rewrites the lost log, and delivers every event once in order', async () => {
  const prefix = uniquePrefix('outbox');
  const a = node('a', prefix);
  const b = node('b', prefix);
  const got: RemoteEvent[] = [];
  const delivered: [number, string][] = [];
  const conflicts: string[] = [];
  const remote = new RemoteRuns(b.runLog, (_u, _r, seq, text) => delivered.push([seq, text]), silentLogger);
  b.link.onHealth((health) => health === 'ready' && remote.catchUp());
  await a.start({ onRemoteEvent: () => undefined, onControl: () => undefined });
  await b.start({
    onRemoteEvent: (e) => {
      got.push(e);
      remote.receive(e);
    },
    onControl: () => undefined,
  });
  await b.fanout.follow('vic');
  const events: string[] = [];
  let ended = false;
  const run: OutboxRun = { userId: 'vic', runId: ref.run_id, events: () => events, ended: () => ended };
  const handed: number[] = [];
  const outbox = new RunOutbox(
    a,
    silentLogger,
    (id) => conflicts.push(id),
    (_run, flushed) => handed.push(...flushed.map((e) => e.seq)),
  );
  outbox.track(run);
  const emit = (): void => {
    events.push(event(events.length + 1));
    outbox.kick(ref.run_id);
  };
  for (let i = 0; i < 5; i++) emit();
  await waitUntil(() => got.length === 5, 'b to get the first 5 events');

  await redis.stop();
  await waitUntil(() => a.health === 'down' && b.health === 'down', 'both nodes to see Redis down', 10_000);
  for (let i = 0; i < 5; i++) emit();
  ended = true;
  events.push(JSON.stringify({ type: 'agent_completed', seq: 11, status: 'success', ...ref }));
  outbox.kick(ref.run_id);
  expect(outbox.pending).toBe(6);

  await redis.start();
  await Promise.all([a.link.whenReady(15_000), b.link.whenReady(15_000)]);
  expect(await outbox.whenFlushed(15_000)).toBe(true);
  // The subscriber re-subscribed after the restart; events published before that are read back from the log.
  const log = await b.runLog.readAfter('vic', ref.run_id, 0);
  expect(log?.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  expect(log?.map((e) => e.text)).toEqual(events);
  // Pub/sub may carry old seqs again (the owner rewrote the lost log) or miss some (b re-subscribed late: filled
  // from the log); either way the receiver delivered each exactly once, in order.
  await waitUntil(() => delivered.length === 11, 'b to deliver all 11 events', 10_000);
  expect(delivered).toEqual(events.map((text, i) => [i + 1, text]));
  expect(got.length).toBeGreaterThanOrEqual(5);
  expect(conflicts).toEqual([]);
  // The owner's own connections got each event once too: the rewrite of seqs 1-5 is not handed over again (a tab
  // opened after they were sent, or one that stopped following the run, would otherwise get them a second time).
  expect(handed).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  expect(await a.runLog.ttl('vic', ref.run_id)).toBeLessThanOrEqual(60_000);
});

it('retries an append that fails for a reason other than Redis being down with a growing delay, not at once', async () => {
  const prefix = uniquePrefix('outbox-retry');
  const a = node('a', prefix);
  await a.start({ onRemoteEvent: () => undefined, onControl: () => undefined });
  const runId = 'run_outbox0002';
  // The run's log key holds a string: every append fails with WRONGTYPE (REDIS_PROTOCOL), while Redis is up.
  const key = a.link.userKey('wes', 'run', runId);
  await a.link.cmd.set(key, 'not a stream');
  const logger = collectingLogger();
  const handed: number[] = [];
  const outbox = new RunOutbox(
    a,
    logger,
    () => undefined,
    (_run, flushed) => handed.push(...flushed.map((e) => e.seq)),
  );
  const events = [1, 2, 3].map((seq) => JSON.stringify({ type: 'agent_thinking', seq, ...ref, run_id: runId }));
  outbox.track({ userId: 'wes', runId, events: () => events, ended: () => false });
  outbox.kick(runId);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const failures = logger.entries.filter((e) => e.msg === 'run log append failed; retrying');
  // 100, 200, 400 ms...: a handful of tries in a second (an immediate retry would make thousands).
  expect(failures.length).toBeGreaterThanOrEqual(2);
  expect(failures.length).toBeLessThanOrEqual(6);
  expect(failures.map((e) => e.retry_in_ms)).toEqual([100, 200, 400, 800, 1600, 3200].slice(0, failures.length));
  expect(handed).toEqual([]);
  // The cause goes away: the next try writes the run, in order, and hands it over once.
  await a.link.cmd.del(key);
  expect(await outbox.whenFlushed(10_000)).toBe(true);
  expect(handed).toEqual([1, 2, 3]);
  expect((await a.runLog.readAfter('wes', runId, 0))?.map((e) => e.seq)).toEqual([1, 2, 3]);
});
