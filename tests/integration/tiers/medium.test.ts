// Medium tier: 2 to 5 users at once: ordering, isolation, token refresh mid-run, an auth failure and recovery.
// Every frame any client sees goes through the one rules engine (tests/support); tests assert the scenario's outcome.
import { refreshDevToken } from '../../../src/verify/auth';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  FORECAST_REQUEST,
  MINIMAL_REQUEST,
  MULTI_TOOL_REQUEST,
  sleep,
  startTestStack,
  type TestStack,
} from '../../support';

describe('[medium] 2 to 5 users at once', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ provider: { thinkMs: 20, toolMs: 20, jitter: 0.5 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[medium] five users run two requests each at once: every run completes, in seq order, and nothing crosses users', async () => {
    const session = createTestSession('medium-five-users');
    const users = ['ada', 'ben', 'cy', 'dee', 'eve'];
    const clients = await Promise.all(users.map((u) => connectUser(session, stack, u)));
    // ada also has a second tab: it must get every event of her runs too.
    const adaTab = await connectUser(session, stack, 'ada');

    const started = await Promise.all(
      clients.flatMap((c, i) => [
        c.startRun(`m5-${i}-a`, MULTI_TOOL_REQUEST),
        c.startRun(`m5-${i}-b`, FORECAST_REQUEST),
      ]),
    );
    const terminals = await Promise.all(started.map((runId, k) => clients[Math.floor(k / 2)].waitForTerminal(runId)));
    expect(terminals.map((t) => t.type)).toEqual(started.map(() => 'agent_completed'));
    for (const runId of started.slice(0, 2)) await adaTab.waitForTerminal(runId);

    // Isolation as the scenario defines it: each connection saw exactly the runs its own user started.
    clients.forEach((c, i) =>
      expect([...c.ledger.runs.keys()].sort()).toEqual([started[2 * i], started[2 * i + 1]].sort()),
    );
    expect([...adaTab.ledger.runs.keys()].sort()).toEqual(started.slice(0, 2).sort());
    // Ordering was really exercised: two runs of one connection interleaved, so per-run seq order is not trivial.
    const interleaved = clients.some((c) => {
      const ids = c.frames.filter((f) => typeof f.run_id === 'string').map((f) => f.run_id);
      return ids.some((id, k) => k > 0 && id !== ids[k - 1] && ids.slice(k + 1).includes(ids[k - 1]));
    });
    expect(interleaved).toBe(true);
    await expectNoViolations(session);
  }, 60_000);

  it('[medium] an auth failure and recovery: each bad token is refused with its code and close 1008, then a good token works', async () => {
    const session = createTestSession('medium-auth-failure-recovery');
    const now = Math.floor(Date.now() / 1000);
    const base = {
      sub: 'fay',
      iss: stack.auth.issuer,
      aud: stack.auth.audience,
      token_type: 'access',
      permissions: ['chat'],
    };
    const good = await stack.auth.issueTokens('fay');
    const tampered = `${good.access_token.slice(0, -4)}${good.access_token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const cases: { token?: string; code: string }[] = [
      { token: undefined, code: 'TOKEN_MISSING' },
      { token: tampered, code: 'TOKEN_INVALID' },
      { token: await stack.auth.signForTesting({ ...base, iat: now - 600, exp: now - 300 }), code: 'TOKEN_EXPIRED' },
      { token: good.refresh_token, code: 'TOKEN_WRONG_TYPE' },
      {
        token: (await stack.auth.issueTokens('fay', { permissions: ['read'] })).access_token,
        code: 'PERMISSION_DENIED',
      },
      {
        token: await stack.auth.signForTesting({ ...base, aud: 'someone-else', iat: now, exp: now + 300 }),
        code: 'TOKEN_INVALID',
      },
    ];
    for (const { token, code } of cases) {
      const refused = await connectUser(
        session,
        stack,
        'fay',
        token === undefined ? { via: 'none', expect: 'refused' } : { token, expect: 'refused' },
      );
      expect(refused.frames.map((f) => [f.type, f.error_code])).toEqual([['error_message', code]]);
      expect(refused.closeInfo).toMatchObject({ code: 1008, by: 'server' });
    }

    // Recovery: a good token from the auth service works at once, and so does the run.
    const fay = await connectUser(session, stack, 'fay');
    const runId = await fay.startRun('fay-1', MINIMAL_REQUEST);
    expect(await fay.waitForTerminal(runId)).toMatchObject({ type: 'agent_completed', status: 'success' });

    // An auth_refresh with a broken token is refused but keeps the connection; one for another user closes it 1008.
    let from = fay.mark();
    fay.send({ type: 'auth_refresh', token: tampered, request_id: 'refresh-bad' });
    expect(await fay.waitFor((m) => m.type === 'error_message', { from })).toMatchObject({
      error_code: 'TOKEN_INVALID',
    });
    const stillWorks = await fay.startRun('fay-2', MINIMAL_REQUEST);
    await fay.waitForTerminal(stillWorks);
    from = fay.mark();
    fay.send({ type: 'auth_refresh', token: (await stack.auth.issueTokens('mallory')).access_token });
    expect(await fay.waitFor((m) => m.type === 'error_message', { from })).toMatchObject({
      error_code: 'AUTH_USER_MISMATCH',
    });
    expect(await fay.closed).toMatchObject({ code: 1008, by: 'server' });

    // ... and fay comes back on a new connection with her own token.
    const again = await connectUser(session, stack, 'fay');
    await again.waitForTerminal(await again.startRun('fay-3', MINIMAL_REQUEST));
    await expectNoViolations(session);
  }, 60_000);
});

describe('[medium] token refresh mid-run', () => {
  let stack: TestStack;

  beforeAll(async () => {
    // A multi-tool run of ~12 steps at ~400 ms each outlives a 2 s token, which lives 2 to 3 s (its exp is rounded up
    // to the next whole second; no clock tolerance on top of it here).
    stack = await startTestStack({
      provider: { thinkMs: 400, toolMs: 400, jitter: 0.2, sweepMs: 100, clockToleranceS: 0 },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[medium] auth_refresh with a refreshed token keeps the connection past the first token; without it TOKEN_EXPIRED, then resume recovers', async () => {
    const session = createTestSession('medium-token-refresh');
    const [gus, hal] = await Promise.all([
      connectUser(session, stack, 'gus', { ttlS: 2 }),
      connectUser(session, stack, 'hal', { ttlS: 2 }),
    ]);
    const [gusRun, halRun] = await Promise.all([
      gus.startRun('gus-1', MULTI_TOOL_REQUEST),
      hal.startRun('hal-1', MULTI_TOOL_REQUEST),
    ]);

    // gus refreshes through the auth service (POST /auth/refresh, single-use refresh token) and tells the socket.
    await sleep(500);
    const fresh = await refreshDevToken(stack.authUrl, gus.tokens!.refresh_token, { ttlS: 120 });
    gus.send({ type: 'auth_refresh', token: fresh.access_token });

    // hal does not: his connection ends with TOKEN_EXPIRED and 1008 while his run goes on.
    expect(await hal.waitFor((m) => m.type === 'error_message', { what: 'TOKEN_EXPIRED' })).toMatchObject({
      error_code: 'TOKEN_EXPIRED',
    });
    expect(await hal.closed).toMatchObject({ code: 1008, by: 'server' });
    expect(hal.ledger.complete(halRun)).toBe(false);

    const gusEnd = await gus.waitForTerminal(gusRun);
    expect(gusEnd).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect(Date.parse(gusEnd.timestamp)).toBeGreaterThan(Date.parse(gus.frames[0].token_expires_at));
    expect(gus.isOpen).toBe(true);

    // hal recovers: a new token, a new connection, resume from what he holds; the run completes, nothing repeated.
    const halAgain = await connectUser(session, stack, 'hal', { ledger: hal.ledger });
    halAgain.resume(halRun);
    await halAgain.waitForTerminal(halRun);
    expect(hal.ledger.complete(halRun)).toBe(true);
    expect(hal.ledger.repeats).toBe(0);
    await expectNoViolations(session);
  }, 60_000);
});
