/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields of one log line. Never put a token here. */
export type LogFields = Record<string, unknown>;

/**
 * The provider's logger: one JSON object per line, `{ts, level, msg, ...fields}`. The provider and the stack only
 * depend on this shape, so a caller may pass any object with these four methods.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * True when `value` names a log level.
 *
 * @example
 * if (!isLogLevel(flag)) throw new Error('log level must be debug, info, warn or error');
 */
export function isLogLevel(value: string): value is LogLevel {
  return Object.prototype.hasOwnProperty.call(levelRank, value);
}

/**
 * A logger that drops everything: the default in tests and library use.
 *
 * @example
 * await startProvider({ jwksUrl, issuer, audience, logger: silentLogger });
 */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Creates a JSON-lines logger writing to `out` (stdout by default). Lines below `level` are dropped before any
 * serialisation work.
 *
 * @example
 * const logger = createJsonLogger({ level: 'info' });
 * logger.info('listening', { port: 8000 }); // {"ts":"2026-...Z","level":"info","msg":"listening","port":8000}
 */
export function createJsonLogger(opts: { level?: LogLevel; out?: { write(line: string): unknown } } = {}): Logger {
  const min = levelRank[opts.level ?? 'info'];
  const out = opts.out ?? process.stdout;
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (levelRank[level] < min) return;
    let line: string;
    try {
      line = JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields }, errorReplacer);
    } catch {
      line = JSON.stringify({ ts: new Date().toISOString(), level, msg, log_error: 'fields not serialisable' });
    }
    out.write(`${line}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

// Errors serialise to `{}` by default; keep their name, code and message (never the stack: logs are for operators).
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  return value;
}
