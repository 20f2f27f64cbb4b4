// Per-user run and fan-out limits (asyncapi.yaml x-netra-limits; issue 12 item 4). Past max_concurrent_runs_per_user a
// start_agent gets a typed TOO_MANY_RUNS with its request_id and starts nothing; the connection stays open and a slot
// freed by a run's end is usable again. Past max_fanout_bytes_per_user_per_second a user's runs slow down: every event
// still arrives, in order, and other users' runs keep their pace.
import { loadProtocol } from '../../src/protocol';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  startTestStack,
  type RecordingClient,
  type TestStack,
} from '../support';

const RUN_LIMIT = loadProtocol().limits.max_concurrent_runs_per_user;

describe('concurrent runs per user', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Runs slow enough (about 2 s) that the limit is reached while all are going.
    stack = await startTestStack({ provider: { thinkMs: 150, toolMs: 150, jitter: 0 } });
  });
  afterAll(() => stack.close());

  test(`start_agent ${RUN_LIMIT + 1} while ${RUN_LIMIT} run: TOO_MANY_RUNS with its request_id, nothing started`, async () => {
    const session = createTestSession('limits-runs');
    const greedy = await connectUser(session, stack, 'run-greedy');
    const runIds: string[] = [];
    for (let i = 0; i < RUN_LIMIT; i++) runIds.push(await greedy.startRun(`r-${i}`));
    const refused = await greedy.start('r-over');
    expect(refused).toMatchObject({ type: 'error_message', error_code: 'TOO_MANY_RUNS', request_id: 'r-over' });
    expect(greedy.isOpen).toBe(true);
    // Another user is not counted against the greedy one.
    const other = await connectUser(session, stack, 'run-bystander');
    expect((await other.start('b-1')).type).toBe('agent_started');
    // Once one run has ended, the same request_id (a refused request does not use it up) starts a run.
    await greedy.waitForTerminal(runIds[0]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await greedy.start('r-over');
    expect(again.type).toBe('agent_started');
    for (const runId of [...runIds, again.run_id as string]) await greedy.waitForTerminal(runId);
    await expectNoViolations(session);
  }, 30_000);
});

describe('fan-out bytes per user', () => {
  // Bytes per second; the contract's default is 2 MiB/s. Small enough that 8 runs to 5 tabs are several seconds over
  // it, large enough that they pass in about ten.
  const RATE = 48 * 1024;
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      provider: { thinkMs: 1, toolMs: 1, jitter: 0, maxFanoutBytesPerUserPerSecond: RATE },
    });
  });
  afterAll(() => stack.close());

  const bytesOf = (client: RecordingClient, runIds: Set<string>): number =>
    client.frames
      .filter((f) => typeof f.run_id === 'string' && runIds.has(f.run_id))
      .reduce((sum, f) => sum + Buffer.byteLength(JSON.stringify(f)), 0);

  test("a user over its byte rate is slowed to it, loses nothing, and does not slow another user's run", async () => {
    const session = createTestSession('limits-fanout');
    const tabs: RecordingClient[] = [];
    for (let i = 0; i < 5; i++) tabs.push(await connectUser(session, stack, 'fan-greedy'));
    const started = performance.now();
    const runIds = new Set<string>();
    for (let i = 0; i < 8; i++) runIds.add(await tabs[0].startRun(`f-${i}`));
    // While the greedy user is paced, a bystander's run goes at full speed.
    const bystander = await connectUser(session, stack, 'fan-bystander');
    const byStart = performance.now();
    const byRun = await bystander.startRun('by-1');
    await bystander.waitForTerminal(byRun);
    const bystanderMs = performance.now() - byStart;
    for (const tab of tabs) for (const runId of runIds) await tab.waitForTerminal(runId, 60_000);
    const elapsedS = (performance.now() - started) / 1000;
    const bytes = tabs.reduce((sum, tab) => sum + bytesOf(tab, runIds), 0);
    // The runs really were over the rate (unpaced they take well under a second)...
    expect(bytes).toBeGreaterThan(4 * RATE);
    // ...and were held to it: one second of burst, then the rate. Runs pause between steps, and a step may be
    // several parallel tool calls, so the last round lands before its pause is paid back (at this tiny rate that is
    // a third of the total; at the contract's 2 MiB/s a fraction of a second).
    expect(bytes / RATE).toBeLessThan(1.6 * (elapsedS + 1));
    expect(bytes / RATE).toBeGreaterThan(elapsedS * 0.5);
    // Nothing dropped or reordered: every tab has every event of every run, seq 1..n.
    for (const tab of tabs) {
      for (const runId of runIds) {
        const seqs = tab.runEvents(runId).map((e) => e.seq as number);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      }
    }
    expect(bystanderMs).toBeLessThan((elapsedS * 1000) / 3);
    await expectNoViolations(session);
  }, 90_000);
});
