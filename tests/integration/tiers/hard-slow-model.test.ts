// Hard tier: a slow model. Each thinking step takes ~500 ms and each tool ~350 ms, so a multi-tool run lasts
// several seconds with long gaps between events. Runs must still complete, first events must still come at once
// (agent_started does not wait for the model), and no run may fall silent past the profile's silence_ms. The `ci`
// profile's limits (first event 500 ms, terminal 45 s, silence 15 s) are the plan's; the model is far inside them.
import { loadRules } from '../../../src/rules';
import { verifySessionText } from '../../../src/verify/offline';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  MULTI_TOOL_REQUEST,
  profile,
  startTestStack,
  type TestSession,
  type TestStack,
} from '../../support';

const THINK_MS = 500;
const TOOL_MS = 350;

describe('[hard] a slow model', () => {
  let stack: TestStack;
  let recorded: TestSession | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ provider: { thinkMs: THINK_MS, toolMs: TOOL_MS, jitter: 0.3 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[hard] five users with multi-tool runs on a slow model: every run completes, no silence past the ci profile', async () => {
    const session = createTestSession('hard-slow-model');
    const clients = await Promise.all(['sol', 'tam', 'uma', 'vic', 'wyn'].map((u) => connectUser(session, stack, u)));
    const runs = await Promise.all(clients.map((c, i) => c.startRun(`slow-${i}`, MULTI_TOOL_REQUEST)));
    const terminals = await Promise.all(runs.map((runId, i) => clients[i].waitForTerminal(runId, 45_000)));
    expect(terminals.every((t) => t.type === 'agent_completed' && t.status === 'success')).toBe(true);
    // The model really was slow: each run took at least its seven thinking steps.
    for (const t of terminals) expect(t.execution_time_ms).toBeGreaterThan(7 * THINK_MS * 0.7);
    await expectNoViolations(session);
    recorded = session;
  }, 60_000);

  it('[hard] the same recording checked with a silence limit below the model latency is reported by timing.no-silence', () => {
    // The rules engine's teeth: `verify` with a profile whose silence_ms is below the model's step time flags the
    // same session, and only for that (the profile is the only thing that changed).
    expect(recorded).toBeDefined();
    const tight = { ...profile('ci'), name: 'tight', silence_ms: THINK_MS / 2 };
    const report = verifySessionText(recorded!.toText(), 'hard-slow-model.session.jsonl', {
      rules: loadRules(),
      profile: tight,
    });
    expect(report.violations.length).toBeGreaterThanOrEqual(5);
    expect([...new Set(report.violations.map((v) => v.rule))]).toEqual(['timing.no-silence']);
  });
});
