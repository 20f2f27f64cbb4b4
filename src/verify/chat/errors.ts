import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link ChatError}. */
export type ChatErrorCode =
  'CHAT_CONNECT_FAILED' | 'CHAT_AUTH_REFUSED' | 'CHAT_CLOSED' | 'CHAT_TIMEOUT' | 'CHAT_CLIENT_MISSING';

/**
 * The chat could not get an answer: no token or no connection (`CHAT_CONNECT_FAILED`), the token was refused
 * (`CHAT_AUTH_REFUSED`), the connection closed for good before the answer (`CHAT_CLOSED`), no answer in time
 * (`CHAT_TIMEOUT`), `generated/client.ts` missing (`CHAT_CLIENT_MISSING`). Exit 2.
 *
 * @example
 * throw new ChatError('CHAT_TIMEOUT', 'no answer within 60 s');
 */
export class ChatError extends NetraError<ChatErrorCode> {
  constructor(code: ChatErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? 2, cause: options.cause });
  }
}
