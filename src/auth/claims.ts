import { AuthError } from './errors';

/**
 * `iss` of every token the auth service signs, unless started with another `issuer`.
 *
 * @example
 * createAccessVerifier({ jwksUrl, issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE });
 */
export const DEFAULT_ISSUER = 'netra-auth';
/**
 * `aud` of every token the auth service signs, unless started with another `audience`.
 *
 * @example
 * createAccessVerifier({ jwksUrl, issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE });
 */
export const DEFAULT_AUDIENCE = 'netra-agent-ws';
/**
 * Seconds of clock skew tolerated on `exp` and `nbf` by the verifier and by `/auth/refresh`. Small on purpose: it
 * only absorbs drift between the auth service's and the provider's clocks.
 *
 * @example
 * const expired = claims.exp + CLOCK_TOLERANCE_S < Date.now() / 1000;
 */
export const CLOCK_TOLERANCE_S = 5;
/**
 * Largest time (seconds since the epoch, either sign) a JavaScript Date can hold: 8.64e15 ms. A token time beyond it is
 * refused TOKEN_INVALID before anything turns it into a Date.
 *
 * @example
 * Math.abs(claims.exp) <= MAX_TIME_S; // true for every verified token
 */
export const MAX_TIME_S = 8.64e12;

/**
 * When a connection authenticated by a token whose `exp` is `exp` stops being authenticated (ms since the epoch):
 * `exp` plus the same clock tolerance the verifier granted at the handshake, so a token accepted a little past `exp`
 * is not closed the moment it was accepted. The provider's expiry sweep uses this.
 *
 * @example
 * const claims = await verify(token);
 * conn.authenticatedUntil = authenticatedUntilMs(claims.exp, verify.clockToleranceS);
 */
export function authenticatedUntilMs(exp: number, clockToleranceS: number = CLOCK_TOLERANCE_S): number {
  return (exp + clockToleranceS) * 1000;
}

/**
 * Bounds of `ttl_s` (access-token lifetime in seconds) accepted by `POST /auth/token` and `issueTokens`.
 *
 * @example
 * await fetchDevToken(authUrl, 'alice', { ttlS: TTL_BOUNDS_S.max });
 */
export const TTL_BOUNDS_S = { min: 1, max: 86_400 } as const;
/**
 * Default longest lifetime (`exp - iat`, seconds) a verifier accepts: the auth service's longest access-token TTL plus
 * the clock tolerance. A token valid for longer (ten years, say) is refused TOKEN_INVALID, whoever signed it.
 *
 * @example
 * createAccessVerifier({ jwksUrl, issuer, audience, maxTokenLifetimeS: DEFAULT_MAX_TOKEN_LIFETIME_S });
 */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = TTL_BOUNDS_S.max + CLOCK_TOLERANCE_S;
/**
 * The permission the WebSocket requires.
 *
 * @example
 * await auth.issueTokens('alice', { permissions: [CHAT_PERMISSION] });
 */
export const CHAT_PERMISSION = 'chat';

/** The `UserId` schema of asyncapi.yaml: a token's `sub` must satisfy it to be usable as `user_id`. */
const USER_ID_PATTERN = /^[A-Za-z0-9._@+-]+$/;
const USER_ID_MAX_LENGTH = 128;
const PERMISSION_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_PERMISSIONS = 32;

/**
 * The kind of a token, in its `token_type` claim. Only `access` tokens open a WebSocket.
 *
 * @example
 * const kind: TokenType = 'refresh'; // refused by the verifier with TOKEN_WRONG_TYPE
 */
export type TokenType = 'access' | 'refresh';

/**
 * What `POST /auth/token`, `POST /auth/refresh` and `issueTokens` return. `expires_in` is the access token's ttl.
 *
 * @example
 * const pair: TokenPair = await fetchDevToken(authUrl, 'alice'); // { access_token, refresh_token, expires_in: 900 }
 */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/**
 * The verified claims of an access token, as returned by the verifier.
 *
 * @example
 * const claims: AccessClaims = await verify(token); // claims.sub === 'alice', claims.permissions includes 'chat'
 */
export interface AccessClaims {
  sub: string;
  exp: number;
  iat: number;
  nbf?: number;
  iss: string;
  aud: string | string[];
  jti?: string;
  token_type: 'access';
  permissions: string[];
}

/**
 * True when `value` is a valid `UserId` (1..128 chars of `[A-Za-z0-9._@+-]`), the shape every `sub` must have.
 *
 * @example
 * isUserId('alice@example.com'); // true
 * isUserId('alice smith'); // false
 */
export function isUserId(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length >= 1 && value.length <= USER_ID_MAX_LENGTH && USER_ID_PATTERN.test(value)
  );
}

function invalid(message: string): AuthError {
  return new AuthError('INVALID_REQUEST', message, { httpStatus: 400 });
}

/** Throws AuthError `INVALID_REQUEST` unless `sub` is a valid user id. */
export function checkSubject(sub: unknown, field = 'sub'): string {
  if (typeof sub !== 'string') throw invalid(`"${field}" must be a string (a user id)`);
  if (!isUserId(sub)) {
    throw invalid(`"${field}" must be 1..${USER_ID_MAX_LENGTH} characters of A-Z a-z 0-9 . _ @ + -`);
  }
  return sub;
}

/** Throws AuthError `INVALID_REQUEST` unless `permissions` is an array of distinct permission names. */
export function checkPermissions(permissions: unknown, field = 'permissions'): string[] {
  if (!Array.isArray(permissions)) throw invalid(`"${field}" must be an array of strings`);
  if (permissions.length > MAX_PERMISSIONS) throw invalid(`"${field}" has more than ${MAX_PERMISSIONS} entries`);
  const seen = new Set<string>();
  permissions.forEach((permission: unknown, index) => {
    if (typeof permission !== 'string' || !PERMISSION_PATTERN.test(permission)) {
      throw invalid(`"${field}[${index}]" must be 1..64 characters of A-Z a-z 0-9 _ . : -`);
    }
    if (seen.has(permission)) throw invalid(`"${field}" lists "${permission}" twice`);
    seen.add(permission);
  });
  return [...seen];
}

/** Throws AuthError `INVALID_REQUEST` unless `ttl` is an integer number of seconds within {@link TTL_BOUNDS_S}. */
export function checkTtl(ttl: unknown, field = 'ttl_s'): number {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < TTL_BOUNDS_S.min || ttl > TTL_BOUNDS_S.max) {
    throw invalid(`"${field}" must be an integer from ${TTL_BOUNDS_S.min} to ${TTL_BOUNDS_S.max} (seconds)`);
  }
  return ttl;
}
