import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link ReplayError}. */
export type ReplayErrorCode =
  'REPLAY_OPTIONS_INVALID' | 'REPLAY_SERVER_LISTEN_FAILED' | 'REPLAY_FAILED' | 'REPLAY_SERVER_TIMEOUT';

const CHECK_FAILED: ReadonlySet<ReplayErrorCode> = new Set(['REPLAY_FAILED', 'REPLAY_SERVER_TIMEOUT']);

/**
 * Replay or replay-server could not do its job (as opposed to finding differences, which are reported).
 * Codes: `REPLAY_OPTIONS_INVALID` (exit 2), `REPLAY_SERVER_LISTEN_FAILED` (exit 2), `REPLAY_FAILED` (exit 1: the
 * live provider or the consumer did not match the recording), `REPLAY_SERVER_TIMEOUT` (exit 1).
 *
 * @example
 * throw new ReplayError('REPLAY_OPTIONS_INVALID', '--speed must be a number >= 0, got "fast"');
 */
export class ReplayError extends NetraError<ReplayErrorCode> {
  constructor(code: ReplayErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? (CHECK_FAILED.has(code) ? 1 : 2), cause: options.cause });
  }
}
