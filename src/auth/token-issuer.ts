import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Logger } from '../util/logger';
import { CHAT_PERMISSION, checkPermissions, checkSubject, checkTtl, type TokenPair, type TokenType } from './claims';
import { AuthError } from './errors';
import type { KeyRing } from './keys';
import { parseRefreshRequest } from './requests';
import { verifyToken } from './verify-token';

/**
 * Options of {@link AuthService.issueTokens}.
 *
 * @example
 * await auth.issueTokens('alice', { permissions: ['chat'], ttlS: 60 });
 */
export interface IssueOptions {
  /** Permissions of both tokens. Default `['chat']`. */
  permissions?: string[];
  /** Access-token lifetime in seconds (1..86400). Default: the service's `accessTtlS`. */
  ttlS?: number;
}

/** What the issuer needs to know of the service's settings. */
export interface IssuerSettings {
  issuer: string;
  audience: string;
  accessTtlS: number;
  refreshTtlS: number;
  clockToleranceS: number;
}

/**
 * Mints token pairs and exchanges refresh tokens (single-use: each `jti` is remembered until its token expires).
 * Throws AuthError `INVALID_REQUEST` for a bad subject, permissions or ttl, and (httpStatus 401) the verifier's codes
 * for a bad refresh token.
 */
export class TokenIssuer {
  /** jti of each refresh token already exchanged -> its exp (s); pruned once expired. */
  private readonly usedRefreshTokens = new Map<string, number>();

  constructor(
    private readonly keys: KeyRing,
    private readonly settings: IssuerSettings,
    private readonly logger: Logger,
  ) {}

  async issue(sub: string, opts: IssueOptions = {}): Promise<TokenPair> {
    checkSubject(sub);
    const permissions = checkPermissions(opts.permissions ?? [CHAT_PERMISSION]);
    const ttlS = checkTtl(opts.ttlS ?? this.settings.accessTtlS, 'ttlS');
    const nowMs = Date.now();
    const nowS = Math.floor(nowMs / 1000);
    const claims = (tokenType: TokenType, lifetimeS: number): JWTPayload => ({
      sub,
      iss: this.settings.issuer,
      aud: this.settings.audience,
      iat: nowS,
      nbf: nowS,
      // Rounded up: a token asked for N seconds lives at least N seconds (iat + N would leave a 1-second token
      // anything from 0 to 1 s, and a verifier without clock tolerance would refuse it on its way to the handshake).
      exp: Math.ceil(nowMs / 1000 + lifetimeS),
      jti: randomBytes(16).toString('base64url'),
      token_type: tokenType,
      permissions,
    });
    const accessToken = await this.keys.sign(claims('access', ttlS));
    const refreshToken = await this.keys.sign(claims('refresh', this.settings.refreshTtlS));
    this.logger.info('tokens issued', {
      component: 'auth',
      sub,
      permissions,
      expires_in: ttlS,
      kid: this.keys.currentKid,
    });
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: ttlS };
  }

  /** `POST /auth/refresh`: verifies the refresh token, spends it, and issues a new pair. */
  async refresh(body: unknown): Promise<TokenPair> {
    const request = parseRefreshRequest(body);
    let claims;
    try {
      claims = await verifyToken(request.refreshToken, this.keys.getKey, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        clockToleranceS: this.settings.clockToleranceS,
        maxLifetimeS: this.settings.refreshTtlS + 1 + this.settings.clockToleranceS,
        tokenType: 'refresh',
      });
    } catch (err) {
      throw err instanceof AuthError ? new AuthError(err.code, err.message, { httpStatus: 401, cause: err }) : err;
    }
    const nowS = Math.floor(Date.now() / 1000);
    for (const [jti, exp] of this.usedRefreshTokens) {
      if (exp + this.settings.clockToleranceS < nowS) this.usedRefreshTokens.delete(jti);
    }
    if (claims.jti === undefined) {
      throw new AuthError('TOKEN_INVALID', 'refresh token has no "jti" claim', { httpStatus: 401 });
    }
    if (this.usedRefreshTokens.has(claims.jti)) {
      throw new AuthError('TOKEN_INVALID', 'refresh token was already used; sign in again', { httpStatus: 401 });
    }
    this.usedRefreshTokens.set(claims.jti, claims.exp);
    return this.issue(claims.sub, { permissions: claims.permissions, ttlS: request.ttlS });
  }
}
