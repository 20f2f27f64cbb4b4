import { isLoopback as isLoopbackHost } from '../../util/loopback';
import { algNoneCopy, isCompactJwt, malformedToken, tamperedCopy } from './derive';
import { TokenSourceError } from './errors';
import { readSecret, SecretBook } from './secrets';
import { fillTemplate, mentions } from './template';
import { callTokenEndpoint, type TokenResponse } from './token-endpoint';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from './types';

/** RFC 8693 token exchange of the grant's token for the provider's token. */
export interface OAuth2ExchangeConfig {
  /** Default: the grant's `token_url`. */
  token_url?: string;
  /** Default `urn:ietf:params:oauth:token-type:access_token`. */
  subject_token_type?: string;
  requested_token_type?: string;
  audience?: string;
  resource?: string;
  scope?: string;
  /** Extra form parameters, `{user}` substituted (e.g. `requested_subject: '{user}'`). */
  params?: Record<string, string>;
}

/** The `oauth2` entry of a target's `auth` (snake_case, as in the targets file). */
export interface OAuth2AuthConfig {
  kind: 'oauth2';
  token_url: string;
  grant: 'client_credentials' | 'password' | 'refresh_token';
  client_id: string;
  client_secret_env?: string;
  client_secret_file?: string;
  /** `basic` (default; RFC 6749 section 2.3.1) or `post` (client_id and client_secret in the body). */
  client_auth?: 'basic' | 'post';
  scope?: string;
  /** The `audience` parameter (Auth0, Okta and others). */
  audience?: string;
  /** RFC 8707 resource indicator. */
  resource?: string;
  /** `password` grant: the username, `{user}` substituted. Default `{user}`. */
  username?: string;
  password_env?: string;
  password_file?: string;
  /** `refresh_token` grant: the refresh token to start from. */
  refresh_token_env?: string;
  refresh_token_file?: string;
  /** Extra form parameters of the grant request, `{user}` substituted. */
  params?: Record<string, string>;
  exchange?: OAuth2ExchangeConfig;
  /** Whether the final access token is a JWT (default) or opaque: opaque tokens cannot be tampered or unsigned. */
  token_format?: 'jwt' | 'opaque';
  /** Timeout of each token request. Default 10000 ms. */
  timeout_ms?: number;
}

const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_ONLY: ReadonlySet<TokenKind> = new Set(['bad_signature', 'alg_none']);
const DERIVABLE: ReadonlySet<TokenKind> = new Set(['valid', 'bad_signature', 'alg_none', 'malformed']);

function checkUrl(raw: string, field: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TokenSourceError('AUTH_CONFIG_INVALID', `${field} is not a URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return;
  throw new TokenSourceError(
    'AUTH_CONFIG_INVALID',
    `${field} must be https:// (http:// only on loopback: client secrets never cross a network in clear), got ${url.protocol}//${url.host}`,
  );
}

/**
 * The `oauth2` strategy: an RFC 6749 token endpoint (`client_credentials`, `password` with a `{user}` username, or
 * `refresh_token`), optionally followed by an RFC 8693 token exchange for the provider's own token. It makes `valid`
 * and `malformed` tokens, and `bad_signature` and `alg_none` copies when the tokens are JWTs; the other kinds need
 * the issuer's key (use `jwt`). Refresh uses the refresh token when the server gave one (then exchanges again),
 * else repeats the grant. With `client_credentials` or `refresh_token` and no `{user}` in any parameter, every user
 * is the same principal: `sharedIdentity` says so.
 *
 * @example
 * process.env.NETRA_CLIENT_SECRET = '...';
 * const auth = createOAuth2Source({ kind: 'oauth2', token_url: 'https://login.example.com/oauth/token',
 *   grant: 'client_credentials', client_id: 'netra-load', client_secret_env: 'NETRA_CLIENT_SECRET',
 *   exchange: { audience: 'netra-platform' } });
 * const { token } = await auth.token({ user: 'alice' });
 */
export function createOAuth2Source(config: OAuth2AuthConfig): TokenSource {
  checkUrl(config.token_url, 'token_url');
  if (config.exchange?.token_url !== undefined) checkUrl(config.exchange.token_url, 'exchange.token_url');
  const book = new SecretBook();
  const client = clientOf(config, book);
  const grantSecrets = grantSecretsOf(config, book);
  const flow = new OAuth2Flow(config, client, grantSecrets, book);
  const jwt = (config.token_format ?? 'jwt') === 'jwt';
  const perUser =
    config.grant === 'password' ||
    mentions(config.params ?? {}, 'user') ||
    mentions(config.exchange?.params ?? {}, 'user');
  const supports = (kind: TokenKind): true | Unsupported => {
    if (!DERIVABLE.has(kind))
      return { reason: `${kind}: an OAuth 2.0 issuer only signs valid tokens; use a jwt target with its key` };
    if (JWT_ONLY.has(kind) && !jwt)
      return { reason: `${kind}: this target's tokens are opaque (token_format: opaque)` };
    return true;
  };
  return {
    kind: 'oauth2',
    ...(perUser
      ? {}
      : { sharedIdentity: `every user is the ${config.grant} grant's principal (client ${config.client_id})` }),
    supports,
    async token(request: TokenRequest): Promise<IssuedToken> {
      const kind = request.kind ?? 'valid';
      const why = supports(kind);
      if (why !== true) throw new TokenSourceError('TOKEN_KIND_UNSUPPORTED', why.reason);
      if (kind === 'malformed') return { token: malformedToken() };
      const issued = await flow.obtain(request.user);
      if (kind === 'valid') return issued;
      if (!isCompactJwt(issued.token)) {
        throw new TokenSourceError(
          'TOKEN_KIND_UNSUPPORTED',
          `${kind}: the issued token is not a JWT (set token_format: opaque)`,
        );
      }
      return { token: kind === 'alg_none' ? algNoneCopy(issued.token) : tamperedCopy(issued.token) };
    },
    refresh: (user: string, previous: IssuedToken) => flow.renew(user, previous),
    secrets: () => book.list(),
  };
}

interface Client {
  id: string;
  secret?: string;
  method: 'basic' | 'post';
}

function clientOf(config: OAuth2AuthConfig, book: SecretBook): Client {
  if (config.client_secret_env !== undefined && config.client_secret_file !== undefined) {
    throw new TokenSourceError('AUTH_CONFIG_INVALID', 'give client_secret_env or client_secret_file, not both');
  }
  const hasSecret = config.client_secret_env !== undefined || config.client_secret_file !== undefined;
  const secret = hasSecret
    ? readSecret({ env: config.client_secret_env, file: config.client_secret_file }, 'client secret')
    : undefined;
  book.hold(secret);
  return { id: config.client_id, ...(secret !== undefined ? { secret } : {}), method: config.client_auth ?? 'basic' };
}

function grantSecretsOf(config: OAuth2AuthConfig, book: SecretBook): { password?: string; refreshToken?: string } {
  if (config.grant === 'password') {
    const password = readSecret({ env: config.password_env, file: config.password_file }, 'password');
    book.hold(password);
    return { password };
  }
  if (config.grant === 'refresh_token') {
    const refreshToken = readSecret(
      { env: config.refresh_token_env, file: config.refresh_token_file },
      'refresh token',
    );
    book.hold(refreshToken);
    return { refreshToken };
  }
  return {};
}

/** The grant, the optional exchange, and the refresh tokens they returned (per user, the latest only). */
class OAuth2Flow {
  private readonly timeoutMs: number;
  /** Latest refresh token per user, from the grant (the exchange's own are not used). */
  private readonly refreshTokens = new Map<string, string>();

  constructor(
    private readonly config: OAuth2AuthConfig,
    private readonly client: Client,
    private readonly grantSecrets: { password?: string; refreshToken?: string },
    private readonly book: SecretBook,
  ) {
    this.timeoutMs = config.timeout_ms ?? 10_000;
  }

  async obtain(user: string): Promise<IssuedToken> {
    return this.finish(user, await this.grant(user, this.grantForm(user)));
  }

  async renew(user: string, _previous: IssuedToken): Promise<IssuedToken> {
    const refreshToken = this.refreshTokens.get(user);
    if (refreshToken === undefined) return this.obtain(user);
    // No scope: RFC 6749 section 6 gives the refreshed token the scope originally granted.
    const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
    return this.finish(user, await this.grant(user, form, 'the refresh_token grant'));
  }

  private grantForm(user: string): Record<string, string> {
    const config = this.config;
    const form: Record<string, string> = { grant_type: config.grant };
    if (config.grant === 'password') {
      form.username = fillTemplate(config.username ?? '{user}', { user });
      form.password = this.grantSecrets.password as string;
    }
    if (config.grant === 'refresh_token')
      form.refresh_token = this.refreshTokens.get(user) ?? (this.grantSecrets.refreshToken as string);
    if (config.scope !== undefined) form.scope = config.scope;
    if (config.audience !== undefined) form.audience = config.audience;
    if (config.resource !== undefined) form.resource = config.resource;
    return { ...fillTemplate(config.params ?? {}, { user }), ...form };
  }

  private async grant(
    user: string,
    form: Record<string, string>,
    what = `the ${this.config.grant} grant`,
  ): Promise<TokenResponse> {
    const response = await callTokenEndpoint({
      url: this.config.token_url,
      form,
      client: this.client,
      what,
      timeoutMs: this.timeoutMs,
      secrets: this.book.list(),
    });
    this.book.handOut(response.access_token);
    if (response.refresh_token !== undefined) {
      this.book.handOut(response.refresh_token);
      this.refreshTokens.set(user, response.refresh_token);
    }
    return response;
  }

  private async finish(user: string, granted: TokenResponse): Promise<IssuedToken> {
    const final = this.config.exchange === undefined ? granted : await this.exchange(user, granted.access_token);
    const issued: IssuedToken = { token: final.access_token };
    if (final.expires_in !== undefined) issued.expiresAt = Date.now() + final.expires_in * 1000;
    if (this.config.exchange === undefined && granted.refresh_token !== undefined)
      issued.refreshToken = granted.refresh_token;
    return issued;
  }

  private async exchange(user: string, subjectToken: string): Promise<TokenResponse> {
    const exchange = this.config.exchange as OAuth2ExchangeConfig;
    const form: Record<string, string> = {
      ...fillTemplate(exchange.params ?? {}, { user }),
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subjectToken,
      subject_token_type: exchange.subject_token_type ?? ACCESS_TOKEN_TYPE,
    };
    if (exchange.requested_token_type !== undefined) form.requested_token_type = exchange.requested_token_type;
    if (exchange.audience !== undefined) form.audience = exchange.audience;
    if (exchange.resource !== undefined) form.resource = exchange.resource;
    if (exchange.scope !== undefined) form.scope = exchange.scope;
    const response = await callTokenEndpoint({
      url: exchange.token_url ?? this.config.token_url,
      form,
      client: this.client,
      what: 'the token exchange (RFC 8693)',
      timeoutMs: this.timeoutMs,
      secrets: this.book.list(),
    });
    this.book.handOut(response.access_token);
    this.book.handOut(response.refresh_token);
    return response;
  }
}
