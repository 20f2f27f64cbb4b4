// The reaper: a node that stops beating (a crash: no goodbye) has its unfinished runs ended by a survivor with
// agent_error PROVIDER_RESTARTED, published to the user's other nodes, within the documented bound.
import { ClusterNode } from '../../src/provider/cluster/node';
import type { RemoteEvent } from '../../src/provider/cluster/fanout';
import { silentLogger } from '../../src/provider/logger';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/redis';
import { waitUntil } from '../support/util';

const prefix = uniquePrefix('node');
const nodes: ClusterNode[] = [];

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop(true)));
  await deletePrefix(SHARED_REDIS_URL, prefix);
});

function node(nodeId: string): ClusterNode {
  const n = new ClusterNode({
    url: SHARED_REDIS_URL,
    nodeId,
    keyPrefix: prefix,
    logger: silentLogger,
    retentionMs: 60_000,
    maxEventsPerRun: 1000,
    heartbeatMs: 100,
    nodeTtlMs: 400,
  });
  nodes.push(n);
  return n;
}

it("ends a dead node's unfinished run with paired tool calls and agent_error, once, within the bound", async () => {
  const gotB: RemoteEvent[] = [];
  const gotC: RemoteEvent[] = [];
  const a = node('a');
  const b = node('b');
  const c = node('c');
  const ignore = { onRemoteEvent: () => undefined, onControl: () => undefined };
  await a.start(ignore);
  await b.start({ onRemoteEvent: (e) => gotB.push(e), onControl: () => undefined });
  await c.start({ onRemoteEvent: (e) => gotC.push(e), onControl: () => undefined });
  await Promise.all([b.fanout.follow('uma'), c.fanout.follow('uma')]);
  const ref = {
    userId: 'uma',
    runId: 'run_deadbeef01',
    threadId: 'thr_deadbeef01',
    requestId: 'req-1',
    agentName: 'triage',
  };
  await a.claimRun(ref);
  const common = { run_id: ref.runId, thread_id: ref.threadId, user_id: 'uma', agent_name: 'triage' };
  const logged = [
    { type: 'agent_started', request_id: 'req-1', seq: 1 },
    { type: 'tool_executing', tool_call_id: 'call_abcdefgh', tool_name: 'cost_analyzer', parameters: {}, seq: 2 },
  ];
  for (const e of logged) {
    const text = JSON.stringify({
      ...e,
      ...common,
      event_id: `evt_abcdefg${e.seq}`,
      timestamp: new Date().toISOString(),
    });
    await a.runLog.append(
      'uma',
      ref.runId,
      { seq: e.seq, text },
      false,
      a.fanout.publishOf('uma', ref.runId, e.seq, text),
    );
  }
  await waitUntil(() => gotB.length === 2 && gotC.length === 2, 'the live events on b and c');
  const killedAt = Date.now();
  await a.stop(false);
  await waitUntil(() => gotB.length === 4 && gotC.length === 4, 'the closing events on b and c', 10_000);
  const took = Date.now() - killedAt;
  expect(took).toBeLessThan(b.reapBoundMs + 2_000);
  for (const got of [gotB, gotC]) {
    const closing = got.slice(2).map((e) => JSON.parse(e.text) as Record<string, unknown>);
    expect(closing.map((e) => [e.type, e.seq])).toEqual([
      ['tool_completed', 3],
      ['agent_error', 4],
    ]);
    expect(closing[1]).toMatchObject({ code: 'PROVIDER_RESTARTED', retryable: true });
  }
  // The reaper's reply and the closing events' pub/sub messages travel on different connections: wait for the count.
  await waitUntil(() => b.reapedRuns + c.reapedRuns > 0, 'the reaper to count the run');
  expect(b.reapedRuns + c.reapedRuns).toBe(1);
  expect(await b.liveness.ownerOf('uma', ref.runId)).toBeUndefined();
  const log = await b.runLog.readAfter('uma', ref.runId, 0);
  expect(log?.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  // Nothing more happens on later passes.
  expect(await b.reapOnce()).toBe(0);
  expect(await c.reapOnce()).toBe(0);
});
