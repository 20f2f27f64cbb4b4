import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { algNoneCopy, malformedToken, tamperedCopy } from './derive';
import { TokenSourceError } from './errors';
import { loadSigningKey, type JwtKeyConfig, type SigningKey } from './jwt-key';
import { SecretBook } from './secrets';
import { fillTemplate } from './template';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from './types';

/** The `jwt` entry of a target's `auth` (snake_case, as in the targets file). */
export interface JwtAuthConfig extends JwtKeyConfig {
  kind: 'jwt';
  /**
   * Claims of every token, `{user}` substituted in every string (`sub` defaults to `{user}`): e.g.
   * `{iss: netra-auth-service, aud: netra-platform, token_type: access, permissions: [chat]}`. `iat`, `exp`, `nbf`
   * and `jti` are the strategy's.
   */
  claims?: Record<string, unknown>;
  /** Lifetime of valid tokens in seconds. Default 900. A token request's `ttlS` wins. */
  ttl_s?: number;
}

/** Options of {@link createJwtSource}. */
export interface JwtSourceOptions {
  /** The target's clock leeway: `expired` and `not_yet_valid` tokens lie well beyond it. */
  clockLeewayS: number;
}

const DEFAULT_TTL_S = 900;
const FOREIGN_AUDIENCE = 'netra-contracts-foreign-audience';
const FOREIGN_ISSUER = 'https://issuer.netra-contracts.invalid';
const COMPUTED_CLAIMS = ['iat', 'exp', 'nbf', 'jti'];

/** The claim each bad kind edits; without it in the template the kind would prove nothing. */
const NEEDS_CLAIM: Partial<Record<TokenKind, string>> = {
  wrong_audience: 'aud',
  wrong_issuer: 'iss',
  missing_permission: 'permissions',
  wrong_type: 'token_type',
};

/**
 * The `jwt` strategy: mints tokens locally, as the deployment's own auth service would (HS256/384/512 with a shared
 * secret from `secret_env`/`secret_file`; RS*, PS*, ES*, EdDSA with `private_key_file` and `kid`). It makes every
 * kind of {@link TokenKind} whose claim the template has (`wrong_audience` needs `aud`, `wrong_issuer` `iss`,
 * `missing_permission` `permissions`, `wrong_type` `token_type`). Refresh mints a new token. Throws
 * TokenSourceError at once for a bad entry (see `loadSigningKey`), never with key material in the message.
 *
 * @example
 * process.env.NETRA_JWT_SECRET = '...';
 * const auth = await createJwtSource(
 *   { kind: 'jwt', alg: 'HS256', secret_env: 'NETRA_JWT_SECRET',
 *     claims: { iss: 'netra-auth-service', aud: 'netra-platform', token_type: 'access', permissions: ['chat'] } },
 *   { clockLeewayS: 30 },
 * );
 * const { token } = await auth.token({ user: 'alice', kind: 'expired' });
 */
export async function createJwtSource(config: JwtAuthConfig, opts: JwtSourceOptions): Promise<TokenSource> {
  const book = new SecretBook();
  const key = loadSigningKey(config, book);
  const template = config.claims ?? {};
  for (const claim of COMPUTED_CLAIMS) {
    if (Object.hasOwn(template, claim)) {
      throw new TokenSourceError('AUTH_CONFIG_INVALID', `claims.${claim} is set by the jwt strategy; remove it`);
    }
  }
  const ttlDefault = config.ttl_s ?? DEFAULT_TTL_S;
  // Proves the key signs with this alg now, not at the first scenario.
  await mint(key, { sub: 'probe' }, 0, 60).catch((err: unknown) => {
    throw new TokenSourceError('KEY_INVALID', `the key cannot sign ${config.alg} (${(err as Error).name})`);
  });
  const minter = new JwtMinter(key, template, opts.clockLeewayS + 60);
  const supports = (kind: TokenKind): true | Unsupported => {
    const claim = NEEDS_CLAIM[kind];
    if (claim === undefined || Object.hasOwn(template, claim)) return true;
    return { reason: `${kind}: the jwt claims template has no "${claim}", so the target does not check it` };
  };
  // A refresh mints with the lifetime the token it replaces was asked with (short-lived tokens stay short).
  const askedTtl = new WeakMap<IssuedToken, number>();
  return {
    kind: 'jwt',
    supports,
    async token(request: TokenRequest): Promise<IssuedToken> {
      const kind = request.kind ?? 'valid';
      const why = supports(kind);
      if (why !== true) throw new TokenSourceError('TOKEN_KIND_UNSUPPORTED', why.reason);
      const ttlS = request.ttlS ?? ttlDefault;
      const issued = await minter.make(kind, request.user, ttlS);
      book.handOut(issued.token);
      askedTtl.set(issued, ttlS);
      return issued;
    },
    async refresh(user: string, previous: IssuedToken): Promise<IssuedToken> {
      const ttlS = askedTtl.get(previous) ?? ttlDefault;
      const issued = await minter.make('valid', user, ttlS);
      book.handOut(issued.token);
      askedTtl.set(issued, ttlS);
      return issued;
    },
    secrets: () => book.list(),
  };
}

class JwtMinter {
  constructor(
    private readonly key: SigningKey,
    private readonly template: Record<string, unknown>,
    private readonly pastLeewayS: number,
  ) {}

  async make(kind: TokenKind, user: string, ttlS: number): Promise<IssuedToken> {
    const claims = fillTemplate<Record<string, unknown>>({ sub: '{user}', ...this.template }, { user });
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    // A token meant to be live lives at least ttlS from now: exp rounded up, as the reference auth service does.
    const live = (extra: Record<string, unknown>): Promise<IssuedToken> =>
      this.signed({ ...claims, ...extra }, now, Math.ceil(nowMs / 1000 + ttlS));
    switch (kind) {
      case 'expired':
        return this.signed(claims, now - ttlS - this.pastLeewayS, now - this.pastLeewayS);
      case 'not_yet_valid':
        return this.signed({ ...claims, nbf: now + this.pastLeewayS + 300 }, now, now + this.pastLeewayS + 300 + ttlS);
      case 'wrong_audience':
        return live({ aud: Array.isArray(claims.aud) ? [FOREIGN_AUDIENCE] : FOREIGN_AUDIENCE });
      case 'wrong_issuer':
        return live({ iss: FOREIGN_ISSUER });
      case 'missing_permission':
        return live({ permissions: [] });
      case 'wrong_type':
        return live({ token_type: 'refresh' });
      case 'bad_signature':
        return { token: tamperedCopy((await live({})).token) };
      case 'alg_none':
        return { token: algNoneCopy((await live({})).token) };
      case 'malformed':
        return { token: malformedToken() };
      case 'valid':
        return live({});
    }
  }

  private async signed(claims: Record<string, unknown>, iat: number, exp: number): Promise<IssuedToken> {
    const token = await mint(this.key, claims, iat, exp);
    return { token, expiresAt: exp * 1000 };
  }
}

function mint(key: SigningKey, claims: Record<string, unknown>, iat: number, exp: number): Promise<string> {
  const payload = { ...claims, iat, exp, jti: randomBytes(12).toString('base64url') };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .sign(key.key);
}
