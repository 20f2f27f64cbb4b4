import { silentLogger, type Logger } from '../util/logger';
import { CHAT_PERMISSION, CLOCK_TOLERANCE_S, DEFAULT_MAX_TOKEN_LIFETIME_S, type AccessClaims } from './claims';
import { AuthError } from './errors';
import { DEFAULT_JWKS_POLICY, JwksCache, type JwksPolicy } from './jwks-cache';
import { verifyToken } from './verify-token';

/**
 * Options of {@link createAccessVerifier}. Only the first three are required; the JWKS options default to
 * {@link DEFAULT_JWKS_POLICY}.
 *
 * @example
 * const opts: AccessVerifierOptions = { jwksUrl: auth.jwksUrl, issuer: 'netra-auth', audience: 'netra-agent-ws' };
 */
export interface AccessVerifierOptions extends Partial<JwksPolicy> {
  /** The auth service's JWKS, e.g. `http://127.0.0.1:8001/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Required `iss`, e.g. `netra-auth`. */
  issuer: string;
  /** Required `aud`, e.g. `netra-agent-ws`. */
  audience: string;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. Default 5 ({@link CLOCK_TOLERANCE_S}). */
  clockToleranceS?: number;
  /** Longest `exp - iat` accepted, in seconds. Default {@link DEFAULT_MAX_TOKEN_LIFETIME_S}. */
  maxTokenLifetimeS?: number;
  /** Permission the token must grant. Default `chat`. */
  requiredPermission?: string;
  /** Where key fetches and withdrawals are logged. Default: silent. */
  logger?: Logger;
}

/**
 * Verifies an access token; resolves its claims or rejects with an AuthError. It states the clock tolerance it grants
 * (use it for anything computed from `exp`, see `authenticatedUntilMs`) and its JWKS policy.
 *
 * @example
 * const verify: AccessVerifier = createAccessVerifier(opts);
 * const { sub, exp } = await verify(token);
 * const until = authenticatedUntilMs(exp, verify.clockToleranceS);
 */
export interface AccessVerifier {
  (token: string | undefined): Promise<AccessClaims>;
  readonly clockToleranceS: number;
  readonly maxTokenLifetimeS: number;
  readonly jwksPolicy: Readonly<JwksPolicy>;
}

function positive(value: number, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new AuthError('AUTH_CONFIG_INVALID', `${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function policyFrom(opts: AccessVerifierOptions): JwksPolicy {
  const pick = (name: keyof JwksPolicy, max: number): number =>
    positive(opts[name] ?? DEFAULT_JWKS_POLICY[name], name, name === 'unreachableGraceMs' ? 0 : 1, max);
  return {
    cacheMaxAgeMs: pick('cacheMaxAgeMs', 86_400_000),
    cooldownMs: pick('cooldownMs', 3_600_000),
    timeoutMs: pick('timeoutMs', 60_000),
    unreachableGraceMs: pick('unreachableGraceMs', 86_400_000),
  };
}

/**
 * Creates the access-token verifier the WebSocket provider calls on every handshake and `auth_refresh`.
 *
 * Keys come from the auth service's JWKS under {@link DEFAULT_JWKS_POLICY} (see {@link JwksPolicy}): cached for
 * `cacheMaxAgeMs` (60 s), so a key withdrawn from the JWKS stops verifying within a minute; an unknown `kid` is
 * refetched at most once per `cooldownMs` (5 s); with the auth service unreachable the cached keys serve for
 * `unreachableGraceMs` (120 s) past their max age, then every token is refused AUTH_UNAVAILABLE (fail closed).
 *
 * It requires: a compact JWS whose header and payload are strict UTF-8 JSON objects without a BOM; `alg: EdDSA` (so
 * `alg: none` and HS256-with-the-public-key are refused) and a `kid`; a valid signature; `iss` and `aud` as
 * configured; `sub` a valid user id; `exp` and `iat`, and `nbf` when present, each a time a Date can hold; `iat` not
 * in the future and `exp - iat` at most `maxTokenLifetimeS`; `token_type: "access"`; `permissions` containing `chat`.
 * `exp`, `nbf` and `iat` get `clockToleranceS` (default 5 s) of slack.
 *
 * Failures reject with AuthError: TOKEN_MISSING (no token), TOKEN_EXPIRED, TOKEN_INVALID (signature, tampering,
 * malformed, wrong alg, unknown kid, iss/aud mismatch, nbf or iat in the future, a time out of range, too long a
 * lifetime), TOKEN_WRONG_TYPE (e.g. a refresh token), PERMISSION_DENIED, AUTH_UNAVAILABLE (no usable keys),
 * AUTH_FAILED (unexpected). Messages never contain the token. Invalid options throw `AUTH_CONFIG_INVALID` at once.
 *
 * @example
 * const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: 'netra-auth', audience: 'netra-agent-ws' });
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
  const jwksPolicy = Object.freeze(policyFrom(opts));
  const clockToleranceS = positive(opts.clockToleranceS ?? CLOCK_TOLERANCE_S, 'clockToleranceS', 0, 300);
  const maxTokenLifetimeS = positive(
    opts.maxTokenLifetimeS ?? DEFAULT_MAX_TOKEN_LIFETIME_S,
    'maxTokenLifetimeS',
    1,
    31_536_000,
  );
  const expectations = {
    issuer: opts.issuer,
    audience: opts.audience,
    clockToleranceS,
    maxLifetimeS: maxTokenLifetimeS,
    tokenType: 'access' as const,
    requiredPermission: opts.requiredPermission ?? CHAT_PERMISSION,
  };
  const jwks = new JwksCache(url, jwksPolicy, opts.logger ?? silentLogger);
  const verify = async (token: string | undefined): Promise<AccessClaims> =>
    (await verifyToken(token, jwks.getKey, expectations)) as AccessClaims;
  return Object.assign(verify, { clockToleranceS, maxTokenLifetimeS, jwksPolicy });
}
