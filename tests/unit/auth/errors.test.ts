import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AuthError, authErrorCodes, createJsonLinesLogger, silentLogger } from '../../../src/auth';
import { NetraError } from '../../../src/util/errors';

function capture() {
  const lines: string[] = [];
  return { lines, out: { write: (line: string) => lines.push(line) } };
}

describe('createJsonLinesLogger', () => {
  test('writes one JSON object per line with time, level and component', () => {
    const { lines, out } = capture();
    const logger = createJsonLinesLogger(out);
    logger.info({ event: 'listening', url: 'http://127.0.0.1:8001' });
    logger.warn({ event: 'http_request', status: 400 });
    logger.error({ event: 'internal_error' });
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.endsWith('\n')).toBe(true);
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.map((e) => e.level)).toEqual(['info', 'warn', 'error']);
    expect(entries[0]).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      component: 'auth',
      event: 'listening',
      url: 'http://127.0.0.1:8001',
    });
  });

  test('redacts anything shaped like a JWT, however deep', () => {
    const { lines, out } = capture();
    const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    createJsonLinesLogger(out, 'provider').info({
      event: 'oops',
      header: `Bearer ${token}`,
      nested: { list: [token, 'fine'] },
    });
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).not.toContain('eyJzdWIiOiJhbGljZSJ9');
    expect(JSON.parse(lines[0])).toMatchObject({
      component: 'provider',
      header: 'Bearer <redacted>',
      nested: { list: ['<redacted>', 'fine'] },
    });
  });

  test('the silent logger accepts entries and writes nothing', () => {
    expect(() => silentLogger.info({ event: 'x' })).not.toThrow();
  });
});

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
});
