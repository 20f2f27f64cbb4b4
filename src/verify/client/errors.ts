import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link LiveClientError}. */
export type LiveClientErrorCode = 'LIVE_CONNECT_FAILED' | 'LIVE_WAIT_TIMEOUT' | 'LIVE_CONN_CLOSED';

/**
 * The live session client could not do what it was asked: a WebSocket handshake failed (`LIVE_CONNECT_FAILED`), a
 * wait ran out (`LIVE_WAIT_TIMEOUT`), a frame was to be sent on a closed connection (`LIVE_CONN_CLOSED`). Exit 1 by
 * default: the provider did not do something. Callers (record, replay, conformance) wrap it in their own error.
 *
 * @example
 * throw new LiveClientError('LIVE_WAIT_TIMEOUT', 'alice-1 waiting for agent_started: not within 15000 ms');
 */
export class LiveClientError extends NetraError<LiveClientErrorCode> {
  constructor(code: LiveClientErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? 1, cause: options.cause });
  }
}
