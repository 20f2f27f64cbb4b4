// Attacks on token lifetime: a token issued ten years in the future, or valid for ten years, was accepted; a payload
// that is not valid UTF-8, or starts with a byte order mark, was accepted (jose decodes leniently). Each is refused
// with TOKEN_INVALID by the verifier the provider runs. The clock tolerance is one number, exported, and the same
// wherever expiry is computed.
import {
  authenticatedUntilMs,
  CLOCK_TOLERANCE_S,
  createAccessVerifier,
  DEFAULT_MAX_TOKEN_LIFETIME_S,
  startAuthService,
  TTL_BOUNDS_S,
  type AccessVerifier,
  type AuthService,
} from '../../src/auth';
import { nowS, verdict } from '../support/auth';
import { accessClaims } from './auth-support';

const TEN_YEARS_S = 10 * 365 * 86_400;

let auth: AuthService;
let verify: AccessVerifier;
beforeAll(async () => {
  auth = await startAuthService();
  verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
});
afterAll(() => auth.close());

test('iat ten years in the future is refused; iat within the clock tolerance is not', async () => {
  const now = nowS();
  const future = await auth.signForTesting(
    accessClaims(auth, 'mallory', { iat: now + TEN_YEARS_S, exp: now + TEN_YEARS_S + 60 }),
  );
  expect(await verdict(verify, future)).toBe('TOKEN_INVALID');
  const slightlyAhead = await auth.signForTesting(accessClaims(auth, 'mallory', { iat: now + 10, exp: now + 300 }));
  expect(await verdict(verify, slightlyAhead)).toBe('TOKEN_INVALID');
  const skewed = await auth.signForTesting(accessClaims(auth, 'alice', { iat: now + CLOCK_TOLERANCE_S - 2 }));
  expect(await verdict(verify, skewed)).toBe('ok');
});

test('a token valid for ten years is refused; the default maximum is the longest TTL plus the tolerance', async () => {
  expect(DEFAULT_MAX_TOKEN_LIFETIME_S).toBe(TTL_BOUNDS_S.max + CLOCK_TOLERANCE_S);
  const now = nowS();
  const decade = await auth.signForTesting(accessClaims(auth, 'mallory', { iat: now, exp: now + TEN_YEARS_S }));
  expect(await verdict(verify, decade)).toBe('TOKEN_INVALID');
  const longest = await auth.signForTesting(
    accessClaims(auth, 'alice', { iat: now, exp: now + DEFAULT_MAX_TOKEN_LIFETIME_S }),
  );
  expect(await verdict(verify, longest)).toBe('ok');
  const longer = await auth.signForTesting(
    accessClaims(auth, 'mallory', { iat: now, exp: now + DEFAULT_MAX_TOKEN_LIFETIME_S + 1 }),
  );
  expect(await verdict(verify, longer)).toBe('TOKEN_INVALID');
  // A back-dated iat does not buy a longer lifetime either: exp - iat is what counts.
  const backdated = await auth.signForTesting(accessClaims(auth, 'mallory', { iat: now - TEN_YEARS_S, exp: now + 60 }));
  expect(await verdict(verify, backdated)).toBe('TOKEN_INVALID');
});

test('the maximum lifetime is configurable', async () => {
  const strict = createAccessVerifier({
    jwksUrl: auth.jwksUrl,
    issuer: auth.issuer,
    audience: auth.audience,
    maxTokenLifetimeS: 600,
  });
  const now = nowS();
  expect(await verdict(strict, await auth.signForTesting(accessClaims(auth, 'alice', { exp: now + 600 })))).toBe('ok');
  expect(await verdict(strict, await auth.signForTesting(accessClaims(auth, 'alice', { exp: now + 601 })))).toBe(
    'TOKEN_INVALID',
  );
});

test('one clock tolerance: the verifier states it, and the end of authentication includes it', async () => {
  expect(verify.clockToleranceS).toBe(CLOCK_TOLERANCE_S);
  const custom = createAccessVerifier({
    jwksUrl: auth.jwksUrl,
    issuer: auth.issuer,
    audience: auth.audience,
    clockToleranceS: 2,
  });
  expect(custom.clockToleranceS).toBe(2);
  const now = nowS();
  // 2.5 s past exp: accepted at the handshake (tolerance 5 s) ...
  const token = await auth.signForTesting(accessClaims(auth, 'alice', { iat: now - 60, exp: now - 2 }));
  const claims = await verify(token);
  // ... so the connection's authentication ends at exp + tolerance, not at exp (which has passed).
  expect(authenticatedUntilMs(claims.exp, verify.clockToleranceS)).toBe((now - 2 + CLOCK_TOLERANCE_S) * 1000);
  expect(authenticatedUntilMs(claims.exp, verify.clockToleranceS)).toBeGreaterThan(Date.now());
});

test('a payload that is not valid UTF-8, or starts with a BOM, is refused TOKEN_INVALID', async () => {
  const json = JSON.stringify(accessClaims(auth, 'alice'));
  const invalidUtf8 = Buffer.concat([
    Buffer.from(json.slice(0, -1)),
    Buffer.from(',"x":"'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('"}'),
  ]);
  const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]);
  const overlong = Buffer.concat([
    Buffer.from(json.slice(0, -1)),
    Buffer.from(',"x":"'),
    Buffer.from([0xc0, 0xaf]),
    Buffer.from('"}'),
  ]);
  for (const payload of [invalidUtf8, withBom, overlong]) {
    const token = await auth.signForTesting(new Uint8Array(payload));
    expect(await verdict(verify, token)).toBe('TOKEN_INVALID');
  }
  // The same claims as clean UTF-8 verify: the refusal is for the bytes, not the claims.
  expect(await verdict(verify, await auth.signForTesting(new Uint8Array(Buffer.from(json))))).toBe('ok');
});
