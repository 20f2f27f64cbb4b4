// A node cut off from Redis (a fault proxy between it and Redis, cut and later restored) for longer than its TTL:
// the survivors reap it although it is alive, ending its run with agent_error PROVIDER_RESTARTED for the user's
// other tabs. When the node is back, its next append conflicts with the reaper's events: it stops the run and
// hands its own tab the reaper's events from the log, so every tab of the user holds ONE history of the run.
import { startFaultProxy, type FaultProxy } from '../../src/chaos';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  MULTI_TOOL_REQUEST,
  sleep,
  type ServeProcess,
} from '../support';
import { startTestCluster, type TestCluster } from '../support/cluster';

const NODE_TTL_MS = 1500;
let cluster: TestCluster;
let proxy: FaultProxy;
let cutOff: ServeProcess;

beforeAll(async () => {
  const url = new URL(process.env.NETRA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
  proxy = await startFaultProxy({ upstreamHost: url.hostname, upstreamPort: Number(url.port || 6379) });
  cluster = await startTestCluster({
    nodes: 2,
    serve: { thinkMs: 400, toolMs: 400, jitter: 0.2 },
    args: ['--node-ttl-ms', String(NODE_TTL_MS)],
  });
  cutOff = await cluster.addNode(['--redis', proxy.url('redis')]);
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await killAllServe();
  await proxy?.close();
});

it('a node reaped while cut off from Redis gives up its run; every tab ends with the same events', async () => {
  const session = createTestSession('cluster-partition');
  const local = await connectUser(session, cutOff, 'part-user');
  const remote = await connectUser(session, cluster.nodes[0], 'part-user');
  await sleep(200);
  const runId = await local.startRun('part-1', MULTI_TOOL_REQUEST);
  await remote.waitFor((m) => m.run_id === runId && (m.seq as number) >= 2, { what: 'seq 2 on the other node' });

  await proxy.cut();
  const terminal = await remote.waitForTerminal(runId, 15_000);
  expect(terminal).toMatchObject({ type: 'agent_error', code: 'PROVIDER_RESTARTED', retryable: true });
  await sleep(500);
  await proxy.restore();

  // The cut-off node's own tab ends with the very same terminal event, and both tabs hold one history.
  const localTerminal = await local.waitForTerminal(runId, 20_000);
  expect(localTerminal).toEqual(terminal);
  // One history: wherever both tabs hold a seq, it is the same event.
  const bySeq = new Map(remote.runEvents(runId).map((m) => [m.seq as number, JSON.stringify(m)]));
  for (const m of local.runEvents(runId)) {
    const other = bySeq.get(m.seq as number);
    if (other !== undefined) expect(JSON.stringify(m)).toBe(other);
  }
  expect(local.runEvents(runId).map((m) => m.seq)).toEqual(
    Array.from({ length: localTerminal.seq as number }, (_, k) => k + 1),
  );
  // The node works again: a new run through it reaches the other node.
  await sleep(1_000);
  const again = await local.startRun('part-2');
  await remote.waitForTerminal(again, 30_000);
  await expectNoViolations(session);
}, 90_000);
