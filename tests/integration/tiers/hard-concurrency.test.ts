// Hard tier: 20 users at once, each with multi-tool requests, one rules engine over every frame.
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  FORECAST_REQUEST,
  MULTI_TOOL_REQUEST,
  startTestStack,
  type TestStack,
} from '../../support';

const USERS = 20;

describe('[hard] 20 users with multi-tool requests at once', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ provider: { thinkMs: 30, toolMs: 40, jitter: 0.5 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[hard] 20 users each run a five-tool optimisation and a forecast at once: all complete, none sees another', async () => {
    const session = createTestSession('hard-20-users-multi-tool');
    const names = Array.from({ length: USERS }, (_, i) => `user${String(i + 1).padStart(2, '0')}`);
    const clients = await Promise.all(names.map((u) => connectUser(session, stack, u)));
    const runs = await Promise.all(
      clients.map(async (c, i) => [
        await c.startRun(`h20-${i}-opt`, MULTI_TOOL_REQUEST),
        await c.startRun(`h20-${i}-fc`, FORECAST_REQUEST),
      ]),
    );
    const terminals = await Promise.all(
      runs.flatMap((pair, i) => pair.map((runId) => clients[i].waitForTerminal(runId, 40_000))),
    );
    expect(terminals.every((t) => t.type === 'agent_completed' && t.status === 'success')).toBe(true);

    for (const [i, c] of clients.entries()) {
      // Each connection carried exactly its user's two runs.
      expect([...c.ledger.runs.keys()].sort()).toEqual([...runs[i]].sort());
      // The optimisation really was multi-tool: every tool of the cost optimiser ran and was completed.
      const tools = new Set(
        c
          .runEvents(runs[i][0])
          .filter((e) => e.type === 'tool_completed')
          .map((e) => e.tool_name),
      );
      expect([...tools].sort()).toEqual([
        'cache_batch_estimator',
        'cost_analyzer',
        'gpu_rightsizer',
        'routing_simulator',
        'spend_forecaster',
      ]);
    }
    expect(session.checker.stats()).toMatchObject({ users: USERS, runs: USERS * 2 });
    await expectNoViolations(session);
  }, 90_000);
});
