import { createHmac } from 'node:crypto';
import { exportSPKI, importJWK, SignJWT, type JWTPayload } from 'jose';
import {
  AuthError,
  createAccessVerifier,
  startAuthService,
  type AccessVerifier,
  type AuthService,
} from '../../../src/auth';
import { nowS } from '../../support/auth';
import { b64url, collectingLogger, headerOf, request } from './http';

/** Runs `verify` and returns the AuthError it rejected with (fails the test if it resolved or threw anything else). */
async function refusal(verify: AccessVerifier, token: string | undefined): Promise<AuthError> {
  const outcome = await verify(token).then(
    (claims) => new Error(`expected a refusal, got claims for ${claims.sub}`),
    (err: unknown) => err,
  );
  if (!(outcome instanceof AuthError)) throw outcome;
  return outcome;
}

function accessClaims(auth: AuthService, overrides: JWTPayload = {}): JWTPayload {
  const now = nowS();
  return {
    sub: 'alice',
    iss: auth.issuer,
    aud: auth.audience,
    iat: now,
    nbf: now,
    exp: now + 300,
    jti: `jti-${Math.random().toString(36).slice(2)}`,
    token_type: 'access',
    permissions: ['chat'],
    ...overrides,
  };
}

function hs256(header: object, payload: object, secret: Uint8Array | string): string {
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

describe('createAccessVerifier against a running auth service', () => {
  let auth: AuthService;
  let verify: AccessVerifier;

  beforeAll(async () => {
    auth = await startAuthService();
    verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
  });

  afterAll(async () => {
    await auth.close();
  });

  test('accepts an issued access token and returns its claims', async () => {
    const { access_token } = await auth.issueTokens('alice', { permissions: ['chat', 'export'], ttlS: 120 });
    const claims = await verify(access_token);
    expect(claims).toEqual({
      sub: 'alice',
      iss: 'netra-auth',
      aud: 'netra-agent-ws',
      iat: expect.any(Number),
      nbf: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.any(String),
      token_type: 'access',
      permissions: ['chat', 'export'],
    });
    // exp is rounded up to the next whole second: a token asked for N seconds lives N to N + 1 s on the integer clock.
    expect([120, 121]).toContain(claims.exp - claims.iat);
  });

  test('tolerates 5 s of clock skew on exp and nbf, and no more', async () => {
    const now = nowS();
    const justExpired = await auth.signForTesting(accessClaims(auth, { iat: now - 60, exp: now - 2 }));
    await expect(verify(justExpired)).resolves.toMatchObject({ sub: 'alice' });
    const almostValid = await auth.signForTesting(accessClaims(auth, { nbf: now + 2 }));
    await expect(verify(almostValid)).resolves.toMatchObject({ sub: 'alice' });
    const expired = await auth.signForTesting(accessClaims(auth, { iat: now - 60, exp: now - 10 }));
    expect((await refusal(verify, expired)).code).toBe('TOKEN_EXPIRED');
  });

  describe('refuses', () => {
    const cases: {
      name: string;
      code: string;
      message: RegExp;
      token: (auth: AuthService) => Promise<string | undefined>;
    }[] = [
      { name: 'no token', code: 'TOKEN_MISSING', message: /no access token/, token: async () => undefined },
      { name: 'an empty token', code: 'TOKEN_MISSING', message: /no access token/, token: async () => '' },
      {
        name: 'a refresh token',
        code: 'TOKEN_WRONG_TYPE',
        message: /expected an access token.*"refresh"/,
        token: async (a) => (await a.issueTokens('alice')).refresh_token,
      },
      {
        name: 'a token without token_type',
        code: 'TOKEN_WRONG_TYPE',
        message: /no token_type/,
        token: (a) => a.signForTesting(accessClaims(a, { token_type: undefined })),
      },
      {
        name: 'an expired token',
        code: 'TOKEN_EXPIRED',
        message: /expired at \d{4}-/,
        token: (a) => a.signForTesting(accessClaims(a, { iat: nowS() - 600, nbf: nowS() - 600, exp: nowS() - 60 })),
      },
      {
        name: 'a token for another audience',
        code: 'TOKEN_INVALID',
        message: /audience is not "netra-agent-ws"/,
        token: (a) => a.signForTesting(accessClaims(a, { aud: 'netra-admin-api' })),
      },
      {
        name: 'a token from another issuer',
        code: 'TOKEN_INVALID',
        message: /issuer is not "netra-auth"/,
        token: (a) => a.signForTesting(accessClaims(a, { iss: 'evil-auth' })),
      },
      {
        name: 'an unsecured token (alg: none)',
        code: 'TOKEN_INVALID',
        message: /algorithm "none" is not allowed/,
        token: async (a) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(accessClaims(a))}.`,
      },
      {
        name: 'an HS256 token keyed with the raw public key bytes',
        code: 'TOKEN_INVALID',
        message: /algorithm "HS256" is not allowed/,
        token: async (a) => {
          const jwks = (await request(a.jwksUrl)).body;
          const current = jwks.keys[0];
          return hs256(
            { alg: 'HS256', typ: 'JWT', kid: current.kid },
            accessClaims(a),
            Buffer.from(current.x, 'base64url'),
          );
        },
      },
      {
        name: 'an HS256 token keyed with the public key PEM',
        code: 'TOKEN_INVALID',
        message: /algorithm "HS256" is not allowed/,
        token: async (a) => {
          const current = (await request(a.jwksUrl)).body.keys[0];
          const pem = await exportSPKI((await importJWK(current, 'EdDSA')) as Parameters<typeof exportSPKI>[0]);
          return hs256({ alg: 'HS256', typ: 'JWT', kid: current.kid }, accessClaims(a), pem);
        },
      },
      {
        name: 'a token whose payload was re-encoded with another sub',
        code: 'TOKEN_INVALID',
        message: /signature does not verify/,
        token: async (a) => {
          const [header, , signature] = (await a.issueTokens('alice')).access_token.split('.');
          return `${header}.${b64url(accessClaims(a, { sub: 'mallory' }))}.${signature}`;
        },
      },
      {
        name: 'a token with one payload character changed',
        code: 'TOKEN_INVALID',
        message: /signature does not verify/,
        token: async (a) => {
          const [header, payload, signature] = (await a.issueTokens('alice')).access_token.split('.');
          const i = 10;
          const tampered = payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1);
          return `${header}.${tampered}.${signature}`;
        },
      },
      {
        name: 'a token with a truncated signature',
        code: 'TOKEN_INVALID',
        message: /signature does not verify/,
        token: async (a) => (await a.issueTokens('alice')).access_token.slice(0, -4),
      },
      {
        name: 'a token without the chat permission',
        code: 'PERMISSION_DENIED',
        message: /does not grant the "chat" permission/,
        token: async (a) => (await a.issueTokens('alice', { permissions: ['export'] })).access_token,
      },
      {
        name: 'a token with no permissions at all',
        code: 'PERMISSION_DENIED',
        message: /"chat"/,
        token: (a) => a.signForTesting(accessClaims(a, { permissions: undefined })),
      },
      {
        name: 'a token whose permissions are not a list',
        code: 'TOKEN_INVALID',
        message: /"permissions" claim must be an array/,
        token: (a) => a.signForTesting(accessClaims(a, { permissions: 'chat' as unknown as string[] })),
      },
      {
        name: 'a token not valid yet (nbf in the future)',
        code: 'TOKEN_INVALID',
        message: /not valid before \d{4}-/,
        token: (a) => a.signForTesting(accessClaims(a, { nbf: nowS() + 120 })),
      },
      {
        name: 'a token without iat',
        code: 'TOKEN_INVALID',
        message: /no "iat" claim/,
        token: (a) => a.signForTesting(accessClaims(a, { iat: undefined })),
      },
      {
        name: 'a token without exp',
        code: 'TOKEN_INVALID',
        message: /no "exp" claim/,
        token: (a) => a.signForTesting(accessClaims(a, { exp: undefined })),
      },
      {
        name: 'a token whose sub is not a user id',
        code: 'TOKEN_INVALID',
        message: /"sub" is not a valid user id/,
        token: (a) => a.signForTesting(accessClaims(a, { sub: 'alice smith' })),
      },
      {
        name: 'a token without kid',
        code: 'TOKEN_INVALID',
        message: /no "kid"/,
        token: (a) => a.signForTesting(accessClaims(a), { kid: undefined }),
      },
      {
        name: 'a token with an unknown kid',
        code: 'TOKEN_INVALID',
        message: /unknown key \(kid "no-such-key"\)/,
        token: (a) => a.signForTesting(accessClaims(a), { kid: 'no-such-key' }),
      },
      {
        name: 'a token signed by another auth service',
        code: 'TOKEN_INVALID',
        message: /unknown key/,
        token: async () => {
          const other = await startAuthService();
          try {
            return (await other.issueTokens('alice')).access_token;
          } finally {
            await other.close();
          }
        },
      },
      { name: 'garbage', code: 'TOKEN_INVALID', message: /not a compact JWS/, token: async () => 'garbage' },
      {
        name: 'three garbage segments',
        code: 'TOKEN_INVALID',
        message: /malformed/,
        token: async () => 'abc.def.ghi',
      },
      {
        name: 'a header that is not JSON',
        code: 'TOKEN_INVALID',
        message: /malformed/,
        token: async () => `${Buffer.from('not json').toString('base64url')}.${b64url({ sub: 'alice' })}.c2ln`,
      },
      {
        name: 'a payload that is not JSON',
        code: 'TOKEN_INVALID',
        message: /signature does not verify|malformed/,
        token: async (a) => {
          const [header, , signature] = (await a.issueTokens('alice')).access_token.split('.');
          return `${header}.${Buffer.from('not json').toString('base64url')}.${signature}`;
        },
      },
      {
        name: 'a token with whitespace',
        code: 'TOKEN_INVALID',
        message: /not a compact JWS/,
        token: async (a) => ` ${(await a.issueTokens('alice')).access_token}`,
      },
      {
        name: 'an oversized token',
        code: 'TOKEN_INVALID',
        message: /not a compact JWS/,
        token: async () => `${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`,
      },
    ];

    test.each(cases)('$name with $code', async ({ token, code, message }) => {
      const presented = await token(auth);
      const err = await refusal(verify, presented);
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      expect(err.exitCode).toBe(2);
      if (presented) {
        expect(err.message).not.toContain(presented);
        for (const segment of presented.split('.').filter((s) => s.length >= 8)) {
          expect(err.message).not.toContain(segment);
        }
      }
    });
  });
});

describe('key rotation', () => {
  let auth: AuthService;
  const logger = collectingLogger();
  const jwksFetches = () =>
    logger.entries.filter((e) => e.msg === 'http request' && e.path === '/.well-known/jwks.json').length;
  const kids = async (a: AuthService): Promise<string[]> =>
    (await request(a.jwksUrl)).body.keys.map((k: { kid: string }) => k.kid);

  beforeAll(async () => {
    auth = await startAuthService({ logger });
  });

  afterAll(async () => {
    await auth.close();
  });

  test('tokens signed before a rotation keep verifying, and new ones verify too, without a refetch', async () => {
    const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    const before = await auth.issueTokens('alice');
    await expect(verify(before.access_token)).resolves.toMatchObject({ sub: 'alice' });
    const fetchesAfterFirstUse = jwksFetches();

    await auth.rotateKeys();
    const after = await auth.issueTokens('bob');
    const oldKid = headerOf(before.access_token).kid;
    const newKid = headerOf(after.access_token).kid;
    expect(newKid).not.toBe(oldKid);

    await expect(verify(before.access_token)).resolves.toMatchObject({ sub: 'alice' });
    await expect(verify(after.access_token)).resolves.toMatchObject({ sub: 'bob' });
    // The new signing key was pre-published, so the verifier's cached JWKS already held it.
    expect(jwksFetches()).toBe(fetchesAfterFirstUse);
    expect(await kids(auth)).toEqual(expect.arrayContaining([oldKid, newKid]));

    const fresh = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    await expect(fresh(before.access_token)).resolves.toMatchObject({ sub: 'alice' });
    await expect(fresh(after.access_token)).resolves.toMatchObject({ sub: 'bob' });
  });

  test('a kid the verifier has not cached triggers exactly one JWKS refetch', async () => {
    const verify = createAccessVerifier({
      jwksUrl: auth.jwksUrl,
      issuer: auth.issuer,
      audience: auth.audience,
      cooldownMs: 50,
    });
    await expect(verify((await auth.issueTokens('alice')).access_token)).resolves.toBeDefined();
    const fetches = jwksFetches();
    await auth.rotateKeys();
    await auth.rotateKeys(); // the signing key is now one the verifier has never seen
    await new Promise((resolve) => setTimeout(resolve, 80)); // past the cooldown
    const token = (await auth.issueTokens('carol')).access_token;
    await expect(verify(token)).resolves.toMatchObject({ sub: 'carol' });
    expect(jwksFetches()).toBe(fetches + 1);
    await expect(verify(token)).resolves.toMatchObject({ sub: 'carol' });
    expect(jwksFetches()).toBe(fetches + 1);
  });

  test('within the cooldown an uncached kid is refused without hammering the auth service', async () => {
    const verify = createAccessVerifier({
      jwksUrl: auth.jwksUrl,
      issuer: auth.issuer,
      audience: auth.audience,
      cooldownMs: 60_000,
    });
    await expect(verify((await auth.issueTokens('alice')).access_token)).resolves.toBeDefined();
    const fetches = jwksFetches();
    await auth.rotateKeys();
    await auth.rotateKeys();
    const err = await refusal(verify, (await auth.issueTokens('carol')).access_token);
    expect(err.code).toBe('TOKEN_INVALID');
    expect(err.message).toMatch(/unknown key/);
    expect(jwksFetches()).toBe(fetches);
  });

  test('a retired key leaves the JWKS once its last token has expired', async () => {
    const shortLived = await startAuthService({ accessTtlS: 1, refreshTtlS: 1, clockToleranceS: 0 });
    try {
      const token = (await shortLived.issueTokens('alice')).access_token;
      const retiredKid = headerOf(token).kid;
      await shortLived.rotateKeys();
      expect(await kids(shortLived)).toContain(retiredKid);
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      const remaining = await kids(shortLived);
      expect(remaining).not.toContain(retiredKid);
      expect(remaining).toHaveLength(2); // current + next
    } finally {
      await shortLived.close();
    }
  });
});

describe('when the auth service is unreachable', () => {
  test('AUTH_UNAVAILABLE when no key was ever fetched', async () => {
    const auth = await startAuthService();
    const token = (await auth.issueTokens('alice')).access_token;
    const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    await auth.close();
    const err = await refusal(verify, token);
    expect(err.code).toBe('AUTH_UNAVAILABLE');
    expect(err.message).toContain(auth.jwksUrl);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.message).not.toContain(token.split('.')[1]);
    // Still unavailable (and answered from the cooldown, without a new connection attempt).
    expect((await refusal(verify, token)).code).toBe('AUTH_UNAVAILABLE');
    // Checks that need no key still come first.
    expect((await refusal(verify, undefined)).code).toBe('TOKEN_MISSING');
    expect((await refusal(verify, 'garbage')).code).toBe('TOKEN_INVALID');
  });

  test('within the unreachable grace, keys fetched earlier keep verifying, even once the cache is stale', async () => {
    const auth = await startAuthService();
    const other = await startAuthService();
    const first = await auth.issueTokens('alice');
    const second = await auth.issueTokens('bob');
    const foreign = (await other.issueTokens('alice')).access_token;
    await other.close();
    const verify = createAccessVerifier({
      jwksUrl: auth.jwksUrl,
      issuer: auth.issuer,
      audience: auth.audience,
      cacheMaxAgeMs: 100,
      cooldownMs: 100,
    });
    await expect(verify(first.access_token)).resolves.toMatchObject({ sub: 'alice' });
    await auth.close();

    await expect(verify(second.access_token)).resolves.toMatchObject({ sub: 'bob' }); // fresh cache
    await new Promise((resolve) => setTimeout(resolve, 150)); // cache now stale: refetch fails, fallback used
    await expect(verify(second.access_token)).resolves.toMatchObject({ sub: 'bob' });
    await expect(verify(first.access_token)).resolves.toMatchObject({ sub: 'alice' }); // within the retry window
    await new Promise((resolve) => setTimeout(resolve, 150)); // retry window over: one more failed fetch
    await expect(verify(first.access_token)).resolves.toMatchObject({ sub: 'alice' });

    // Every other check still applies on cached keys.
    expect((await refusal(verify, first.refresh_token)).code).toBe('TOKEN_WRONG_TYPE');
    // A kid that is not cached cannot be checked while the service is down.
    expect((await refusal(verify, foreign)).code).toBe('AUTH_UNAVAILABLE');
  });

  test('recovers once the auth service is back', async () => {
    const auth = await startAuthService();
    const port = auth.port;
    const verify = createAccessVerifier({
      jwksUrl: auth.jwksUrl,
      issuer: auth.issuer,
      audience: auth.audience,
      cooldownMs: 50,
    });
    await auth.close();
    expect((await refusal(verify, (await auth.issueTokens('alice')).access_token)).code).toBe('AUTH_UNAVAILABLE');
    const restarted = await startAuthService({ port });
    try {
      await new Promise((resolve) => setTimeout(resolve, 80));
      await expect(verify((await restarted.issueTokens('alice')).access_token)).resolves.toMatchObject({
        sub: 'alice',
      });
    } finally {
      await restarted.close();
    }
  });
});

describe('createAccessVerifier options', () => {
  test('refuses a jwksUrl that is not an http(s) URL', () => {
    expect(() => createAccessVerifier({ jwksUrl: 'not a url', issuer: 'i', audience: 'a' })).toThrow(
      expect.objectContaining({ code: 'AUTH_CONFIG_INVALID' }),
    );
    expect(() => createAccessVerifier({ jwksUrl: 'file:///etc/jwks.json', issuer: 'i', audience: 'a' })).toThrow(
      expect.objectContaining({ code: 'AUTH_CONFIG_INVALID' }),
    );
  });

  test('a verifier for another audience refuses our tokens', async () => {
    const auth = await startAuthService({ audience: 'netra-admin-api' });
    try {
      const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: 'netra-auth', audience: 'netra-agent-ws' });
      const err = await refusal(verify, (await auth.issueTokens('alice')).access_token);
      expect(err.code).toBe('TOKEN_INVALID');
    } finally {
      await auth.close();
    }
  });

  test('a signed token from SignJWT with the wrong key type is refused', async () => {
    const auth = await startAuthService();
    try {
      const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
      const kid = (await request(auth.jwksUrl)).body.keys[0].kid;
      const secret = new TextEncoder().encode('a-shared-secret-of-32-bytes-long!');
      const token = await new SignJWT(accessClaims(auth)).setProtectedHeader({ alg: 'HS512', kid }).sign(secret);
      expect((await refusal(verify, token)).code).toBe('TOKEN_INVALID');
    } finally {
      await auth.close();
    }
  });
});
