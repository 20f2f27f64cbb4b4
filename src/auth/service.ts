import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK, JWTHeaderParameters, JWTPayload } from 'jose';
import { silentLogger, type Logger } from '../util/logger';
import { CLOCK_TOLERANCE_S, DEFAULT_AUDIENCE, DEFAULT_ISSUER, TTL_BOUNDS_S, type TokenPair } from './claims';
import { AuthError } from './errors';
import { KeyRing } from './keys';
import { isLoopback } from '../util/loopback';
import { AuthRoutes } from './routes';
import { TokenIssuer, type IssueOptions } from './token-issuer';

/**
 * Options of {@link startAuthService}. Every field is optional.
 *
 * @example
 * const opts: AuthServiceOptions = { port: 8001, accessTtlS: 300, devTokens: false, logger: createJsonLogger({ component: 'auth' }) };
 */
export interface AuthServiceOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; `0` (default) picks a free one. */
  port?: number;
  /** `iss` of issued tokens. Default `netra-auth`. */
  issuer?: string;
  /** `aud` of issued tokens. Default `netra-agent-ws`. */
  audience?: string;
  /** Default access-token lifetime in seconds (1..86400). Default 900. */
  accessTtlS?: number;
  /** Refresh-token lifetime in seconds (1..2592000). Default 86400. */
  refreshTtlS?: number;
  /** Whether `POST /auth/token` mints development tokens for any user. Default true; false answers 403. */
  devTokens?: boolean;
  /**
   * Whether development tokens are also served to clients that are not on loopback. Default false: they get 403
   * `DEV_TOKENS_LOOPBACK_ONLY`. When true on an interface other than loopback, a loud warning is logged at start:
   * anyone who can reach the service can act as any user.
   */
  devTokensFromAnyAddress?: boolean;
  /** The one JSON-lines logger (util/logger); lines carry `component: "auth"`. Default: silent. Never logs a token. */
  logger?: Logger;
  /**
   * Clock skew (s) tolerated when verifying refresh tokens, and extra time a retired key stays published after its
   * last token expired. Default 5 ({@link CLOCK_TOLERANCE_S}).
   */
  clockToleranceS?: number;
  /**
   * The first signing key, a private Ed25519 JWK (`serve --signing-key-file`); default a fresh key. With it, tokens
   * survive a restart and a separate minter holding the same key can sign tokens this service's JWKS verifies.
   */
  signingJwk?: JWK;
}

const MAX_REFRESH_TTL_S = 30 * 86_400;

interface Settings {
  host: string;
  port: number;
  issuer: string;
  audience: string;
  accessTtlS: number;
  refreshTtlS: number;
  devTokens: boolean;
  devTokensFromAnyAddress: boolean;
  clockToleranceS: number;
}

function configError(message: string): AuthError {
  return new AuthError('AUTH_CONFIG_INVALID', message, { exitCode: 2 });
}

function settingsFrom(opts: AuthServiceOptions): Settings {
  const integer = (value: number, name: string, min: number, max: number): number => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw configError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
    return value;
  };
  const text = (value: string, name: string): string => {
    if (typeof value !== 'string' || value.length === 0) throw configError(`${name} must be a non-empty string`);
    return value;
  };
  return {
    host: text(opts.host ?? '127.0.0.1', 'host'),
    port: integer(opts.port ?? 0, 'port', 0, 65_535),
    issuer: text(opts.issuer ?? DEFAULT_ISSUER, 'issuer'),
    audience: text(opts.audience ?? DEFAULT_AUDIENCE, 'audience'),
    accessTtlS: integer(opts.accessTtlS ?? 900, 'accessTtlS', TTL_BOUNDS_S.min, TTL_BOUNDS_S.max),
    refreshTtlS: integer(opts.refreshTtlS ?? 86_400, 'refreshTtlS', 1, MAX_REFRESH_TTL_S),
    devTokens: opts.devTokens ?? true,
    devTokensFromAnyAddress: opts.devTokensFromAnyAddress ?? false,
    clockToleranceS: integer(opts.clockToleranceS ?? CLOCK_TOLERANCE_S, 'clockToleranceS', 0, 300),
  };
}

/**
 * The JWT auth service (node:http): Ed25519 keys with `kid` and rotation, `GET /.well-known/jwks.json`,
 * `POST /auth/token` (development tokens: `{ sub, permissions?, ttl_s? }` -> `{ access_token, refresh_token,
 * expires_in }`, for loopback clients only unless `devTokensFromAnyAddress`; 403 `DEV_TOKENS_DISABLED` when off),
 * `POST /auth/refresh` (`{ refresh_token, ttl_s? }` -> a new pair; refresh tokens are single-use) and `GET /healthz`.
 * Errors are `{ error_code, error_message }`. Start it with {@link AuthService.start} (or `startAuthService`).
 *
 * @example
 * const auth = await AuthService.start({ port: 8001 });
 * const { access_token } = await auth.issueTokens('alice');
 * const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
 * const claims = await verify(access_token); // claims.sub === 'alice'
 * await auth.close();
 */
export class AuthService {
  /** Base URL, e.g. `http://127.0.0.1:8001` (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `<url>/.well-known/jwks.json`, for `createAccessVerifier`. */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly keys: KeyRing,
    private readonly tokens: TokenIssuer,
    private readonly logger: Logger,
    settings: Settings,
  ) {
    this.host = settings.host;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
    this.jwksUrl = `${this.url}/.well-known/jwks.json`;
    this.issuer = settings.issuer;
    this.audience = settings.audience;
  }

  /**
   * Starts the service and resolves once it listens. Throws AuthError `AUTH_CONFIG_INVALID` for bad options and
   * `AUTH_LISTEN_FAILED` when the port cannot be bound.
   */
  static async start(opts: AuthServiceOptions = {}): Promise<AuthService> {
    const settings = settingsFrom(opts);
    const logger = opts.logger ?? silentLogger;
    const keys = await KeyRing.create(settings.clockToleranceS, opts.signingJwk);
    const tokens = new TokenIssuer(keys, settings, logger);
    const routes = new AuthRoutes({
      keys,
      tokens,
      logger,
      devTokens: settings.devTokens,
      devTokensFromAnyAddress: settings.devTokensFromAnyAddress,
    });
    const server = createServer((req, res) => void routes.handle(req, res));
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    await listen(server, settings);
    server.on('error', (err) => logger.error('server error', { component: 'auth', error: err }));
    const service = new AuthService(server, keys, tokens, logger, settings);
    service.announce(settings);
    return service;
  }

  private announce(settings: Settings): void {
    const fields = { component: 'auth', url: this.url, kid: this.keys.currentKid, dev_tokens: settings.devTokens };
    this.logger.info('listening', fields);
    if (settings.devTokens && settings.devTokensFromAnyAddress && !isLoopback(this.host)) {
      this.logger.warn(
        `DEV TOKENS ARE OPEN TO THE NETWORK: anyone who can reach ${this.url} can get a token for any user ` +
          "and read that user's runs. Use this only on a network you trust, never in production.",
        { ...fields, dev_tokens_from_any_address: true },
      );
    }
  }

  /** Kid of the key that signs now. */
  get currentKid(): string {
    return this.keys.currentKid;
  }

  /** Mints an access + refresh token pair for `sub` (works even with `devTokens: false`). */
  issueTokens(sub: string, opts?: IssueOptions): Promise<TokenPair> {
    return this.tokens.issue(sub, opts);
  }

  /**
   * Rotates the signing key. Tokens signed by the previous key keep verifying: its public half stays in the JWKS until
   * the last token it signed has expired. The new signing key was already published before the rotation.
   */
  async rotateKeys(): Promise<void> {
    const { retiredKid, currentKid } = await this.keys.rotate();
    this.logger.info('keys rotated', { component: 'auth', kid: currentKid, retired_kid: retiredKid });
  }

  /**
   * Withdraws a key from the JWKS at once (a leaked key): every token it signed stops verifying once verifiers
   * refetch the JWKS (within their cache max age). Revoking the signing key rotates first. Throws AuthError
   * `KEY_NOT_FOUND` for a kid that is not published.
   */
  async revokeKey(kid: string): Promise<void> {
    await this.keys.revoke(kid);
    this.logger.warn('key revoked', { component: 'auth', revoked_kid: kid, kid: this.keys.currentKid });
  }

  /**
   * FOR TESTS ONLY: signs arbitrary `claims` (or raw payload bytes) with the current private key, e.g. an expired
   * token or one for another audience. `header` fields are merged into `{ alg: 'EdDSA', typ: 'JWT', kid: <current> }`;
   * `alg` cannot change. Nothing is added to `claims`. Never expose this over HTTP.
   */
  signForTesting(claims: JWTPayload | Uint8Array, header?: Partial<JWTHeaderParameters>): Promise<string> {
    return claims instanceof Uint8Array ? this.keys.signBytes(claims, header) : this.keys.sign(claims, header);
  }

  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      this.logger.info('closed', { component: 'auth', url: this.url });
    });
    return this.closing;
  }
}

function listen(server: Server, settings: Settings): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const where = `${settings.host}:${settings.port}`;
      reject(
        new AuthError('AUTH_LISTEN_FAILED', `auth service cannot listen on ${where}: ${err.code ?? err.message}`, {
          cause: err,
        }),
      );
    };
    server.once('error', onError);
    server.listen(settings.port, settings.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Starts the JWT auth service ({@link AuthService}) and resolves once it listens.
 *
 * @example
 * const auth = await startAuthService({ port: 8001 });
 * const { access_token } = await auth.issueTokens('alice');
 * await auth.close();
 */
export function startAuthService(opts: AuthServiceOptions = {}): Promise<AuthService> {
  return AuthService.start(opts);
}

export type { IssueOptions };
