// Hard tier: the provider restarts on the same port with the same durable event log, once gracefully (drain: runs
// in flight end with agent_error PROVIDER_RESTARTED) and once by a crash (SIGKILL of `netra-contracts serve`: the
// new process finds the runs in flight in the log and ends them). Clients reconnect and resume; every run a client
// started ends for it with a terminal event it holds together with every seq before it. Never silently missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  MINIMAL_REQUEST,
  MULTI_TOOL_REQUEST,
  spawnServe,
  startTestStack,
  waitUntil,
  type TestStack,
} from '../../support';

describe('[hard] the provider is stopped mid-run and started again on the same port', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ eventLog: true, provider: { thinkMs: 100, toolMs: 120, jitter: 0.2 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[hard] clients reconnect and resume: a run in flight ends with PROVIDER_RESTARTED, an ended one replays from the log', async () => {
    const session = createTestSession('hard-provider-restart-graceful');

    // carol starts a run and goes away; it completes while she is gone.
    const carol = await connectUser(session, stack, 'carol');
    const carolRun = await carol.startRun('carol-1', MINIMAL_REQUEST);
    await carol.drop();
    await waitUntil(() => stack.provider.stats().activeRuns === 0, "carol's run to end");

    // alice and bob start long runs; bob drops before the restart, alice is still there when it happens.
    const [alice, bob] = await Promise.all([connectUser(session, stack, 'alice'), connectUser(session, stack, 'bob')]);
    const [aliceRun, bobRun] = await Promise.all([
      alice.startRun('alice-1', MULTI_TOOL_REQUEST),
      bob.startRun('bob-1', MULTI_TOOL_REQUEST),
    ]);
    await bob.waitFor((m) => m.type === 'tool_executing');
    await bob.drop();
    await alice.waitFor((m) => m.type === 'tool_completed');

    await stack.stopProvider();
    expect(await alice.waitForTerminal(aliceRun)).toMatchObject({
      type: 'agent_error',
      code: 'PROVIDER_RESTARTED',
      retryable: true,
    });
    expect(await alice.closed).toMatchObject({ code: 1001, by: 'server' });

    await stack.startProvider();
    const [alice2, bob2, carol2] = await Promise.all([
      connectUser(session, stack, 'alice', { ledger: alice.ledger }),
      connectUser(session, stack, 'bob', { ledger: bob.ledger }),
      connectUser(session, stack, 'carol', { ledger: carol.ledger }),
    ]);
    bob2.resume(bobRun);
    carol2.resume(carolRun);
    expect(await bob2.waitForTerminal(bobRun)).toMatchObject({
      type: 'agent_error',
      code: 'PROVIDER_RESTARTED',
      retryable: true,
    });
    expect(await carol2.waitForTerminal(carolRun)).toMatchObject({ type: 'agent_completed', status: 'success' });

    for (const [client, runId] of [
      [alice, aliceRun],
      [bob, bobRun],
      [carol, carolRun],
    ] as const) {
      expect(client.ledger.complete(runId)).toBe(true);
      expect(client.ledger.repeats).toBe(0);
    }
    // The request was retryable: alice sends it again and it completes on the new provider.
    expect(await alice2.waitForTerminal(await alice2.startRun('alice-2', MULTI_TOOL_REQUEST))).toMatchObject({
      type: 'agent_completed',
    });
    await expectNoViolations(session);
  }, 90_000);
});

describe('[hard] the provider crashes (SIGKILL) mid-run and a new process starts on the same ports', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'netra-crash-'));
  });
  afterAll(async () => {
    await killAllServe();
    rmSync(dir, { recursive: true, force: true });
  });

  it('[hard] the run in flight ends with PROVIDER_RESTARTED from the durable log; a finished run replays; nothing is missing', async () => {
    const session = createTestSession({ scenario: 'hard-provider-crash', provider: 'netra-contracts serve' });
    const eventLog = path.join(dir, 'events.jsonl');
    const first = await spawnServe({ eventLog, thinkMs: 100, toolMs: 400, jitter: 0.1 });

    // eli's run finishes while eli's phone is away; only his laptop tab sees the end live.
    const [eli, eliTab] = await Promise.all([connectUser(session, first, 'eli'), connectUser(session, first, 'eli')]);
    const eliRun = await eli.startRun('eli-1', MINIMAL_REQUEST);
    await eli.drop();
    await eliTab.waitForTerminal(eliRun);

    // dana's run is killed in the middle of a tool call.
    const dana = await connectUser(session, first, 'dana');
    const danaRun = await dana.startRun('dana-1', MULTI_TOOL_REQUEST);
    const open = await dana.waitFor((m) => m.type === 'tool_executing');
    await first.kill();
    expect(await dana.closed).toMatchObject({ code: 1006, by: 'server' });
    expect(dana.ledger.complete(danaRun)).toBe(false);

    const second = await spawnServe({
      port: first.wsPort,
      authPort: first.authPort,
      eventLog,
      thinkMs: 20,
      toolMs: 20,
    });
    expect(second.wsUrl).toBe(first.wsUrl);
    // The new process has new signing keys: clients get fresh tokens from it, as after any auth restart.
    const [dana2, eli2] = await Promise.all([
      connectUser(session, second, 'dana', { ledger: dana.ledger }),
      connectUser(session, second, 'eli', { ledger: eli.ledger }),
    ]);
    dana2.resume(danaRun);
    eli2.resume(eliRun);
    expect(await dana2.waitForTerminal(danaRun)).toMatchObject({
      type: 'agent_error',
      code: 'PROVIDER_RESTARTED',
      retryable: true,
    });
    // The tool call the crash interrupted was closed, not left dangling.
    const closedCall = dana.ledger
      .events(danaRun)
      .find((e) => e.type === 'tool_completed' && e.tool_call_id === open.tool_call_id);
    expect(closedCall).toMatchObject({ status: 'error' });
    expect(await eli2.waitForTerminal(eliRun)).toMatchObject({ type: 'agent_completed', status: 'success' });
    for (const [client, runId] of [
      [dana, danaRun],
      [eli, eliRun],
    ] as const) {
      expect(client.ledger.complete(runId)).toBe(true);
      expect(client.ledger.repeats).toBe(0);
    }
    await dana2.waitForTerminal(await dana2.startRun('dana-2', MULTI_TOOL_REQUEST));
    await expectNoViolations(session);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
