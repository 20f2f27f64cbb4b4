import { AuthError } from '../../auth';
import { redactText } from '../../util/redact';
import type { Connection } from '../connection';
import { sendError, type ProviderContext } from '../context';
import { ClientRefusal } from '../errors';

const INTERNAL = 'The server failed to handle this message; the connection stays open.';

/**
 * THE place every failed message handler ends up (a throw or a rejected promise): the client gets one typed
 * `error_message` (the failure's own documented code for a ClientRefusal or an AuthError, else INTERNAL_ERROR, with
 * the frame's request_id), the operator gets a log line without secrets, and nothing is left unhandled. Other users'
 * connections are untouched.
 */
export function answerFailure(
  ctx: ProviderContext,
  conn: Connection,
  type: string,
  requestId: string | undefined,
  err: unknown,
): void {
  const known = err instanceof ClientRefusal || err instanceof AuthError;
  const code = known ? err.code : 'INTERNAL_ERROR';
  const message = known ? err.message : INTERNAL;
  const errCode = (err as { code?: unknown } | undefined)?.code;
  const named = err instanceof Error ? `${err.name}${typeof errCode === 'string' ? ` ${errCode}` : ''}` : typeof err;
  const detail = err instanceof Error ? redactText(`${named}: ${err.message}`) : named;
  const fields = { conn: conn.id, user_id: conn.userId, type, error_code: code, error: detail };
  try {
    if (known) ctx.logger.warn('message refused', fields);
    else ctx.logger.error('message handler failed', fields);
    if (conn.open) sendError(ctx, conn, code, message, { requestId });
  } catch {
    // The logger or the socket failed too: nothing more can be said, and nothing may escape the router.
  }
}
