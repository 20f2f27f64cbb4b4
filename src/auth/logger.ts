/**
 * A structured logger: one object per event. Compatible with pino-style `{ info, warn, error }` objects.
 *
 * @example
 * const logger: AuthLogger = { info: (e) => lines.push(e), warn: (e) => lines.push(e), error: (e) => lines.push(e) };
 */
export interface AuthLogger {
  info(entry: Record<string, unknown>): void;
  warn(entry: Record<string, unknown>): void;
  error(entry: Record<string, unknown>): void;
}

/**
 * Logs nothing: the default, so tests stay quiet.
 *
 * @example
 * await startAuthService({ logger: silentLogger });
 */
export const silentLogger: AuthLogger = { info() {}, warn() {}, error() {} };

// Anything shaped like a compact JWS; a belt-and-braces guard, since the service never passes tokens to the logger.
const JWS_LIKE = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

function redact(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.replace(JWS_LIKE, '<redacted>');
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redact(item, depth + 1);
  return out;
}

/**
 * A JSON-lines logger: each entry becomes one line `{"time":...,"level":...,"component":...,...entry}` on `out`.
 * Strings that look like JWTs are replaced by `<redacted>`, so a token can never reach a log file by accident.
 *
 * @example
 * const auth = await startAuthService({ logger: createJsonLinesLogger(process.stdout) });
 * // {"time":"2026-11-24T10:15:30.500Z","level":"info","component":"auth","event":"http_request",...}
 */
export function createJsonLinesLogger(
  out: { write(line: string): unknown } = process.stdout,
  component = 'auth',
): AuthLogger {
  const write = (level: string, entry: Record<string, unknown>): void => {
    const line = { time: new Date().toISOString(), level, component, ...(redact(entry, 0) as Record<string, unknown>) };
    out.write(`${JSON.stringify(line)}\n`);
  };
  return {
    info: (entry) => write('info', entry),
    warn: (entry) => write('warn', entry),
    error: (entry) => write('error', entry),
  };
}

/** Wraps a logger so that a throwing logger can never break a request. */
export function safeLogger(logger: AuthLogger | undefined): AuthLogger {
  if (!logger) return silentLogger;
  const guard =
    (method: 'info' | 'warn' | 'error') =>
    (entry: Record<string, unknown>): void => {
      try {
        logger[method](entry);
      } catch {
        // Logging is best effort.
      }
    };
  return { info: guard('info'), warn: guard('warn'), error: guard('error') };
}
