import { createJsonLogger, isLogLevel, silentLogger } from '../../../src/util/logger';

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

function capture(opts: Parameters<typeof createJsonLogger>[0] = {}): { lines: () => Record<string, unknown>[] } & {
  logger: ReturnType<typeof createJsonLogger>;
} {
  const written: string[] = [];
  const logger = createJsonLogger({ ...opts, out: { write: (line: string) => written.push(line) } });
  return { logger, lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('one JSON object per line: ts, level, component, msg, then the fields', () => {
  const { logger, lines } = capture({ component: 'provider' });
  logger.info('listening', { port: 8000 });
  const [line] = lines();
  expect(Object.keys(line)).toEqual(['ts', 'level', 'component', 'msg', 'port']);
  expect(line).toMatchObject({ level: 'info', component: 'provider', msg: 'listening', port: 8000 });
  expect(Number.isNaN(Date.parse(String(line.ts)))).toBe(false);
});

test('lines below the level are dropped', () => {
  const { logger, lines } = capture({ level: 'warn' });
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  expect(lines().map((l) => l.msg)).toEqual(['w', 'e']);
});

test('anything shaped like a JWT is redacted in the message and in fields however deep, and so are given secrets', () => {
  const { logger, lines } = capture({ secrets: ['opaque-client-secret'] });
  logger.warn(`refused ${TOKEN}`, { nested: { list: [{ token: TOKEN }], note: 'with opaque-client-secret inside' } });
  const text = JSON.stringify(lines());
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain('opaque-client-secret');
  expect(text).toContain('<redacted>');
});

test('an Error field keeps name, message and code; an unserialisable field never breaks the caller', () => {
  const { logger, lines } = capture();
  const err = Object.assign(new Error('boom'), { code: 'E_BOOM' });
  logger.error('failed', { error: err });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  expect(() => logger.error('cyclic', { cyclic })).not.toThrow();
  const [first, second] = lines();
  expect(first.error).toEqual({ name: 'Error', message: 'boom', code: 'E_BOOM' });
  expect(second.msg).toBe('cyclic');
});

test('a broken output stream never throws into the caller; the silent logger writes nothing', () => {
  const logger = createJsonLogger({
    out: {
      write: () => {
        throw new Error('EPIPE');
      },
    },
  });
  expect(() => logger.info('x')).not.toThrow();
  expect(() => silentLogger.error('x', { a: 1 })).not.toThrow();
  expect(isLogLevel('warn')).toBe(true);
  expect(isLogLevel('verbose')).toBe(false);
});
