import type { TokenPair } from '../../auth/claims';
import { AuthError } from '../../auth/errors';
import { algNoneCopy, malformedToken, tamperedCopy } from './derive';
import { fetchDevToken, refreshDevToken } from './dev-client';
import { TokenSourceError } from './errors';
import { SecretBook } from './secrets';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from './types';

/**
 * An in-process auth service (the reference one, `AuthService` from src/auth fits) that can also sign arbitrary
 * claims: with it the `dev` strategy makes every token kind; without it, only those a dev endpoint can.
 */
export interface DevSigner {
  readonly issuer: string;
  readonly audience: string;
  issueTokens(sub: string, opts?: { permissions?: string[]; ttlS?: number }): Promise<TokenPair>;
  signForTesting(claims: Record<string, unknown>): Promise<string>;
}

/** Options of {@link createDevSource}. */
export interface DevSourceOptions {
  /** Base URL of the auth service (`POST <url>/auth/token`, `POST <url>/auth/refresh`). */
  url: string;
  /** The target's clock leeway: an `expired` token is waited out past it. */
  clockLeewayS: number;
  /** Permissions of valid tokens; default the service's (`['chat']`). */
  permissions?: string[];
  /** In-process signer for the kinds a dev endpoint cannot make (the embedded reference provider). */
  signer?: DevSigner;
  /**
   * Set when `url` was not given but assumed (the `--url` shorthand assumes port 8001 of the same host): an
   * unreachable service is then reported with this hint, naming the missing flag.
   */
  assumedFrom?: string;
  /** Timeout of each HTTP request. Default 5000 ms. */
  timeoutMs?: number;
}

const NEEDS_SIGNER: ReadonlySet<TokenKind> = new Set(['not_yet_valid', 'wrong_audience', 'wrong_issuer']);
const FOREIGN_AUDIENCE = 'netra-contracts-foreign-audience';
const FOREIGN_ISSUER = 'https://issuer.netra-contracts.invalid';

/**
 * The `dev` strategy: the reference auth service's development endpoints (`POST /auth/token`, `POST /auth/refresh`).
 * Without a signer it makes `valid`, `expired` (a 1-second token waited out past the clock leeway),
 * `bad_signature`, `alg_none`, `malformed`, `missing_permission` (a token with only `profile`) and `wrong_type` (the
 * refresh token); `not_yet_valid`, `wrong_audience` and `wrong_issuer` need the signing key (a `signer`).
 * Refresh uses the single-use refresh token of the previous pair, and asks for the lifetime that token was asked with.
 *
 * @example
 * const auth = createDevSource({ url: 'http://127.0.0.1:8001', clockLeewayS: 5 });
 * const { token, expiresAt } = await auth.token({ user: 'alice' });
 */
export function createDevSource(opts: DevSourceOptions): TokenSource {
  const book = new SecretBook();
  const signer = opts.signer;
  // A refresh asks for the lifetime the token it replaces was asked with (short-lived tokens stay short).
  const askedTtl = new WeakMap<IssuedToken, number>();
  const keep = (issued: IssuedToken, ttlS?: number): IssuedToken => {
    book.handOut(issued.token);
    book.handOut(issued.refreshToken);
    if (ttlS !== undefined) askedTtl.set(issued, ttlS);
    return issued;
  };
  const issue = async (user: string, ttlS?: number, permissions = opts.permissions): Promise<IssuedToken> => {
    const wanted = { ...(permissions ? { permissions } : {}), ...(ttlS !== undefined ? { ttlS } : {}) };
    const pair = await guard(opts, () =>
      signer
        ? signer.issueTokens(user, wanted)
        : fetchDevToken(opts.url, user, { ...wanted, timeoutMs: opts.timeoutMs }),
    );
    return fromPair(pair);
  };
  const signed = async (user: string, extra: Record<string, unknown>): Promise<IssuedToken> => {
    if (!signer) throw new TokenSourceError('TOKEN_KIND_UNSUPPORTED', unsupportedReason);
    const now = Math.floor(Date.now() / 1000);
    const base = { sub: user, iat: now, exp: now + 900, iss: signer.issuer, aud: signer.audience };
    return { token: await signer.signForTesting({ ...base, token_type: 'access', permissions: ['chat'], ...extra }) };
  };
  const pastLeeway = opts.clockLeewayS + 60;
  const makers: Record<TokenKind, (request: TokenRequest) => Promise<IssuedToken>> = {
    valid: (r) => issue(r.user, r.ttlS),
    expired: async (r) => {
      if (signer) {
        const now = Math.floor(Date.now() / 1000);
        return signed(r.user, { iat: now - pastLeeway - 60, exp: now - pastLeeway });
      }
      const issued = await issue(r.user, 1);
      await new Promise((resolve) => setTimeout(resolve, (2 + opts.clockLeewayS) * 1000));
      return { token: issued.token, expiresAt: issued.expiresAt };
    },
    not_yet_valid: (r) => signed(r.user, { nbf: Math.floor(Date.now() / 1000) + pastLeeway + 300 }),
    wrong_audience: (r) => signed(r.user, { aud: FOREIGN_AUDIENCE }),
    wrong_issuer: (r) => signed(r.user, { iss: FOREIGN_ISSUER }),
    bad_signature: async (r) => ({ token: tamperedCopy((await issue(r.user)).token) }),
    alg_none: async (r) => ({ token: algNoneCopy((await issue(r.user)).token) }),
    malformed: async () => ({ token: malformedToken() }),
    missing_permission: (r) => issue(r.user, r.ttlS, ['profile']),
    wrong_type: async (r) => ({ token: (await issue(r.user)).refreshToken ?? '' }),
  };
  return {
    kind: 'dev',
    supports(kind: TokenKind): true | Unsupported {
      return signer || !NEEDS_SIGNER.has(kind) ? true : { reason: `${kind}: ${unsupportedReason}` };
    },
    token: async (request) => keep(await makers[request.kind ?? 'valid'](request), request.ttlS),
    async refresh(user, previous) {
      const ttlS = askedTtl.get(previous);
      if (previous.refreshToken === undefined || signer) return keep(await issue(user, ttlS), ttlS);
      const refreshToken = previous.refreshToken;
      const wanted = { timeoutMs: opts.timeoutMs, ...(ttlS !== undefined ? { ttlS } : {}) };
      return keep(fromPair(await guard(opts, () => refreshDevToken(opts.url, refreshToken, wanted))), ttlS);
    },
    secrets: () => book.list(),
  };
}

const unsupportedReason =
  'a dev token endpoint signs only valid claims of its own issuer and audience; this kind needs the signing key';

function fromPair(pair: TokenPair): IssuedToken {
  return { token: pair.access_token, refreshToken: pair.refresh_token, expiresAt: Date.now() + pair.expires_in * 1000 };
}

// AuthError (the reference service's codes) -> TokenSourceError, with the hint for an assumed URL.
async function guard(opts: DevSourceOptions, call: () => Promise<TokenPair>): Promise<TokenPair> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    if (err.code === 'AUTH_UNAVAILABLE') {
      const hint =
        opts.assumedFrom === undefined
          ? ''
          : `; ${opts.url} was assumed from ${opts.assumedFrom}: if the provider's auth service listens elsewhere ` +
            `(serve --auth-port), pass --auth-url with its URL`;
      throw new TokenSourceError('AUTH_UNAVAILABLE', `${err.message}${hint}`);
    }
    if (err.code === 'AUTH_CONFIG_INVALID') throw new TokenSourceError('AUTH_CONFIG_INVALID', err.message);
    throw new TokenSourceError('AUTH_REFUSED', `${err.code}: ${err.message}`);
  }
}
