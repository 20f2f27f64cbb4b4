import { AuthError, createAccessVerifier, startAuthService, type AuthService } from '../../../src/auth';
import { fetchDevToken, refreshDevToken } from '../../../src/verify/auth';
import { payloadOf } from './http';

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection'),
    (err: unknown) => err,
  );
  if (!(outcome instanceof AuthError)) throw outcome;
  return outcome;
}

describe('fetchDevToken and refreshDevToken', () => {
  let auth: AuthService;
  let closedUrl: string;

  beforeAll(async () => {
    auth = await startAuthService();
    const closed = await startAuthService();
    closedUrl = closed.url;
    await closed.close();
  });

  afterAll(async () => {
    await auth.close();
  });

  test('fetchDevToken returns a verifiable pair', async () => {
    const pair = await fetchDevToken(auth.url, 'alice');
    expect(Object.keys(pair).sort()).toEqual(['access_token', 'expires_in', 'refresh_token']);
    expect(pair.expires_in).toBe(900);
    const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    await expect(verify(pair.access_token)).resolves.toMatchObject({ sub: 'alice', permissions: ['chat'] });
  });

  test('fetchDevToken passes permissions and ttlS, and accepts a trailing slash', async () => {
    const pair = await fetchDevToken(`${auth.url}/`, 'bob', { permissions: ['chat', 'export'], ttlS: 42 });
    expect(pair.expires_in).toBe(42);
    expect(payloadOf(pair.access_token)).toMatchObject({ sub: 'bob', permissions: ['chat', 'export'] });
  });

  test('refreshDevToken exchanges the refresh token, once', async () => {
    const first = await fetchDevToken(auth.url, 'carol');
    const second = await refreshDevToken(auth.url, first.refresh_token, { ttlS: 60 });
    expect(second.expires_in).toBe(60);
    expect(payloadOf(second.access_token).sub).toBe('carol');
    const reused = await rejection(refreshDevToken(auth.url, first.refresh_token));
    expect(reused).toMatchObject({ code: 'TOKEN_INVALID', httpStatus: 401 });
    const wrongType = await rejection(refreshDevToken(auth.url, second.access_token));
    expect(wrongType).toMatchObject({ code: 'TOKEN_WRONG_TYPE', httpStatus: 401 });
  });

  test("surfaces the service's error_code and message", async () => {
    const badSub = await rejection(fetchDevToken(auth.url, 'not a user'));
    expect(badSub).toMatchObject({ code: 'INVALID_REQUEST', httpStatus: 400 });
    expect(badSub.message).toMatch(/"sub"/);
    const badTtl = await rejection(fetchDevToken(auth.url, 'alice', { ttlS: 999_999 }));
    expect(badTtl).toMatchObject({ code: 'INVALID_REQUEST', httpStatus: 400 });
    const wrongBase = await rejection(fetchDevToken(`${auth.url}/not-the-auth-service`, 'alice'));
    expect(wrongBase).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
  });

  test('surfaces DEV_TOKENS_DISABLED', async () => {
    const locked = await startAuthService({ devTokens: false });
    try {
      const err = await rejection(fetchDevToken(locked.url, 'alice'));
      expect(err).toMatchObject({ code: 'DEV_TOKENS_DISABLED', httpStatus: 403 });
    } finally {
      await locked.close();
    }
  });

  test('throws AUTH_UNAVAILABLE when the service cannot be reached', async () => {
    const fetchErr = await rejection(fetchDevToken(closedUrl, 'alice'));
    expect(fetchErr.code).toBe('AUTH_UNAVAILABLE');
    expect(fetchErr.message).toContain(closedUrl);
    expect(fetchErr.message).toMatch(/ECONNREFUSED/);
    const refreshErr = await rejection(refreshDevToken(closedUrl, 'a.b.c'));
    expect(refreshErr.code).toBe('AUTH_UNAVAILABLE');
  });

  test('refuses an auth URL that is not http(s)', async () => {
    expect((await rejection(fetchDevToken('not a url', 'alice'))).code).toBe('AUTH_CONFIG_INVALID');
    expect((await rejection(fetchDevToken('ftp://127.0.0.1:21', 'alice'))).code).toBe('AUTH_CONFIG_INVALID');
  });
});
