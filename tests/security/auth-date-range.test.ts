// Attack: a validly signed token whose exp, iat or nbf lies beyond the JavaScript Date range (8.64e15 ms). Once, such a
// token killed the provider: a RangeError from Date#toISOString in the handshake's promise chain. The verifier must
// refuse it with TOKEN_INVALID, and nothing in verification may throw a RangeError.
import { createAccessVerifier, startAuthService, type AccessVerifier, type AuthService } from '../../src/auth';
import { nowS, verdict } from '../support/auth';
import { accessClaims } from './auth-support';

const BEYOND_DATE_RANGE = [8.64e12 + 1, Number.MAX_SAFE_INTEGER, 1e300];

let auth: AuthService;
let verify: AccessVerifier;
beforeAll(async () => {
  auth = await startAuthService();
  verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
});
afterAll(() => auth.close());

test('exp beyond the Date range: TOKEN_INVALID, no RangeError', async () => {
  for (const exp of BEYOND_DATE_RANGE) {
    const token = await auth.signForTesting(accessClaims(auth, 'mallory', { exp }));
    expect([exp, await verdict(verify, token)]).toEqual([exp, 'TOKEN_INVALID']);
  }
});

test('iat and nbf beyond the Date range, either side: TOKEN_INVALID, no RangeError', async () => {
  for (const value of [...BEYOND_DATE_RANGE, -8.64e12 - 1, -1e300]) {
    for (const claim of ['iat', 'nbf']) {
      const token = await auth.signForTesting(accessClaims(auth, 'mallory', { [claim]: value }));
      expect([claim, value, await verdict(verify, token)]).toEqual([claim, value, 'TOKEN_INVALID']);
    }
  }
});

test('an expired token whose iat is out of range is still refused with a code, and its message holds a time', async () => {
  const token = await auth.signForTesting(accessClaims(auth, 'mallory', { iat: -1e300, exp: nowS() - 600 }));
  expect(await verdict(verify, token)).toMatch(/^TOKEN_(INVALID|EXPIRED)$/);
});

test('the refresh endpoint refuses such a refresh token with 401 TOKEN_INVALID, never a 500', async () => {
  for (const exp of BEYOND_DATE_RANGE) {
    const refresh = await auth.signForTesting({
      ...accessClaims(auth, 'mallory', { exp }),
      token_type: 'refresh',
      jti: `j-${exp}`,
    });
    const response = await fetch(`${auth.url}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refresh }),
    });
    expect([exp, response.status, ((await response.json()) as { error_code: string }).error_code]).toEqual([
      exp,
      401,
      'TOKEN_INVALID',
    ]);
  }
});
