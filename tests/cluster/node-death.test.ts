// A node killed with SIGKILL mid-run: no drain, no goodbye. A surviving node notices the missing heartbeat and ends
// the dead node's unfinished runs with agent_error PROVIDER_RESTARTED (retryable) within the bound
// (node TTL + two heartbeats), and the user's tabs on the other nodes see it; every frame through the checker.
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  MULTI_TOOL_REQUEST,
  sleep,
} from '../support';
import { startTestCluster, type TestCluster } from '../support/cluster';

const NODE_TTL_MS = 1500;
// joinCluster beats every third of the TTL; the reaper looks every beat.
const BOUND_MS = NODE_TTL_MS + 2 * (NODE_TTL_MS / 3);

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({
    nodes: 3,
    // Slow runs: they are still going when the node dies.
    serve: { thinkMs: 400, toolMs: 400, jitter: 0.2 },
    args: ['--node-ttl-ms', String(NODE_TTL_MS)],
  });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await killAllServe();
});

it('SIGKILL of the owner mid-run: the runs end with agent_error PROVIDER_RESTARTED on the other nodes, within the bound', async () => {
  const session = createTestSession('cluster-node-death');
  const [victim, b, c] = cluster.nodes;
  const users = ['death-0', 'death-1', 'death-2'];
  const onVictim = await Promise.all(users.map((u) => connectUser(session, victim, u)));
  const elsewhere = await Promise.all(users.map((u, i) => connectUser(session, i % 2 === 0 ? b : c, u)));
  await sleep(200);
  const runs = await Promise.all(onVictim.map((t, i) => t.startRun(`death-run-${i}`, MULTI_TOOL_REQUEST)));
  await Promise.all(
    elsewhere.map((t, i) => t.waitFor((m) => m.run_id === runs[i] && (m.seq as number) >= 2, { what: 'seq 2' })),
  );
  const killedAt = Date.now();
  await victim.kill();
  const terminals = await Promise.all(elsewhere.map((t, i) => t.waitForTerminal(runs[i], 15_000)));
  const took = Date.now() - killedAt;
  for (const terminal of terminals) {
    expect(terminal).toMatchObject({ type: 'agent_error', code: 'PROVIDER_RESTARTED', retryable: true });
  }
  // Generous margin over the bound for a loaded 2-core machine; what matters is that it is bounded.
  expect(took).toBeLessThan(BOUND_MS + 3_000);
  for (const [i, tab] of elsewhere.entries()) {
    const seqs = tab.runEvents(runs[i]).map((m) => m.seq as number);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => k + seqs[0]));
    // The ended run is resumable on a surviving node: the whole run from seq 1, terminal included.
    const late = await connectUser(session, c, users[i]);
    late.resume(runs[i], 0);
    await late.waitForTerminal(runs[i]);
    expect(late.runEvents(runs[i]).map((m) => m.seq)).toEqual(
      Array.from({ length: terminals[i].seq as number }, (_, k) => k + 1),
    );
  }
  // The dead node's run slots were released: the user can start again right away, on a surviving node.
  const again = await elsewhere[0].startRun('death-after');
  await elsewhere[0].waitForTerminal(again, 30_000);
  await expectNoViolations(session);
}, 60_000);
