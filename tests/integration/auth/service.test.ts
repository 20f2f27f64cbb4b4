import { createLocalJWKSet, jwtVerify } from 'jose';
import { createJsonLogger } from '../../../src/util/logger';
import { AuthError, MAX_BODY_BYTES, startAuthService, type AuthService } from '../../../src/auth';
import { nowS } from '../../support/auth';
import { collectingLogger, payloadOf, post, request } from './http';

/** exp is rounded up to the next whole second: a token asked for N seconds carries exp - iat of N or N + 1. */
function expectLifetime(claims: Record<string, number>, seconds: number): void {
  expect([seconds, seconds + 1]).toContain(claims.exp - claims.iat);
}

describe('auth service over HTTP', () => {
  let auth: AuthService;
  const logger = collectingLogger();
  const issuedTokens: string[] = [];

  beforeAll(async () => {
    auth = await startAuthService({ logger });
  });

  afterAll(async () => {
    await auth.close();
  });

  async function tokenFor(body: unknown) {
    const res = await post(`${auth.url}/auth/token`, body);
    if (res.status === 200) issuedTokens.push(res.body.access_token, res.body.refresh_token);
    return res;
  }

  test('listens on 127.0.0.1 with an ephemeral port and documented URLs', () => {
    expect(auth.port).toBeGreaterThan(0);
    expect(auth.url).toBe(`http://127.0.0.1:${auth.port}`);
    expect(auth.jwksUrl).toBe(`${auth.url}/.well-known/jwks.json`);
    expect(auth.issuer).toBe('netra-auth');
    expect(auth.audience).toBe('netra-agent-ws');
  });

  test('GET /healthz answers ok', async () => {
    const res = await request(`${auth.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('GET /.well-known/jwks.json publishes Ed25519 public keys, distinct kids, no private material', async () => {
    const res = await request(auth.jwksUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const keys = res.body.keys as Record<string, unknown>[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toEqual({
        kty: 'OKP',
        crv: 'Ed25519',
        x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        kid: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
        alg: 'EdDSA',
        use: 'sig',
      });
    }
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
  });

  test('the published JWKS alone verifies an issued token (checked with plain jose)', async () => {
    const res = await tokenFor({ sub: 'alice' });
    const jwks = (await request(auth.jwksUrl)).body;
    const { payload, protectedHeader } = await jwtVerify(res.body.access_token, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      issuer: 'netra-auth',
      audience: 'netra-agent-ws',
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(protectedHeader.kid);
    expect(payload.sub).toBe('alice');
  });

  test('POST /auth/token returns a pair with every documented claim', async () => {
    const before = nowS();
    const res = await tokenFor({ sub: 'alice' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token']);
    expect(res.body.expires_in).toBe(900);
    const access = payloadOf(res.body.access_token);
    const refresh = payloadOf(res.body.refresh_token);
    expect(access).toEqual({
      sub: 'alice',
      iss: 'netra-auth',
      aud: 'netra-agent-ws',
      iat: expect.any(Number),
      nbf: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{16,}$/),
      token_type: 'access',
      permissions: ['chat'],
    });
    expect(access.iat).toBeGreaterThanOrEqual(before);
    expect(access.nbf).toBe(access.iat);
    expectLifetime(access, 900);
    expect(refresh.token_type).toBe('refresh');
    expect(refresh.sub).toBe('alice');
    expectLifetime(refresh, 86_400);
    expect(refresh.jti).not.toBe(access.jti);
  });

  test('POST /auth/token honours ttl_s and permissions, at the bounds too', async () => {
    const askedAtMs = Date.now();
    const shortLived = await tokenFor({ sub: 'bob', ttl_s: 1 });
    expect(shortLived.status).toBe(200);
    expect(shortLived.body.expires_in).toBe(1);
    // A 1-second token lives at least a second from the request (exp is rounded up, never down).
    expect(payloadOf(shortLived.body.access_token).exp * 1000).toBeGreaterThanOrEqual(askedAtMs + 1000);
    const day = await tokenFor({ sub: 'bob', ttl_s: 86_400, permissions: ['chat', 'admin:read'] });
    expect(day.status).toBe(200);
    const claims = payloadOf(day.body.access_token);
    expectLifetime(claims, 86_400);
    expect(claims.permissions).toEqual(['chat', 'admin:read']);
    const none = await tokenFor({ sub: 'bob', permissions: [] });
    expect(payloadOf(none.body.access_token).permissions).toEqual([]);
    const longest = await tokenFor({ sub: 'u'.repeat(128) });
    expect(longest.status).toBe(200);
    const emailish = await tokenFor({ sub: 'carol.smith+test@example-corp.io' });
    expect(payloadOf(emailish.body.access_token).sub).toBe('carol.smith+test@example-corp.io');
  });

  const badTokenBodies: { name: string; body: unknown; code: string }[] = [
    { name: 'malformed JSON', body: '{"sub": "alice"', code: 'INVALID_JSON' },
    { name: 'an empty body', body: '', code: 'INVALID_JSON' },
    { name: 'invalid UTF-8', body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), code: 'INVALID_JSON' },
    { name: 'a JSON array', body: [], code: 'INVALID_REQUEST' },
    { name: 'JSON null', body: 'null', code: 'INVALID_REQUEST' },
    { name: 'a JSON string', body: '"alice"', code: 'INVALID_REQUEST' },
    { name: 'no sub', body: {}, code: 'INVALID_REQUEST' },
    { name: 'a numeric sub', body: { sub: 42 }, code: 'INVALID_REQUEST' },
    { name: 'an empty sub', body: { sub: '' }, code: 'INVALID_REQUEST' },
    { name: 'a sub with a space', body: { sub: 'alice smith' }, code: 'INVALID_REQUEST' },
    { name: 'a sub with a slash', body: { sub: 'alice/admin' }, code: 'INVALID_REQUEST' },
    { name: 'a sub of 129 characters', body: { sub: 'u'.repeat(129) }, code: 'INVALID_REQUEST' },
    { name: 'ttl_s 0', body: { sub: 'alice', ttl_s: 0 }, code: 'INVALID_REQUEST' },
    { name: 'a negative ttl_s', body: { sub: 'alice', ttl_s: -5 }, code: 'INVALID_REQUEST' },
    { name: 'ttl_s above a day', body: { sub: 'alice', ttl_s: 86_401 }, code: 'INVALID_REQUEST' },
    { name: 'a fractional ttl_s', body: { sub: 'alice', ttl_s: 1.5 }, code: 'INVALID_REQUEST' },
    { name: 'a string ttl_s', body: { sub: 'alice', ttl_s: '60' }, code: 'INVALID_REQUEST' },
    { name: 'permissions as a string', body: { sub: 'alice', permissions: 'chat' }, code: 'INVALID_REQUEST' },
    { name: 'a numeric permission', body: { sub: 'alice', permissions: [1] }, code: 'INVALID_REQUEST' },
    { name: 'a duplicated permission', body: { sub: 'alice', permissions: ['chat', 'chat'] }, code: 'INVALID_REQUEST' },
    { name: 'a permission with a space', body: { sub: 'alice', permissions: ['chat all'] }, code: 'INVALID_REQUEST' },
    { name: 'an unknown field', body: { sub: 'alice', admin: true }, code: 'INVALID_REQUEST' },
    {
      name: 'a body over the limit',
      body: JSON.stringify({ sub: 'alice', pad: 'x'.repeat(MAX_BODY_BYTES) }),
      code: 'BODY_TOO_LARGE',
    },
  ];

  test.each(badTokenBodies)('POST /auth/token refuses $name with 400 $code', async ({ body, code }) => {
    const res = await tokenFor(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_code: code, error_message: expect.any(String) });
    expect(res.body.error_message.length).toBeGreaterThan(10);
  });

  test('the 400 message names the offending field', async () => {
    expect((await tokenFor({ sub: 'alice', ttl_s: 0 })).body.error_message).toContain('ttl_s');
    expect((await tokenFor({ sub: 'a b' })).body.error_message).toContain('sub');
    expect((await tokenFor({ sub: 'alice', admin: true })).body.error_message).toContain('"admin"');
  });

  test('a body far over the limit (1.5 MiB) is refused with 400 too', async () => {
    const res = await post(`${auth.url}/auth/token`, 'x'.repeat(1_500_000)).catch((err: unknown) => err);
    // Past the drain limit the service answers and drops the connection; the client sees the 400 or a reset.
    if (res instanceof Error) expect(res.message).toMatch(/fetch failed|socket|ECONNRESET/i);
    else expect(res).toMatchObject({ status: 400, body: { error_code: 'BODY_TOO_LARGE' } });
    expect((await request(`${auth.url}/healthz`)).status).toBe(200);
  });

  test('unknown paths get 404 and wrong methods 405, both with a JSON error', async () => {
    const missing = await request(`${auth.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('NOT_FOUND');
    const wrongMethod = await request(`${auth.url}/auth/token`, 'GET');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(wrongMethod.body.error_code).toBe('METHOD_NOT_ALLOWED');
    const jwksPost = await request(auth.jwksUrl, 'POST');
    expect(jwksPost.status).toBe(405);
  });

  describe('POST /auth/refresh', () => {
    test('exchanges a refresh token for a new pair carrying the same user and permissions', async () => {
      const first = await tokenFor({ sub: 'dana', permissions: ['chat', 'export'], ttl_s: 60 });
      const res = await post(`${auth.url}/auth/refresh`, { refresh_token: first.body.refresh_token });
      expect(res.status).toBe(200);
      issuedTokens.push(res.body.access_token, res.body.refresh_token);
      expect(res.body.expires_in).toBe(900);
      const access = payloadOf(res.body.access_token);
      expect(access).toMatchObject({ sub: 'dana', token_type: 'access', permissions: ['chat', 'export'] });
      expect(payloadOf(res.body.refresh_token).token_type).toBe('refresh');
      expect(res.body.refresh_token).not.toBe(first.body.refresh_token);
    });

    test('honours ttl_s', async () => {
      const first = await tokenFor({ sub: 'dana' });
      const res = await post(`${auth.url}/auth/refresh`, { refresh_token: first.body.refresh_token, ttl_s: 30 });
      expect(res.status).toBe(200);
      expect(res.body.expires_in).toBe(30);
      const access = payloadOf(res.body.access_token);
      expectLifetime(access, 30);
    });

    test('a refresh token is single-use', async () => {
      const first = await tokenFor({ sub: 'erin' });
      expect((await post(`${auth.url}/auth/refresh`, { refresh_token: first.body.refresh_token })).status).toBe(200);
      const again = await post(`${auth.url}/auth/refresh`, { refresh_token: first.body.refresh_token });
      expect(again.status).toBe(401);
      expect(again.body.error_code).toBe('TOKEN_INVALID');
      expect(again.body.error_message).toMatch(/already used/);
    });

    test('refuses an access token with 401 TOKEN_WRONG_TYPE', async () => {
      const first = await tokenFor({ sub: 'erin' });
      const res = await post(`${auth.url}/auth/refresh`, { refresh_token: first.body.access_token });
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('TOKEN_WRONG_TYPE');
    });

    test('refuses an expired refresh token with 401 TOKEN_EXPIRED', async () => {
      const expired = await auth.signForTesting({
        sub: 'erin',
        iss: auth.issuer,
        aud: auth.audience,
        iat: nowS() - 120,
        exp: nowS() - 60,
        jti: 'expired-refresh-1',
        token_type: 'refresh',
        permissions: ['chat'],
      });
      const res = await post(`${auth.url}/auth/refresh`, { refresh_token: expired });
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('TOKEN_EXPIRED');
      expect(res.body.error_message).not.toContain(expired);
    });

    test('refuses a tampered, a foreign and a garbage refresh token with 401 TOKEN_INVALID', async () => {
      const first = await tokenFor({ sub: 'erin' });
      const [header, , signature] = first.body.refresh_token.split('.');
      const forgedPayload = Buffer.from(
        JSON.stringify({ ...payloadOf(first.body.refresh_token), sub: 'mallory' }),
      ).toString('base64url');
      const other = await startAuthService();
      try {
        const foreign = (await other.issueTokens('erin')).refresh_token;
        for (const token of [`${header}.${forgedPayload}.${signature}`, foreign, 'garbage', 'a.b.c']) {
          const res = await post(`${auth.url}/auth/refresh`, { refresh_token: token });
          expect(res.status).toBe(401);
          expect(res.body.error_code).toBe('TOKEN_INVALID');
        }
      } finally {
        await other.close();
      }
    });

    const badRefreshBodies: { name: string; body: unknown; code: string }[] = [
      { name: 'malformed JSON', body: '{"refresh_token":', code: 'INVALID_JSON' },
      { name: 'no refresh_token', body: {}, code: 'INVALID_REQUEST' },
      { name: 'a numeric refresh_token', body: { refresh_token: 5 }, code: 'INVALID_REQUEST' },
      { name: 'an empty refresh_token', body: { refresh_token: '' }, code: 'INVALID_REQUEST' },
      { name: 'an unknown field', body: { refresh_token: 'a.b.c', sub: 'mallory' }, code: 'INVALID_REQUEST' },
      { name: 'a bad ttl_s', body: { refresh_token: 'a.b.c', ttl_s: 0 }, code: 'INVALID_REQUEST' },
      { name: 'a body over the limit', body: { refresh_token: 'x'.repeat(MAX_BODY_BYTES) }, code: 'BODY_TOO_LARGE' },
    ];

    test.each(badRefreshBodies)('refuses $name with 400 $code', async ({ body, code }) => {
      const res = await post(`${auth.url}/auth/refresh`, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error_code: code, error_message: expect.any(String) });
    });
  });

  test('issueTokens validates its arguments with typed errors', async () => {
    await expect(auth.issueTokens('not a user')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(auth.issueTokens('alice', { ttlS: 0 })).rejects.toBeInstanceOf(AuthError);
    await expect(auth.issueTokens('alice', { permissions: ['x y'] })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });

  test('logs every request as a structured entry and never logs a token', async () => {
    const requests = logger.entries.filter((e) => e.msg === 'http request');
    expect(requests.length).toBeGreaterThan(20);
    expect(requests).toContainEqual(
      expect.objectContaining({ level: 'info', method: 'POST', path: '/auth/token', status: 200 }),
    );
    expect(requests).toContainEqual(
      expect.objectContaining({ level: 'warn', path: '/auth/refresh', status: 401, error_code: 'TOKEN_INVALID' }),
    );
    const logged = JSON.stringify(logger.entries);
    expect(issuedTokens.length).toBeGreaterThan(20);
    for (const token of issuedTokens) {
      for (const segment of token.split('.')) expect(logged).not.toContain(segment);
    }
  });
});

describe('auth service with devTokens: false', () => {
  let auth: AuthService;

  beforeAll(async () => {
    auth = await startAuthService({ devTokens: false });
  });

  afterAll(async () => {
    await auth.close();
  });

  test('POST /auth/token answers 403 DEV_TOKENS_DISABLED', async () => {
    const res = await post(`${auth.url}/auth/token`, { sub: 'alice' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error_code: 'DEV_TOKENS_DISABLED', error_message: expect.any(String) });
  });

  test('JWKS, healthz, issueTokens and refresh keep working', async () => {
    expect((await request(auth.jwksUrl)).status).toBe(200);
    expect((await request(`${auth.url}/healthz`)).status).toBe(200);
    const pair = await auth.issueTokens('alice');
    const res = await post(`${auth.url}/auth/refresh`, { refresh_token: pair.refresh_token });
    expect(res.status).toBe(200);
    expect(payloadOf(res.body.access_token).sub).toBe('alice');
  });
});

describe('startAuthService options', () => {
  test('refuses invalid options with AUTH_CONFIG_INVALID', async () => {
    await expect(startAuthService({ accessTtlS: 0 })).rejects.toMatchObject({ code: 'AUTH_CONFIG_INVALID' });
    await expect(startAuthService({ refreshTtlS: 1.5 })).rejects.toMatchObject({ code: 'AUTH_CONFIG_INVALID' });
    await expect(startAuthService({ issuer: '' })).rejects.toMatchObject({ code: 'AUTH_CONFIG_INVALID' });
  });

  test('reports a busy port as AUTH_LISTEN_FAILED', async () => {
    const first = await startAuthService();
    try {
      await expect(startAuthService({ port: first.port })).rejects.toMatchObject({
        code: 'AUTH_LISTEN_FAILED',
        message: expect.stringContaining('EADDRINUSE'),
      });
    } finally {
      await first.close();
    }
  });

  test('close() is idempotent and frees the port', async () => {
    const auth = await startAuthService();
    await Promise.all([auth.close(), auth.close()]);
    await auth.close();
    await expect(fetch(`${auth.url}/healthz`)).rejects.toThrow();
  });
});

describe('auth service logs', () => {
  test('through the one logger: every line is {ts, level, component: "auth", msg, ...fields}', async () => {
    const lines: string[] = [];
    const out = { write: (line: string) => lines.push(line) };
    const auth = await startAuthService({ logger: createJsonLogger({ level: 'debug', component: 'provider', out }) });
    await auth.issueTokens('alice');
    await fetch(auth.jwksUrl);
    await auth.rotateKeys();
    await auth.close();
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(entry).slice(0, 4)).toEqual(['ts', 'level', 'component', 'msg']);
      expect(entry.component).toBe('auth');
    }
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(
      expect.arrayContaining(['listening', 'tokens issued', 'http request', 'keys rotated', 'closed']),
    );
  });
});
