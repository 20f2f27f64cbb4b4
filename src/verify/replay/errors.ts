import { NetraError } from '../../util/errors';

/**
 * Replay or replay-server could not do its job (as opposed to finding differences, which are reported).
 * Codes: `REPLAY_OPTIONS_INVALID` (exit 2), `REPLAY_SERVER_LISTEN_FAILED` (exit 2), `REPLAY_FAILED` (exit 1: the
 * live provider or the consumer did not match the recording), `REPLAY_SERVER_TIMEOUT` (exit 1).
 *
 * @example
 * throw new ReplayError('REPLAY_OPTIONS_INVALID', '--speed must be a number >= 0, got "fast"');
 */
export class ReplayError extends NetraError {
  constructor(
    code: 'REPLAY_OPTIONS_INVALID' | 'REPLAY_SERVER_LISTEN_FAILED' | 'REPLAY_FAILED' | 'REPLAY_SERVER_TIMEOUT',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    const exitCode = code === 'REPLAY_FAILED' || code === 'REPLAY_SERVER_TIMEOUT' ? 1 : 2;
    super(code, message, { exitCode, cause: options.cause });
  }
}
