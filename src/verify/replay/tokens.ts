import type { TokenKind } from '../auth/types';
import type { ScenarioTokenKind, TokenSpec } from '../scenarios';
import { TOKEN_KINDS, type OpenRecord } from '../../sessions/types';

/** Legacy: the token kind a recorded refusal implies, for sessions recorded before open records said `token_kind`. */
const REFUSAL_TOKEN: Record<string, TokenKind | 'none'> = {
  TOKEN_MISSING: 'none',
  TOKEN_EXPIRED: 'expired',
  TOKEN_WRONG_TYPE: 'wrong_type',
  TOKEN_INVALID: 'bad_signature',
  PERMISSION_DENIED: 'missing_permission',
  AUTH_FAILED: 'bad_signature',
};

const KNOWN_KINDS: ReadonlySet<string> = new Set(TOKEN_KINDS);

/**
 * A lifetime at least as long as the recorded token's, from connection_established. A provider's `exp` is `iat` +
 * ttl with `iat` in whole seconds, and the connection came a little after the token was made, so
 * token_expires_at - server_time lies in (ttl - 2, ttl]: ceil(diff) + 1 never gives a shorter token (a token that
 * expires sooner live than in the recording would end the connection before the recorded client refreshed it).
 */
function ttlOf(established: Record<string, unknown> | undefined): number | undefined {
  if (established?.type !== 'connection_established') return undefined;
  const expires = Date.parse(String(established.token_expires_at ?? ''));
  const now = Date.parse(String(established.server_time ?? ''));
  if (!Number.isFinite(expires) || !Number.isFinite(now)) return undefined;
  // A token that had already expired when the connection was accepted (inside the provider's clock leeway): 1 s.
  return Math.min(86_400, Math.max(1, Math.ceil((expires - now) / 1000) + 1));
}

/**
 * The token a recorded connection must present live: the kind its open record says (`token_kind`), else (older
 * recordings) valid for an accepted connection and, for a refused one, a kind that provokes its refusal. A valid
 * token keeps the recorded lifetime.
 *
 * @example
 * tokenForOpen({ user: 'alice' }, established, { kind: 'open', token_kind: 'valid', ... }); // { kind: 'valid', ttlS: 900 }
 */
export function tokenForOpen(
  conn: { user: string | null },
  first: Record<string, unknown> | undefined,
  open: OpenRecord | undefined,
): TokenSpec {
  const recorded = open?.token_kind;
  let kind: ScenarioTokenKind;
  if (recorded !== undefined && KNOWN_KINDS.has(recorded)) kind = recorded as ScenarioTokenKind;
  else if (conn.user !== null) kind = 'valid';
  else kind = REFUSAL_TOKEN[String(first?.error_code)] ?? 'bad_signature';
  if (kind !== 'valid') return { kind };
  const ttlS = ttlOf(first);
  return ttlS !== undefined ? { kind, ttlS } : { kind };
}

/**
 * The token an `auth_refresh` must present live, from the server's answer in the recording: a valid token of
 * another user for AUTH_USER_MISMATCH, a deliberately bad one for an auth refusal, the recorded (redacted, so
 * malformed) text for a schema refusal.
 *
 * @example
 * refreshTokenFor('AUTH_USER_MISMATCH'); // { kind: 'valid', asOtherUser: true }
 */
export function refreshTokenFor(errorCode: string): { kind: TokenKind | 'as_recorded'; asOtherUser?: boolean } {
  if (errorCode === 'AUTH_USER_MISMATCH') return { kind: 'valid', asOtherUser: true };
  if (errorCode === 'SCHEMA_VALIDATION_FAILED') return { kind: 'as_recorded' };
  const kind = REFUSAL_TOKEN[errorCode];
  return { kind: kind === undefined || kind === 'none' ? 'bad_signature' : kind };
}
