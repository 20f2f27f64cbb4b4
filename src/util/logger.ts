import { redactText, redactValue } from './redact';

/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured fields of one log line. */
export type LogFields = Record<string, unknown>;

/**
 * The one logger interface of the project. Every line is one JSON object `{ts, level, component, msg, ...fields}`.
 * Callers may pass any object with these four methods (pino-compatible in spirit).
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * True when `value` names a log level.
 *
 * @example
 * if (!isLogLevel(flag)) throw new Error('log level must be debug, info, warn or error');
 */
export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(LEVEL_RANK, value);
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

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where lines go (stdout by default). */
  out?: { write(line: string): unknown };
  /** `component` of every line, e.g. `provider` or `auth`. */
  component?: string;
  /** Exact secrets to scrub besides anything shaped like a JWT. */
  secrets?: readonly string[];
}

/**
 * A JSON-lines logger. Lines below `level` are dropped before any serialisation work; strings that look like JWTs
 * (and the given secrets) are replaced by `<redacted>`; a field that cannot be serialised never breaks the caller.
 *
 * @example
 * const logger = createJsonLogger({ level: 'info', component: 'provider' });
 * logger.info('listening', { port: 8000 }); // {"ts":"2026-...Z","level":"info","component":"provider","msg":"listening","port":8000}
 */
export function createJsonLogger(opts: JsonLoggerOptions = {}): Logger {
  const min = LEVEL_RANK[opts.level ?? 'info'];
  const out = opts.out ?? process.stdout;
  const secrets = opts.secrets ?? [];
  const head = opts.component === undefined ? {} : { component: opts.component };
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVEL_RANK[level] < min) return;
    const ts = new Date().toISOString();
    let line: string;
    try {
      const safeFields = fields === undefined ? {} : (redactValue(toPlain(fields), secrets) as LogFields);
      line = JSON.stringify({ ts, level, ...head, msg: redactText(msg, secrets), ...safeFields });
    } catch {
      line = JSON.stringify({
        ts,
        level,
        ...head,
        msg: redactText(msg, secrets),
        log_error: 'fields not serialisable',
      });
    }
    try {
      out.write(`${line}\n`);
    } catch {
      // Logging is best effort: a broken stream never breaks a request.
    }
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

// Errors serialise to `{}` by default; keep their name, code and message (never the stack: logs are for operators).
function toPlain(fields: LogFields): LogFields {
  let copy: LogFields | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      (copy ??= { ...fields })[key] = {
        name: value.name,
        message: value.message,
        ...(code === undefined ? {} : { code }),
      };
    }
  }
  return copy ?? fields;
}
