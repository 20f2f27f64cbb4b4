import { AuthError, isUserId, TTL_BOUNDS_S } from '../../../src/auth';
import { parseRefreshRequest, parseTokenRequest } from '../../../src/auth/requests';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof AuthError ? err.code : 'NOT_AN_AUTH_ERROR';
  }
}

describe('isUserId (the UserId schema of asyncapi.yaml)', () => {
  test.each(['alice', 'a', 'alice.smith+test@example.com', 'user_42-b', 'x'.repeat(128)])('accepts %s', (value) => {
    expect(isUserId(value)).toBe(true);
  });

  test.each(['', 'x'.repeat(129), 'alice smith', 'alice/bob', 'ålice', 'alice\n', 42, null, undefined])(
    'refuses %p',
    (value) => {
      expect(isUserId(value)).toBe(false);
    },
  );
});

describe('parseTokenRequest', () => {
  test('keeps what was given', () => {
    expect(parseTokenRequest({ sub: 'alice' })).toEqual({ sub: 'alice' });
    expect(parseTokenRequest({ sub: 'alice', permissions: ['chat', 'x:y'], ttl_s: 60 })).toEqual({
      sub: 'alice',
      permissions: ['chat', 'x:y'],
      ttlS: 60,
    });
    expect(parseTokenRequest({ sub: 'alice', ttl_s: TTL_BOUNDS_S.min }).ttlS).toBe(1);
    expect(parseTokenRequest({ sub: 'alice', ttl_s: TTL_BOUNDS_S.max }).ttlS).toBe(86_400);
  });

  test.each([
    ['not an object', 'alice'],
    ['null', null],
    ['an array', [{ sub: 'alice' }]],
    ['no sub', { permissions: ['chat'] }],
    ['a bad sub', { sub: 'a b' }],
    ['ttl_s too small', { sub: 'alice', ttl_s: 0 }],
    ['ttl_s too large', { sub: 'alice', ttl_s: 86_401 }],
    ['ttl_s NaN-ish', { sub: 'alice', ttl_s: null }],
    ['too many permissions', { sub: 'alice', permissions: Array.from({ length: 33 }, (_, i) => `p${i}`) }],
    ['an overlong permission', { sub: 'alice', permissions: ['p'.repeat(65)] }],
    ['an unknown field', { sub: 'alice', aud: 'other' }],
  ])('refuses %s with INVALID_REQUEST', (_name, body) => {
    expect(codeOf(() => parseTokenRequest(body))).toBe('INVALID_REQUEST');
  });

  test('errors carry HTTP status 400', () => {
    try {
      parseTokenRequest({});
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toMatchObject({ code: 'INVALID_REQUEST', httpStatus: 400, message: '"sub" is required' });
    }
  });
});

describe('parseRefreshRequest', () => {
  test('keeps the token and ttl', () => {
    expect(parseRefreshRequest({ refresh_token: 'a.b.c' })).toEqual({ refreshToken: 'a.b.c' });
    expect(parseRefreshRequest({ refresh_token: 'a.b.c', ttl_s: 5 })).toEqual({ refreshToken: 'a.b.c', ttlS: 5 });
  });

  test.each([
    ['no token', {}],
    ['a non-string token', { refresh_token: ['a.b.c'] }],
    ['an empty token', { refresh_token: '' }],
    ['an overlong token', { refresh_token: 'a'.repeat(4097) }],
    ['a bad ttl', { refresh_token: 'a.b.c', ttl_s: 1e9 }],
    ['an unknown field', { refresh_token: 'a.b.c', sub: 'bob' }],
  ])('refuses %s with INVALID_REQUEST', (_name, body) => {
    expect(codeOf(() => parseRefreshRequest(body))).toBe('INVALID_REQUEST');
  });
});
