import { algNoneCopy, isCompactJwt, malformedToken, tamperedCopy, unverifiedClaims } from '../../../../src/verify/auth';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const TOKEN = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${b64({ sub: 'alice', exp: 2000000000 })}.c2lnbmF0dXJl`;

describe('bad tokens derived from a valid one', () => {
  test('isCompactJwt needs three segments whose first two are JSON objects', () => {
    expect(isCompactJwt(TOKEN)).toBe(true);
    expect(isCompactJwt(malformedToken())).toBe(false);
    expect(isCompactJwt('opaque-token')).toBe(false);
    expect(isCompactJwt(`${b64([1])}.${b64({})}.x`)).toBe(false);
  });

  test('tamperedCopy edits the claims and keeps the signature', () => {
    const [header, payload, signature] = tamperedCopy(TOKEN).split('.');
    expect(header).toBe(TOKEN.split('.')[0]);
    expect(signature).toBe('c2lnbmF0dXJl');
    expect(payload).not.toBe(TOKEN.split('.')[1]);
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
      sub: 'alice',
      exp: 2000000000,
      tampered: true,
    });
  });

  test('algNoneCopy keeps the header fields and claims, sets alg none, drops the signature', () => {
    const copy = algNoneCopy(TOKEN);
    expect(copy.endsWith('.')).toBe(true);
    expect(JSON.parse(Buffer.from(copy.split('.')[0], 'base64url').toString())).toEqual({
      typ: 'JWT',
      kid: 'k1',
      alg: 'none',
    });
    expect(copy.split('.')[1]).toBe(TOKEN.split('.')[1]);
  });

  test('unverifiedClaims reads a JWT and nothing else', () => {
    expect(unverifiedClaims(TOKEN)).toEqual({ sub: 'alice', exp: 2000000000 });
    expect(unverifiedClaims('opaque')).toBeUndefined();
  });
});
