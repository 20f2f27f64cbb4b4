import { importJWK, type JWK, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { silentLogger, type Logger } from '../util/logger';
import { AuthError } from './errors';

/**
 * How long keys fetched from a JWKS are trusted, and what happens when the auth service cannot be reached.
 *
 * - `cacheMaxAgeMs`: keys older than this are refetched before use. A key withdrawn from the JWKS stops verifying
 *   within this time (plus one fetch) while the auth service answers.
 * - `cooldownMs`: at most one fetch per cooldown caused by an unknown `kid` or by a failed fetch, so a flood of
 *   forged kids cannot turn the verifier into a JWKS-fetching loop.
 * - `timeoutMs`: one fetch's timeout.
 * - `unreachableGraceMs`: while the auth service cannot be reached, keys are still used for this long past their max
 *   age, so open clients reconnect through a short outage. After `cacheMaxAgeMs + unreachableGraceMs` without a
 *   successful fetch, every token is refused `AUTH_UNAVAILABLE` (fail closed): a withdrawn key cannot outlive it.
 *
 * @example
 * createAccessVerifier({ jwksUrl, issuer, audience, ...DEFAULT_JWKS_POLICY, unreachableGraceMs: 30_000 });
 */
export interface JwksPolicy {
  cacheMaxAgeMs: number;
  cooldownMs: number;
  timeoutMs: number;
  unreachableGraceMs: number;
}

/**
 * The policy of the reference provider: a withdrawn key verifies for at most 1 minute (plus a fetch of at most 3 s)
 * while the auth service answers, and for at most 3 minutes after the last successful fetch when it does not.
 *
 * @example
 * const worstCaseMs = DEFAULT_JWKS_POLICY.cacheMaxAgeMs + DEFAULT_JWKS_POLICY.unreachableGraceMs; // 180000
 */
export const DEFAULT_JWKS_POLICY: Readonly<JwksPolicy> = Object.freeze({
  cacheMaxAgeMs: 60_000,
  cooldownMs: 5_000,
  timeoutMs: 3_000,
  unreachableGraceMs: 120_000,
});

// A JWKS is a few hundred bytes per key; anything far larger is not one.
const MAX_JWKS_BYTES = 256 * 1024;
const MAX_KEYS = 100;
const MAX_KID_LENGTH = 256;

/**
 * The keys of a remote JWKS (Ed25519 keys with a `kid`), fetched and refreshed by {@link JwksPolicy}. `getKey` is a
 * jose key resolver: it rejects with AuthError `TOKEN_INVALID` (a kid the JWKS does not publish) or
 * `AUTH_UNAVAILABLE` (the JWKS cannot be fetched and no usable key is held).
 *
 * @example
 * const jwks = new JwksCache(new URL('http://127.0.0.1:8001/.well-known/jwks.json'), DEFAULT_JWKS_POLICY);
 * await jwtVerify(token, jwks.getKey, { algorithms: ['EdDSA'] });
 */
export class JwksCache {
  private keys = new Map<string, KeyLike>();
  /** When the keys were last fetched successfully (ms), or undefined before the first success. */
  private fetchedAt: number | undefined;
  /** When the last fetch was started, and why it failed (undefined when it succeeded). */
  private attemptedAt = -Infinity;
  private lastFailure: string | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly url: URL,
    private readonly policy: JwksPolicy,
    private readonly logger: Logger = silentLogger,
  ) {}

  readonly getKey: JWTVerifyGetKey = async (header) => {
    const kid = header.kid;
    if (typeof kid !== 'string' || kid === '') throw new AuthError('TOKEN_INVALID', 'token header has no "kid"');
    const now = Date.now();
    const stale = this.fetchedAt === undefined || now - this.fetchedAt >= this.policy.cacheMaxAgeMs;
    const unknown = !this.keys.has(kid);
    // The cooldown throttles what an attacker can trigger (unknown kids) and retries of a failing service; a stale
    // cache of a service that answers is always refetched, or the max age would not bound a withdrawn key.
    if (stale || unknown) await this.refresh(now, (unknown && !stale) || this.lastFailure !== undefined);
    if (this.fetchedAt === undefined) throw this.unavailable('no keys were ever fetched');
    const age = Date.now() - this.fetchedAt;
    if (age > this.policy.cacheMaxAgeMs + this.policy.unreachableGraceMs) {
      throw this.unavailable(
        `the keys are ${Math.round(age / 1000)} s old, past the grace for an unreachable auth service`,
      );
    }
    const key = this.keys.get(kid);
    if (key !== undefined) return key;
    if (this.lastFailure !== undefined)
      throw this.unavailable(`no cached key has kid ${JSON.stringify(kid.slice(0, 64))}`);
    throw new AuthError(
      'TOKEN_INVALID',
      `token was signed with an unknown key (kid ${JSON.stringify(kid.slice(0, 64))})`,
    );
  };

  /**
   * Fetches the JWKS unless a fetch is running (then waits for it) or, when `throttled`, the cooldown since the last
   * attempt has not passed. Never rejects.
   */
  private refresh(now: number, throttled: boolean): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    if (throttled && now - this.attemptedAt < this.policy.cooldownMs) return Promise.resolve();
    this.attemptedAt = now;
    this.inflight = this.fetchKeys()
      .then((keys) => {
        const withdrawn = [...this.keys.keys()].filter((kid) => !keys.has(kid));
        if (withdrawn.length > 0)
          this.logger.info('signing keys withdrawn from the JWKS', { component: 'auth', kids: withdrawn });
        this.keys = keys;
        this.fetchedAt = Date.now();
        this.lastFailure = undefined;
      })
      .catch((err: unknown) => {
        this.lastFailure = err instanceof AuthError ? err.message : describe(err);
        this.logger.warn('cannot fetch the signing keys', {
          component: 'auth',
          url: this.url.href,
          reason: this.lastFailure,
        });
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async fetchKeys(): Promise<Map<string, KeyLike>> {
    const response = await fetch(this.url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(this.policy.timeoutMs),
    });
    if (response.status !== 200) throw new AuthError('AUTH_UNAVAILABLE', `HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES)
      throw new AuthError('AUTH_UNAVAILABLE', `the JWKS is larger than ${MAX_JWKS_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AuthError('AUTH_UNAVAILABLE', 'the JWKS is not JSON');
    }
    const listed = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(listed)) throw new AuthError('AUTH_UNAVAILABLE', 'the JWKS has no "keys" array');
    const keys = new Map<string, KeyLike>();
    for (const jwk of listed.slice(0, MAX_KEYS) as JWK[]) {
      if (!usable(jwk) || keys.has(jwk.kid as string)) continue;
      try {
        keys.set(jwk.kid as string, (await importJWK(jwk, 'EdDSA')) as KeyLike);
      } catch {
        // A key we cannot import is one we never verify with.
      }
    }
    return keys;
  }

  private unavailable(why: string): AuthError {
    const failure = this.lastFailure === undefined ? '' : ` (last fetch: ${this.lastFailure})`;
    return new AuthError('AUTH_UNAVAILABLE', `cannot verify tokens: ${why}; the JWKS is ${this.url.href}${failure}`);
  }
}

// Only what the verifier accepts: Ed25519 signing keys with a kid.
function usable(jwk: JWK): boolean {
  return (
    typeof jwk === 'object' &&
    jwk !== null &&
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    typeof jwk.x === 'string' &&
    typeof jwk.kid === 'string' &&
    jwk.kid.length > 0 &&
    jwk.kid.length <= MAX_KID_LENGTH &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.alg === undefined || jwk.alg === 'EdDSA') &&
    jwk.d === undefined
  );
}

// fetch's errors may come from another realm (jest): duck-typed.
function describe(err: unknown): string {
  const error = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; cause?: unknown };
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = (typeof error.cause === 'object' && error.cause !== null ? error.cause : {}) as { code?: unknown };
  if (typeof cause.code === 'string') return cause.code;
  return typeof error.name === 'string' ? error.name : 'error';
}
