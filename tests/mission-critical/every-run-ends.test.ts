// Mission-critical: every run ends. Whatever happens (the answer, a cancel, a bad workload, an unknown agent, the
// client gone for the whole run, its token expiring, a run timeout, a shutdown), each run a user starts reaches
// exactly one terminal event that the user can hold, live or by resume. protocol.run-ends checks it on every run.
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  MINIMAL_REQUEST,
  MULTI_TOOL_REQUEST,
  sleep,
  startTestStack,
  type TestStack,
} from '../support';

describe('[medium] every run ends, whatever happens to it', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // A multi-tool run takes ~1.8 s: long enough for a token to expire in the middle of it.
    // No clock tolerance: a token that expires 0.3 to 1.3 s after the start ends the connection mid-run.
    stack = await startTestStack({
      provider: { thinkMs: 150, toolMs: 150, jitter: 0.1, sweepMs: 100, clockToleranceS: 0 },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[medium] answered, cancelled, refused by the agent, unknown agent, client away, token expired: each ends with its terminal', async () => {
    const session = createTestSession('mc-every-run-ends');
    const ana = await connectUser(session, stack, 'ana');

    const answered = await ana.startRun('end-answered', MINIMAL_REQUEST);
    const cancelled = await ana.startRun('end-cancelled', MULTI_TOOL_REQUEST);
    await ana.waitFor((m) => m.run_id === cancelled && m.type === 'agent_thinking');
    ana.send({ type: 'cancel_run', run_id: cancelled });
    const badWorkload = await ana.startRun('end-bad-workload', {
      user_request: 'Optimise this.',
      context: {
        workload: [{ model: 'mystery-llm', requests_per_month: 1000, avg_input_tokens: 100, avg_output_tokens: 10 }],
      },
    });
    const unknownAgent = await ana.startRun('end-unknown-agent', {
      user_request: 'Hello.',
      agent_name: 'no_such_agent',
    });

    expect(await ana.waitForTerminal(answered)).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect(await ana.waitForTerminal(cancelled)).toMatchObject({ type: 'agent_completed', status: 'cancelled' });
    expect(await ana.waitForTerminal(badWorkload)).toMatchObject({
      type: 'agent_error',
      code: 'INVALID_WORKLOAD',
      retryable: false,
    });
    expect(await ana.waitForTerminal(unknownAgent)).toMatchObject({ type: 'agent_error', retryable: false });
    // Cancelling a run that already ended is refused, not ignored.
    const from = ana.mark();
    ana.send({ type: 'cancel_run', run_id: answered, request_id: 'cancel-late' });
    expect(await ana.waitFor((m) => m.request_id === 'cancel-late', { from })).toMatchObject({
      error_code: 'RUN_NOT_ACTIVE',
    });

    // The client is gone for the whole run: it comes back later and the run's end is there for it.
    const ben = await connectUser(session, stack, 'ben');
    const away = await ben.startRun('end-away', MULTI_TOOL_REQUEST);
    await ben.drop();
    await sleep(1_500);
    const benBack = await connectUser(session, stack, 'ben', { ledger: ben.ledger });
    benBack.resume(away);
    expect(await benBack.waitForTerminal(away)).toMatchObject({ type: 'agent_completed' });

    // The token expires mid-run: TOKEN_EXPIRED and 1008, the run goes on, and a new connection resumes it.
    const nowS = Math.floor(Date.now() / 1000);
    const shortLived = await stack.auth.signForTesting({
      sub: 'cleo',
      iss: stack.auth.issuer,
      aud: stack.auth.audience,
      token_type: 'access',
      permissions: ['chat'],
      iat: nowS,
      exp: Math.ceil(Date.now() / 1000 + 0.3), // 0.3 to 1.3 s from now
    });
    const cleo = await connectUser(session, stack, 'cleo', { token: shortLived });
    const expiring = await cleo.startRun('end-expiring', MULTI_TOOL_REQUEST);
    expect(await cleo.closed).toMatchObject({ code: 1008, by: 'server' });
    expect(cleo.frames.at(-1)).toMatchObject({ type: 'error_message', error_code: 'TOKEN_EXPIRED' });
    expect(cleo.ledger.complete(expiring)).toBe(false);
    const cleoBack = await connectUser(session, stack, 'cleo', { ledger: cleo.ledger });
    cleoBack.resume(expiring);
    expect(await cleoBack.waitForTerminal(expiring)).toMatchObject({ type: 'agent_completed' });

    for (const [client, runId] of [
      [ana, answered],
      [ana, cancelled],
      [ana, badWorkload],
      [ana, unknownAgent],
      [ben, away],
      [cleo, expiring],
    ] as const) {
      expect(client.ledger.complete(runId)).toBe(true);
    }
    expect(session.checker.stats().runs).toBe(6);
    await expectNoViolations(session);
  }, 60_000);
});

describe('[medium] every run ends when the server cannot finish it', () => {
  it('[medium] a run past runTimeoutMs ends with RUN_TIMEOUT; on shutdown, a run outliving the drain grace ends PROVIDER_RESTARTED', async () => {
    const stack = await startTestStack({ provider: { thinkMs: 150, toolMs: 150, jitter: 0, runTimeoutMs: 600 } });
    try {
      const session = createTestSession('mc-every-run-ends-server-side');
      const [dev, eva] = await Promise.all([connectUser(session, stack, 'dev'), connectUser(session, stack, 'eva')]);
      const slow = await dev.startRun('end-timeout', MULTI_TOOL_REQUEST);
      expect(await dev.waitForTerminal(slow)).toMatchObject({
        type: 'agent_error',
        code: 'RUN_TIMEOUT',
        retryable: true,
      });

      // A drain with a grace shorter than the run: the run is stopped and told why; the socket closes 1001.
      const cut = await eva.startRun('end-drain', MULTI_TOOL_REQUEST);
      await stack.provider.drain(200);
      expect(await eva.waitForTerminal(cut)).toMatchObject({
        type: 'agent_error',
        code: 'PROVIDER_RESTARTED',
        retryable: true,
      });
      expect(await eva.closed).toMatchObject({ code: 1001, by: 'server' });
      expect(dev.ledger.complete(slow) && eva.ledger.complete(cut)).toBe(true);
      await expectNoViolations(session);
    } finally {
      await stack.close();
    }
  }, 60_000);
});
