// Three real `serve --redis` processes on the real Redis, real clients, every frame of every client through the
// one rules checker of the test's session. The cross-node bugs: a tab on another node missing events, a resume
// on another node duplicating or skipping, a cancel that never reaches the owner, users crossing, limits per node.
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  MULTI_TOOL_REQUEST,
  sleep,
  type RecordingClient,
} from '../support';
import { startTestCluster, type TestCluster } from '../support/cluster';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster({
    nodes: 3,
    serve: { thinkMs: 40, toolMs: 40, jitter: 0.3 },
    // The spec's limits (x-netra-limits: 5 connections, 10 concurrent runs per user), enforced cluster-wide.
    args: ['--max-connections-per-user', '5'],
  });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await killAllServe();
});

const node = (i: number) => cluster.nodes[i % cluster.nodes.length];

function seqsOf(client: RecordingClient, runId: string): number[] {
  return client.runEvents(runId).map((m) => m.seq as number);
}

const oneToN = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

it('two tabs of one user on different nodes both receive every event of a run, once, in order', async () => {
  const session = createTestSession('cluster-two-tabs');
  const tabA = await connectUser(session, node(0), 'tabs-user');
  const tabB = await connectUser(session, node(1), 'tabs-user');
  const tabC = await connectUser(session, node(2), 'tabs-user');
  await sleep(200); // the other nodes' SUBSCRIBE round trips
  const runId = await tabA.startRun('tabs-1', MULTI_TOOL_REQUEST);
  const terminals = await Promise.all([tabA, tabB, tabC].map((t) => t.waitForTerminal(runId)));
  const n = terminals[0].seq as number;
  expect(n).toBeGreaterThan(5);
  for (const tab of [tabA, tabB, tabC]) expect(seqsOf(tab, runId)).toEqual(oneToN(n));
  // The same frames, byte for byte (one serialisation, fanned out).
  expect(tabB.runEvents(runId)).toEqual(tabA.runEvents(runId));
  await expectNoViolations(session);
});

it('a drop on node A and a resume on node B hold the run exactly once', async () => {
  const session = createTestSession('cluster-drop-resume');
  const first = await connectUser(session, node(0), 'resume-user');
  const runId = await first.startRun('resume-1', MULTI_TOOL_REQUEST);
  await first.waitFor((m) => m.run_id === runId && (m.seq as number) >= 3, { what: 'seq 3' });
  await first.drop();
  await sleep(150);
  const second = await connectUser(session, node(1), 'resume-user', { ledger: first.ledger });
  second.resume(runId);
  await second.waitForTerminal(runId);
  expect(first.ledger.complete(runId)).toBe(true);
  expect(first.ledger.repeats).toBe(0);
  await expectNoViolations(session);
});

it('cancel_run sent through another node reaches the owner: the run ends cancelled on every tab', async () => {
  const session = createTestSession('cluster-cancel');
  const owner = await connectUser(session, node(0), 'cancel-user');
  const other = await connectUser(session, node(2), 'cancel-user');
  await sleep(200);
  const runId = await owner.startRun('cancel-1', MULTI_TOOL_REQUEST);
  await other.waitFor((m) => m.run_id === runId && m.type === 'agent_thinking', { what: 'thinking on node 2' });
  other.send({ type: 'cancel_run', run_id: runId });
  const [a, b] = await Promise.all([owner.waitForTerminal(runId), other.waitForTerminal(runId)]);
  expect(a).toMatchObject({ type: 'agent_completed', status: 'cancelled' });
  expect(b.seq).toBe(a.seq);
  // A cancel of an ended run, through yet another node: RUN_NOT_ACTIVE; of a foreign run: FORBIDDEN.
  const third = await connectUser(session, node(1), 'cancel-user');
  third.send({ type: 'cancel_run', run_id: runId, request_id: 'late-cancel' });
  await expect(third.waitFor((m) => m.type === 'error_message')).resolves.toMatchObject({
    error_code: 'RUN_NOT_ACTIVE',
  });
  const stranger = await connectUser(session, node(1), 'cancel-stranger');
  stranger.send({ type: 'cancel_run', run_id: runId });
  await expect(stranger.waitFor((m) => m.type === 'error_message')).resolves.toMatchObject({
    error_code: 'FORBIDDEN',
  });
  await expectNoViolations(session);
});

it('20 users spread over the nodes: each gets exactly its own runs, on every node it is connected to', async () => {
  const session = createTestSession('cluster-isolation');
  const users = Array.from({ length: 20 }, (_, i) => `iso-${i}`);
  const tabs = await Promise.all(
    users.map(async (user, i) => [
      await connectUser(session, node(i), user),
      await connectUser(session, node(i + 1), user),
    ]),
  );
  await sleep(300);
  const runs = await Promise.all(tabs.map(([starter], i) => starter.startRun(`iso-run-${i}`)));
  await Promise.all(tabs.flatMap(([a, b], i) => [a.waitForTerminal(runs[i]), b.waitForTerminal(runs[i])]));
  for (const [i, pair] of tabs.entries()) {
    for (const tab of pair) {
      const events = tab.frames.filter((m) => typeof m.run_id === 'string');
      expect(new Set(events.map((m) => m.run_id))).toEqual(new Set([runs[i]]));
      expect(events.every((m) => m.user_id === users[i])).toBe(true);
      const n = events[events.length - 1].seq as number;
      expect(events.map((m) => m.seq)).toEqual(oneToN(n));
    }
  }
  // A resume of another user's run, on any node, is refused like an unknown run.
  tabs[0][0].resume(runs[1], 0);
  await expect(tabs[0][0].waitFor((m) => m.type === 'error_message')).resolves.toMatchObject({
    error_code: 'FORBIDDEN',
  });
  await expectNoViolations(session);
}, 60_000);

it('per-user limits hold across the cluster: concurrent runs and connections', async () => {
  const session = createTestSession('cluster-limits');
  const tabs = await Promise.all([0, 1, 2, 3, 4].map((i) => connectUser(session, node(i), 'limit-user')));
  // The sixth connection of the user, whichever node it reaches, is over the limit of 5.
  const sixth = await connectUser(session, node(2), 'limit-user', { expect: 'refused' });
  expect(sixth.frames[0]).toMatchObject({ type: 'error_message', error_code: 'TOO_MANY_CONNECTIONS' });
  // Ten runs going, started through all three nodes (so owned by all three): the eleventh is refused.
  const runs: string[] = [];
  for (let i = 0; i < 10; i++) runs.push(await tabs[i % 5].startRun(`limit-${i}`, MULTI_TOOL_REQUEST));
  await expect(tabs[2].start('limit-10')).resolves.toMatchObject({ error_code: 'TOO_MANY_RUNS' });
  await Promise.all(runs.map((runId) => tabs[0].waitForTerminal(runId)));
  await sleep(300); // the releases reach Redis
  const again = await tabs[1].startRun('limit-11');
  // A request_id already used through another node is a duplicate, pointing at the run it started.
  await expect(tabs[3].start('limit-0')).resolves.toMatchObject({ error_code: 'DUPLICATE_REQUEST', run_id: runs[0] });
  // A closed connection frees its slot for a connection on another node.
  await tabs[4].close();
  await sleep(300);
  await connectUser(session, node(2), 'limit-user');
  await Promise.all(tabs.slice(0, 4).map((t) => t.waitForTerminal(again)));
  await expectNoViolations(session);
}, 60_000);
