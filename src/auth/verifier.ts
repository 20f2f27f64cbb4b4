import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwksCache,
  type JWKSCacheInput,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { CHAT_PERMISSION, CLOCK_TOLERANCE_S, type AccessClaims } from './claims';
import { AuthError } from './errors';
import { verifyToken } from './verify-token';

/**
 * Options of {@link createAccessVerifier}. Only the first three are required.
 *
 * @example
 * const opts: AccessVerifierOptions = { jwksUrl: auth.jwksUrl, issuer: 'netra-auth', audience: 'netra-agent-ws' };
 */
export interface AccessVerifierOptions {
  /** The auth service's JWKS, e.g. `http://127.0.0.1:8001/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Required `iss`, e.g. `netra-auth`. */
  issuer: string;
  /** Required `aud`, e.g. `netra-agent-ws`. */
  audience: string;
  /** Clock skew tolerated on `exp` and `nbf`, in seconds. Default 5. */
  clockToleranceS?: number;
  /**
   * Minimum time between two JWKS fetches caused by unknown `kid`s, and how long the verifier relies on its cached
   * keys alone after a failed fetch. Default 5000 ms.
   */
  cooldownMs?: number;
  /** Age after which the cached JWKS is refetched before use (still used if that fails). Default 300000 ms. */
  cacheMaxAgeMs?: number;
  /** Timeout of one JWKS fetch. Default 3000 ms. */
  timeoutMs?: number;
  /** Permission the token must grant. Default `chat`. */
  requiredPermission?: string;
}

/**
 * Verifies an access token; resolves its claims or rejects with an AuthError.
 *
 * @example
 * const verify: AccessVerifier = createAccessVerifier(opts);
 * const { sub } = await verify(token);
 */
export type AccessVerifier = (token: string | undefined) => Promise<AccessClaims>;

function describe(err: unknown): string {
  const error = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  if (typeof error.code === 'string' && !error.code.startsWith('ERR_JOSE')) return error.code;
  return typeof error.message === 'string' ? error.message : String(err);
}

/**
 * Creates the access-token verifier the WebSocket provider calls on every handshake and `auth_refresh`.
 *
 * Keys come from the auth service's JWKS through jose's `createRemoteJWKSet` (a real HTTP fetch, cached): a token
 * whose `kid` is not cached triggers a refetch (at most once per `cooldownMs`); a stale cache is refetched before use.
 * When the auth service cannot be reached, keys fetched earlier keep verifying indefinitely (so open sockets and
 * reconnects survive an auth outage) and the verifier retries the service at most once per `cooldownMs`.
 *
 * It requires: a compact JWS with `alg: EdDSA` (so `alg: none` and HS256-with-the-public-key are refused) and a `kid`;
 * a valid signature; `iss` and `aud` as configured; `sub` a valid user id; `exp` and `iat`; `nbf` when present;
 * `token_type: "access"`; `permissions` containing `chat`. `exp` and `nbf` get `clockToleranceS` (default 5 s) of
 * slack, to absorb clock drift between the auth service and the provider.
 *
 * Failures reject with AuthError: TOKEN_MISSING (no token), TOKEN_EXPIRED, TOKEN_INVALID (signature, tampering,
 * malformed, wrong alg, unknown kid, iss/aud mismatch, nbf in the future), TOKEN_WRONG_TYPE (e.g. a refresh token),
 * PERMISSION_DENIED, AUTH_UNAVAILABLE (JWKS unreachable and no cached key matches), AUTH_FAILED (unexpected).
 * Messages never contain the token. Invalid options throw AuthError `AUTH_CONFIG_INVALID` right away.
 *
 * @example
 * const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: 'netra-auth', audience: 'netra-agent-ws' });
 * const { token, subprotocol } = tokenFromUpgrade(req);
 * try {
 *   const claims = await verify(token); // claims.sub is the user id
 * } catch (err) {
 *   if (err instanceof AuthError) refuse(err.code, err.message); // then close 1008
 * }
 */
export function createAccessVerifier(opts: AccessVerifierOptions): AccessVerifier {
  let url: URL;
  try {
    url = new URL(opts.jwksUrl);
  } catch {
    throw new AuthError('AUTH_CONFIG_INVALID', `jwksUrl is not a URL: ${JSON.stringify(String(opts.jwksUrl))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AuthError('AUTH_CONFIG_INVALID', `jwksUrl must be http(s), got ${url.protocol}`);
  }
  const cooldownMs = opts.cooldownMs ?? 5_000;
  const expectations = {
    issuer: opts.issuer,
    audience: opts.audience,
    clockToleranceS: opts.clockToleranceS ?? CLOCK_TOLERANCE_S,
    tokenType: 'access' as const,
    requiredPermission: opts.requiredPermission ?? CHAT_PERMISSION,
  };

  // jose writes every successfully fetched JWKS here; it is the fallback while the auth service is unreachable.
  const cache: JWKSCacheInput = {};
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: opts.timeoutMs ?? 3_000,
    cooldownDuration: cooldownMs,
    cacheMaxAge: opts.cacheMaxAgeMs ?? 300_000,
    [jwksCache]: cache,
  });
  let fallback: { uat: number; getKey: ReturnType<typeof createLocalJWKSet> } | undefined;
  let retryFetchAfter = 0;
  let lastFailure = '';

  async function fromCache(...args: Parameters<JWTVerifyGetKey>): Promise<KeyLike | undefined> {
    if (!('uat' in cache)) return undefined;
    if (fallback?.uat !== cache.uat) fallback = { uat: cache.uat, getKey: createLocalJWKSet(cache.jwks) };
    try {
      return await fallback.getKey(...args);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) return undefined;
      throw err;
    }
  }

  function unavailable(kid: string, cause?: unknown): AuthError {
    return new AuthError(
      'AUTH_UNAVAILABLE',
      `cannot fetch the signing keys from ${url.href} (${lastFailure}) ` +
        `and no cached key matches kid ${JSON.stringify(kid.slice(0, 64))}`,
      { cause },
    );
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const kid = header.kid;
    if (typeof kid !== 'string' || kid === '') throw new AuthError('TOKEN_INVALID', 'access token header has no "kid"');
    if (Date.now() < retryFetchAfter) {
      const key = await fromCache(header, token);
      if (key) return key;
      throw unavailable(kid);
    }
    try {
      return await remote(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      // Anything else means the JWKS could not be fetched or used: fall back to what was fetched before.
      retryFetchAfter = Date.now() + cooldownMs;
      lastFailure = describe(err);
      const key = await fromCache(header, token);
      if (key) return key;
      throw unavailable(kid, err);
    }
  };

  return async (token) => (await verifyToken(token, getKey, expectations)) as AccessClaims;
}
