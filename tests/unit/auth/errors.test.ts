import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AuthError, authErrorCodes, authServiceErrorCodes, isAuthCode } from '../../../src/auth';
import { NetraError } from '../../../src/util/errors';

describe('AuthError', () => {
  test('is a NetraError with a stable code, exit code 2 and an optional HTTP status', () => {
    const err = new AuthError('TOKEN_EXPIRED', 'access token expired at 2026-11-24T10:00:00.000Z');
    expect(err).toBeInstanceOf(NetraError);
    expect(err).toMatchObject({ name: 'AuthError', code: 'TOKEN_EXPIRED', exitCode: 2 });
    expect(err.httpStatus).toBeUndefined();
    expect(new AuthError('INVALID_REQUEST', 'bad', { httpStatus: 400 }).httpStatus).toBe(400);
  });

  test('lists exactly the codes asyncapi.yaml names for refused tokens', () => {
    const spec = parse(readFileSync(join(__dirname, '../../../asyncapi.yaml'), 'utf8'));
    const description: string = spec.components.securitySchemes.bearerHeader.description;
    const named = [...description.matchAll(/`([A-Z][A-Z_]{3,})`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect([...authErrorCodes].sort()).toEqual([...new Set(named)].sort());
  });

  test('isAuthCode knows every code of both lists, and nothing else', () => {
    for (const code of [...authErrorCodes, ...authServiceErrorCodes]) expect(isAuthCode(code)).toBe(true);
    for (const other of ['invalid_grant', 'TOKEN_invalid', '', undefined, 42]) expect(isAuthCode(other)).toBe(false);
  });
});
