import { AuthError, type AccessClaims } from '../../auth';
import { CloseCode, type Connection } from '../connection';
import { sendError, type ProviderContext } from '../context';
import { encodeError } from '../outgoing';

/**
 * `auth_refresh`: a valid token of the same user extends the connection's expiry; another user's closes it 1008
 * (AUTH_USER_MISMATCH); an invalid one is answered and the connection keeps its current expiry.
 */
export async function handleAuthRefresh(
  ctx: ProviderContext,
  conn: Connection,
  msg: Record<string, unknown>,
): Promise<void> {
  const requestId = msg.request_id as string | undefined;
  let claims: AccessClaims;
  try {
    claims = await ctx.verify(msg.token as string);
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    if (conn.open)
      sendError(ctx, conn, err.code, `${err.message}; the connection keeps its current expiry.`, { requestId });
    return;
  }
  if (!conn.open) return;
  if (claims.sub !== conn.userId) {
    ctx.logger.warn('auth_refresh for another user; connection closed', { conn: conn.id, user_id: conn.userId });
    const frame = encodeError(
      'AUTH_USER_MISMATCH',
      'The new token belongs to another user; this connection is closed.',
      { requestId },
      ctx.logger,
    );
    conn.closeWith(CloseCode.policy, 'AUTH_USER_MISMATCH', frame);
    return;
  }
  conn.tokenExpiresAt = Math.max(conn.tokenExpiresAt, claims.exp * 1000);
  ctx.logger.debug('connection refreshed', {
    conn: conn.id,
    token_expires_at: new Date(conn.tokenExpiresAt).toISOString(),
  });
}
