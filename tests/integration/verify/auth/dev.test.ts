import { createAccessVerifier, startAuthService, type AccessVerifier, type AuthService } from '../../../../src/auth';
import { createDevSource, TOKEN_KINDS, TokenSourceError, type TokenKind } from '../../../../src/verify/auth';
import { verdict } from '../../../support/auth';

// What the reference verifier says about each kind (the provider sends this code, then closes 1008).
const EXPECTED: Record<TokenKind, string> = {
  valid: 'ok',
  expired: 'TOKEN_EXPIRED',
  not_yet_valid: 'TOKEN_INVALID',
  wrong_audience: 'TOKEN_INVALID',
  wrong_issuer: 'TOKEN_INVALID',
  bad_signature: 'TOKEN_INVALID',
  alg_none: 'TOKEN_INVALID',
  malformed: 'TOKEN_INVALID',
  missing_permission: 'PERMISSION_DENIED',
  wrong_type: 'TOKEN_WRONG_TYPE',
};

describe('dev strategy against a real auth service', () => {
  let auth: AuthService;
  let verify: AccessVerifier;

  beforeAll(async () => {
    auth = await startAuthService();
    verify = createAccessVerifier({
      jwksUrl: auth.jwksUrl,
      issuer: auth.issuer,
      audience: auth.audience,
      clockToleranceS: 0,
    });
  });
  afterAll(() => auth.close());

  test('over HTTP: every kind it claims, judged by the reference verifier; only valid passes', async () => {
    const source = createDevSource({ url: auth.url, clockLeewayS: 0 });
    const made: string[] = [];
    for (const kind of TOKEN_KINDS) {
      const support = source.supports(kind);
      if (support !== true) {
        expect(['not_yet_valid', 'wrong_audience', 'wrong_issuer']).toContain(kind);
        expect(support.reason).toMatch(/needs the signing key/);
        await expect(source.token({ user: 'dana', kind })).rejects.toMatchObject({ code: 'TOKEN_KIND_UNSUPPORTED' });
        continue;
      }
      const { token } = await source.token({ user: 'dana', kind });
      expect([kind, await verdict(verify, token)]).toEqual([kind, EXPECTED[kind]]);
      made.push(kind);
    }
    expect(made).toEqual([
      'valid',
      'expired',
      'bad_signature',
      'alg_none',
      'malformed',
      'missing_permission',
      'wrong_type',
    ]);
  }, 20_000);

  test('with an in-process signer: every kind, and only valid passes', async () => {
    const source = createDevSource({ url: auth.url, clockLeewayS: 0, signer: auth });
    for (const kind of TOKEN_KINDS) {
      expect(source.supports(kind)).toBe(true);
      const { token } = await source.token({ user: 'erin', kind });
      expect([kind, await verdict(verify, token)]).toEqual([kind, EXPECTED[kind]]);
    }
  });

  test('valid tokens honour the lifetime asked for; refresh spends the single-use refresh token', async () => {
    const source = createDevSource({ url: auth.url, clockLeewayS: 5 });
    const first = await source.token({ user: 'fay', ttlS: 60 });
    expect(first.expiresAt! - Date.now()).toBeGreaterThan(55_000);
    expect(first.expiresAt! - Date.now()).toBeLessThanOrEqual(60_000);
    const second = await source.refresh!('fay', first);
    expect(await verify(second.token)).toMatchObject({ sub: 'fay' });
    // The refresh asked for the same 60 s the first token was asked with.
    expect(second.expiresAt! - Date.now()).toBeLessThanOrEqual(60_000);
    expect(second.expiresAt! - Date.now()).toBeGreaterThan(55_000);
    // The first refresh token is spent: the service refuses it, and the strategy says so with a typed error.
    await expect(source.refresh!('fay', first)).rejects.toMatchObject({
      name: 'TokenSourceError',
      code: 'AUTH_REFUSED',
      message: expect.stringMatching(/^TOKEN_INVALID: .*already used/),
    });
    expect(source.secrets()).toEqual(expect.arrayContaining([first.token, first.refreshToken, second.token]));
  });

  test('an unreachable service assumed from --url names the missing --auth-url flag', async () => {
    const closed = await startAuthService();
    const url = closed.url;
    await closed.close();
    const source = createDevSource({ url, clockLeewayS: 5, assumedFrom: '--url ws://127.0.0.1:9/ws' });
    const err = await source.token({ user: 'gus' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenSourceError);
    expect(err).toMatchObject({ code: 'AUTH_UNAVAILABLE', exitCode: 2 });
    expect((err as Error).message).toMatch(
      /unreachable.*assumed from --url ws:\/\/127\.0\.0\.1:9\/ws.*pass --auth-url/,
    );
  });

  test('dev tokens disabled: a refusal carrying the service code', async () => {
    const off = await startAuthService({ devTokens: false });
    try {
      await expect(createDevSource({ url: off.url, clockLeewayS: 5 }).token({ user: 'hal' })).rejects.toMatchObject({
        code: 'AUTH_REFUSED',
        message: expect.stringMatching(/^DEV_TOKENS_DISABLED: /),
      });
    } finally {
      await off.close();
    }
  });
});
