import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import WebSocket from 'ws';
import { createAccessVerifier, type AccessVerifier } from '../../../../src/auth';
import { startProvider, type Provider } from '../../../../src/provider';
import { createOAuth2Source, TOKEN_KINDS, type OAuth2AuthConfig } from '../../../../src/verify/auth';
import { verdict } from '../../../support/auth';
import { startOidcServer, type OidcServer } from './support';

const CLIENT_SECRET = `client-${randomBytes(12).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;

describe('oauth2 strategy against a real authorization server (oidc-provider)', () => {
  let server: OidcServer;
  let agentVerifier: AccessVerifier;

  beforeAll(async () => {
    process.env.NETRA_TEST_OAUTH_SECRET = CLIENT_SECRET;
    process.env.NETRA_TEST_OAUTH_PASSWORD = PASSWORD;
    server = await startOidcServer(CLIENT_SECRET, PASSWORD);
    // The reference provider's verifier, pointed at the authorization server's keys: what the WebSocket checks.
    agentVerifier = createAccessVerifier({
      jwksUrl: server.jwksUri,
      issuer: server.issuer,
      audience: 'netra-agent-ws',
    });
  }, 20_000);
  afterAll(async () => {
    await server?.close();
    delete process.env.NETRA_TEST_OAUTH_SECRET;
    delete process.env.NETRA_TEST_OAUTH_PASSWORD;
  });

  const base = (): OAuth2AuthConfig => ({
    kind: 'oauth2',
    token_url: server.tokenEndpoint,
    grant: 'client_credentials',
    client_id: 'netra-basic',
    client_secret_env: 'NETRA_TEST_OAUTH_SECRET',
  });
  const apiPayload = async (token: string) =>
    (
      await jwtVerify(token, createRemoteJWKSet(new URL(server.jwksUri)), {
        issuer: server.issuer,
        audience: 'netra-api',
      })
    ).payload;

  test('client_credentials (Basic auth): one principal for every user, and the strategy says so', async () => {
    const source = createOAuth2Source(base());
    expect(source.sharedIdentity).toMatch(/client_credentials grant's principal \(client netra-basic\)/);
    const issued = await source.token({ user: 'alice' });
    expect(await apiPayload(issued.token)).toMatchObject({ sub: 'netra-basic', client_id: 'netra-basic' });
    expect(issued.expiresAt! - Date.now()).toBeGreaterThan(250_000);
    // Not the provider's token: the WebSocket's verifier refuses it (another audience).
    expect(await verdict(agentVerifier, issued.token)).toBe('TOKEN_INVALID');
  });

  test('client_credentials + RFC 8693 exchange (per user): the reference provider accepts the token as that user', async () => {
    const source = createOAuth2Source({
      ...base(),
      exchange: {
        audience: 'netra-agent-ws',
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        params: { requested_subject: '{user}' },
      },
    });
    expect(source.sharedIdentity).toBeUndefined();
    const issued = await source.token({ user: 'run7-alice' });
    expect(await agentVerifier(issued.token)).toMatchObject({
      sub: 'run7-alice',
      token_type: 'access',
      permissions: ['chat'],
    });

    let provider: Provider | undefined;
    try {
      provider = await startProvider({ jwksUrl: server.jwksUri, issuer: server.issuer, audience: 'netra-agent-ws' });
      const ws = new WebSocket(provider.url, [`jwt.${issued.token}`]);
      const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
        ws.once('error', reject);
      });
      expect(first).toMatchObject({ type: 'connection_established', user_id: 'run7-alice' });
      expect(ws.protocol).toBe(`jwt.${issued.token}`);
      ws.close();
    } finally {
      await provider?.close();
    }
  });

  test("derived bad kinds are refused by the provider's verifier; kinds that need the key are unsupported", async () => {
    const source = createOAuth2Source({
      ...base(),
      exchange: { audience: 'netra-agent-ws', params: { requested_subject: '{user}' } },
    });
    const made: Record<string, string> = {};
    for (const kind of TOKEN_KINDS) {
      const support = source.supports(kind);
      if (support !== true) {
        expect(support.reason).toMatch(/only signs valid tokens/);
        await expect(source.token({ user: 'bo', kind })).rejects.toMatchObject({ code: 'TOKEN_KIND_UNSUPPORTED' });
        continue;
      }
      made[kind] = await verdict(agentVerifier, (await source.token({ user: 'bo', kind })).token);
    }
    expect(made).toEqual({
      valid: 'ok',
      bad_signature: 'TOKEN_INVALID',
      alg_none: 'TOKEN_INVALID',
      malformed: 'TOKEN_INVALID',
    });
    const opaque = createOAuth2Source({ ...base(), token_format: 'opaque' });
    expect(opaque.supports('alg_none')).toEqual({ reason: expect.stringMatching(/opaque/) });
    expect(opaque.supports('malformed')).toBe(true);
  });

  test('password grant: a token per user; refresh uses the refresh_token grant', async () => {
    const source = createOAuth2Source({
      ...base(),
      client_id: 'netra-post',
      client_auth: 'post',
      grant: 'password',
      username: '{user}',
      password_env: 'NETRA_TEST_OAUTH_PASSWORD',
      scope: 'openid offline_access chat',
    });
    expect(source.sharedIdentity).toBeUndefined();
    const alice = await source.token({ user: 'alice' });
    const bob = await source.token({ user: 'bob' });
    expect((await apiPayload(alice.token)).sub).toBe('alice');
    expect((await apiPayload(bob.token)).sub).toBe('bob');
    expect(alice.refreshToken).toEqual(expect.any(String));
    const renewed = await source.refresh!('alice', alice);
    expect(renewed.token).not.toBe(alice.token);
    expect((await apiPayload(renewed.token)).sub).toBe('alice');
    expect(decodeJwt(renewed.token).jti).not.toBe(decodeJwt(alice.token).jti);
  });

  test('refresh_token grant: starts from a refresh token held in the environment', async () => {
    const seed = await createOAuth2Source({
      ...base(),
      grant: 'password',
      password_env: 'NETRA_TEST_OAUTH_PASSWORD',
      scope: 'openid offline_access chat',
    }).token({ user: 'carol' });
    process.env.NETRA_TEST_OAUTH_REFRESH = seed.refreshToken;
    try {
      const source = createOAuth2Source({
        ...base(),
        grant: 'refresh_token',
        refresh_token_env: 'NETRA_TEST_OAUTH_REFRESH',
      });
      expect((await apiPayload((await source.token({ user: 'carol' })).token)).sub).toBe('carol');
    } finally {
      delete process.env.NETRA_TEST_OAUTH_REFRESH;
    }
  });

  test('refusals and outages are typed, and never quote a secret', async () => {
    process.env.NETRA_TEST_OAUTH_WRONG = `wrong-${CLIENT_SECRET}`;
    const wrongSecret = await createOAuth2Source({ ...base(), client_secret_env: 'NETRA_TEST_OAUTH_WRONG' })
      .token({ user: 'x' })
      .catch((err: Error) => err);
    expect(wrongSecret).toMatchObject({
      code: 'AUTH_REFUSED',
      message: expect.stringMatching(/refused the client_credentials grant \(HTTP 401\): invalid_client/),
    });
    const wrongPassword = await createOAuth2Source({
      ...base(),
      grant: 'password',
      password_env: 'NETRA_TEST_OAUTH_WRONG',
    })
      .token({ user: 'x' })
      .catch((err: Error) => err);
    expect(wrongPassword).toMatchObject({ code: 'AUTH_REFUSED', message: expect.stringMatching(/invalid_grant/) });
    const badExchange = await createOAuth2Source({ ...base(), exchange: { audience: 'someone-else' } })
      .token({ user: 'x' })
      .catch((err: Error) => err);
    expect(badExchange).toMatchObject({
      code: 'AUTH_REFUSED',
      message: expect.stringMatching(/token exchange \(RFC 8693\).*invalid_target/),
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/token`;
    await new Promise((resolve) => closed.close(resolve));
    const gone = await createOAuth2Source({ ...base(), token_url: deadUrl, timeout_ms: 1_000 })
      .token({ user: 'x' })
      .catch((err: Error) => err);
    expect(gone).toMatchObject({
      code: 'AUTH_UNAVAILABLE',
      message: `token endpoint ${deadUrl} is unreachable (ECONNREFUSED)`,
    });
    expect(() => createOAuth2Source({ ...base(), token_url: 'http://login.example.com/token' })).toThrow(
      /must be https:\/\//,
    );
    for (const err of [wrongSecret, wrongPassword, badExchange, gone]) {
      const text = `${String(err)} ${JSON.stringify(err)}`;
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(PASSWORD);
    }
    delete process.env.NETRA_TEST_OAUTH_WRONG;
  });
});
