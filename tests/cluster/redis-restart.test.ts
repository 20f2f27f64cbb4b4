// Redis restarted mid-load (a private redis-server child; nothing on disk, so every key is lost): while it is down
// start_agent is refused with the typed SERVICE_UNAVAILABLE and connections stay open; the runs going on lose
// nothing (the owners keep their events and write them again); afterwards new runs work on every node.
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
import { startPrivateRedis, type PrivateRedis } from '../support/redis';

let redis: PrivateRedis;
let cluster: TestCluster;

beforeAll(async () => {
  redis = await startPrivateRedis();
  cluster = await startTestCluster({
    nodes: 3,
    redisUrl: redis.url,
    serve: { thinkMs: 150, toolMs: 150, jitter: 0.2 },
  });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await killAllServe();
  await redis?.stop();
});

const oneToN = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

it('typed refusals while Redis is down, no event lost, recovery when it is back', async () => {
  const session = createTestSession('cluster-redis-restart');
  const users = Array.from({ length: 6 }, (_, i) => `rr-${i}`);
  const tabs: RecordingClient[][] = await Promise.all(
    users.map(async (u, i) => [
      await connectUser(session, cluster.nodes[i % 3], u),
      await connectUser(session, cluster.nodes[(i + 1) % 3], u),
    ]),
  );
  await sleep(200);
  const runs = await Promise.all(tabs.map(([a], i) => a.startRun(`rr-run-${i}`, MULTI_TOOL_REQUEST)));
  await Promise.all(
    tabs.map(([, b], i) => b.waitFor((m) => m.run_id === runs[i] && (m.seq as number) >= 2, { what: 'seq 2' })),
  );

  await redis.stop();
  await sleep(300);
  // New runs are refused with a typed error, on every node; the connections stay open.
  for (const [i, [a]] of tabs.slice(0, 3).entries()) {
    await expect(a.start(`rr-refused-${i}`)).resolves.toMatchObject({
      type: 'error_message',
      error_code: 'SERVICE_UNAVAILABLE',
    });
  }
  await sleep(700);
  for (const pair of tabs) for (const tab of pair) expect(tab.isOpen).toBe(true);

  await redis.start();
  // Every tab, on the owner and on the other node, ends up holding each run whole: every seq once, in order.
  await Promise.all(tabs.flatMap((pair, i) => pair.map((t) => t.waitForTerminal(runs[i], 30_000))));
  for (const [i, pair] of tabs.entries()) {
    for (const tab of pair) {
      const seqs = tab.runEvents(runs[i]).map((m) => m.seq as number);
      expect(seqs).toEqual(oneToN(seqs.length));
    }
  }
  // Recovery: new runs start again through every node and reach the user's other node.
  await sleep(500);
  const again = await Promise.all(tabs.slice(0, 3).map(([a], i) => a.startRun(`rr-again-${i}`)));
  await Promise.all(tabs.slice(0, 3).map(([, b], i) => b.waitForTerminal(again[i], 30_000)));
  await expectNoViolations(session);
}, 90_000);
