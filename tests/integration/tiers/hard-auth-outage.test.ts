// Hard tier: the auth service goes down (a chaos proxy between the provider and the auth service, and between the
// clients and the auth service, is cut) and comes back.
//
// What the system guarantees, as tested here:
// - open sockets keep working: runs in flight complete and new runs start on them (nothing is re-verified);
// - a new connection whose token was signed by a key the provider already fetched still verifies (cached JWKS);
// - a new connection whose key the provider has not fetched gets error_message AUTH_UNAVAILABLE and close 1008, and
//   a provider that starts during the outage refuses every connection that way;
// - clients cannot get tokens: fetchDevToken fails with AuthError AUTH_UNAVAILABLE;
// - after the auth service returns, tokens can be fetched and new keys verify again once the verifier's retry
//   cooldown (5 s after its last failed fetch) has passed.
import { fetchDevToken } from '../../../src/verify/auth';
import { startProvider, type Provider } from '../../../src/provider';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  MINIMAL_REQUEST,
  MULTI_TOOL_REQUEST,
  sleep,
  startTestStack,
  type RecordingClient,
  type TestSession,
  type TestStack,
} from '../../support';

// jose's remote JWKS does not refetch for an unknown kid within 5 s of its last fetch (its cooldown); the verifier
// retries an unreachable JWKS at most every 5 s. Both are createAccessVerifier defaults.
const VERIFIER_COOLDOWN_MS = 5_000;

/** Connects until the provider accepts (each refusal is a real, recorded connection); returns the client and tries. */
async function connectWhenAccepted(
  session: TestSession,
  wsUrl: string,
  authUrl: string,
  user: string,
  token: string,
  limitMs: number,
) {
  const deadline = Date.now() + limitMs;
  const refusals: string[] = [];
  for (;;) {
    const client: RecordingClient = await connectUser(session, { wsUrl, authUrl }, user, { token, expect: 'any' });
    if (client.frames[0]?.type === 'connection_established') return { client, refusals };
    refusals.push(String(client.frames[0]?.error_code));
    await client.closed;
    if (Date.now() > deadline) throw new Error(`not accepted within ${limitMs} ms; refusals: ${refusals.join(', ')}`);
    await sleep(500);
  }
}

describe('[hard] the auth service goes down and comes back', () => {
  let stack: TestStack;
  let fresh: Provider | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ authProxy: true, provider: { thinkMs: 100, toolMs: 100, jitter: 0.2 } });
  });
  afterAll(async () => {
    await fresh?.close();
    await stack?.close();
  });

  it('[hard] open sockets keep working, new ones get a clear AUTH_UNAVAILABLE, token fetches fail clearly, and all recover', async () => {
    const session = createTestSession('hard-auth-outage');
    const proxy = stack.authProxy!;
    const jwksViaProxy = proxy.url('http', '/.well-known/jwks.json');

    // Before the outage: ivy connects (the provider fetches and caches the JWKS); jon already holds a token.
    const ivy = await connectUser(session, stack, 'ivy');
    const keysFetchedAt = Date.now();
    const jonToken = (await fetchDevToken(stack.authUrl, 'jon')).access_token;
    const leeToken = (await fetchDevToken(stack.authUrl, 'lee')).access_token;
    const inFlight = await ivy.startRun('ivy-1', MULTI_TOOL_REQUEST);

    await proxy.cut();

    // Clients cannot get tokens, and are told why.
    await expect(fetchDevToken(stack.authUrl, 'kim', { timeoutMs: 2_000 })).rejects.toMatchObject({
      name: 'AuthError',
      code: 'AUTH_UNAVAILABLE',
    });

    // The open socket keeps working: the run in flight completes, and a new run on it completes too.
    expect(await ivy.waitForTerminal(inFlight)).toMatchObject({ type: 'agent_completed', status: 'success' });
    const during = await ivy.startRun('ivy-2', MINIMAL_REQUEST);

    // A new connection with a token signed by a cached key still verifies.
    const jon = await connectUser(session, stack, 'jon', { token: jonToken });
    await jon.waitForTerminal(await jon.startRun('jon-1', MINIMAL_REQUEST));

    // Keys rotate twice during the outage: the new signing key was never published to the provider.
    await stack.auth.rotateKeys();
    await stack.auth.rotateKeys();
    const unseenKeyToken = (await stack.auth.issueTokens('kim')).access_token;
    await sleep(Math.max(0, keysFetchedAt + VERIFIER_COOLDOWN_MS + 200 - Date.now()));
    const kim = await connectUser(session, stack, 'kim', { token: unseenKeyToken, expect: 'refused' });
    expect(kim.frames.map((f) => [f.type, f.error_code])).toEqual([['error_message', 'AUTH_UNAVAILABLE']]);
    expect(kim.closeInfo).toMatchObject({ code: 1008, by: 'server' });

    // A provider that starts during the outage has no keys at all: every new connection gets AUTH_UNAVAILABLE, even
    // one whose token the first provider would accept. (lee only ever uses this second provider: the rules engine
    // holds one server to "every connection of a user receives the user's runs", which two servers cannot do.)
    fresh = await startProvider({
      jwksUrl: jwksViaProxy,
      issuer: stack.auth.issuer,
      audience: stack.auth.audience,
      thinkMs: 20,
      toolMs: 20,
    });
    const early = await connectUser(session, { wsUrl: fresh.url, authUrl: stack.authUrl }, 'lee', {
      token: leeToken,
      expect: 'refused',
    });
    expect(early.frames.map((f) => f.error_code)).toEqual(['AUTH_UNAVAILABLE']);
    expect(early.closeInfo?.code).toBe(1008);

    await ivy.waitForTerminal(during);
    await proxy.restore();

    // Recovery: tokens can be fetched again, the unseen key verifies, the fresh provider gets its keys.
    const leeTokens = await fetchDevToken(stack.authUrl, 'lee');
    const back = await connectWhenAccepted(
      session,
      stack.wsUrl,
      stack.authUrl,
      'kim',
      unseenKeyToken,
      3 * VERIFIER_COOLDOWN_MS,
    );
    expect(back.refusals.every((code) => code === 'AUTH_UNAVAILABLE')).toBe(true);
    await back.client.waitForTerminal(await back.client.startRun('kim-1', MINIMAL_REQUEST));
    const freshBack = await connectWhenAccepted(
      session,
      fresh.url,
      stack.authUrl,
      'lee',
      leeTokens.access_token,
      3 * VERIFIER_COOLDOWN_MS,
    );
    await freshBack.client.waitForTerminal(await freshBack.client.startRun('lee-1', MINIMAL_REQUEST));

    // ivy's socket was never interrupted.
    expect(ivy.isOpen).toBe(true);
    await ivy.waitForTerminal(await ivy.startRun('ivy-3', MINIMAL_REQUEST));
    await expectNoViolations(session);
  }, 90_000);
});
