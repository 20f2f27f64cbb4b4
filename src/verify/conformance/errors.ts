import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link ConformanceError}. */
export type ConformanceErrorCode = 'CONFORMANCE_OPTIONS_INVALID' | 'CONFORMANCE_TARGET_UNREACHABLE';

/**
 * Conformance could not run: bad options (an unknown tier, no scenario selected), or a target that cannot be
 * reached or refuses a valid token (`CONFORMANCE_TARGET_UNREACHABLE`). Exit 2; a provider that fails scenarios is a
 * report, not an error.
 *
 * @example
 * throw new ConformanceError('CONFORMANCE_TARGET_UNREACHABLE', 'ws://127.0.0.1:9/ws: ECONNREFUSED');
 */
export class ConformanceError extends NetraError<ConformanceErrorCode> {
  constructor(code: ConformanceErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? 2, cause: options.cause });
  }
}
