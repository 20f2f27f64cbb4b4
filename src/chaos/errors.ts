import { NetraError } from '../util/errors';

/** Stable codes of {@link ChaosError}. */
export type ChaosErrorCode =
  | 'BAD_TOXIC' // a toxic (object or CLI spec) is malformed or out of range
  | 'BAD_ADDRESS' // a host:port string or port number is malformed
  | 'BAD_OPTION' // another option is out of range (e.g. --duration)
  | 'NOT_LOOPBACK' // a listen or upstream host outside 127.0.0.0/8, ::1, localhost
  | 'LISTEN_FAILED' // the proxy could not bind its listen address
  | 'PROXY_CLOSED'; // an operation on a proxy that was closed

/**
 * Error of the chaos capability. Every code is bad input or usage (exit code 2).
 *
 * @example
 * try {
 *   parseToxic('latency:ms=-1');
 * } catch (err) {
 *   if (err instanceof ChaosError && err.code === 'BAD_TOXIC') console.error(err.message);
 * }
 */
export class ChaosError extends NetraError {
  declare readonly code: ChaosErrorCode;

  constructor(code: ChaosErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { exitCode: 2, cause: options.cause });
  }
}
