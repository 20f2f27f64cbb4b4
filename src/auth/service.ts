import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import {
  CHAT_PERMISSION,
  CLOCK_TOLERANCE_S,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  TTL_BOUNDS_S,
  checkPermissions,
  checkSubject,
  checkTtl,
  type TokenPair,
  type TokenType,
} from './claims';
import { AuthError } from './errors';
import { BodyError, readJsonBody, sendError, sendJson } from './http-io';
import { KeyRing } from './keys';
import { safeLogger, type AuthLogger } from './logger';
import { parseRefreshRequest, parseTokenRequest } from './requests';
import { verifyToken } from './verify-token';

/**
 * Options of {@link startAuthService}. Every field is optional.
 *
 * @example
 * const opts: AuthServiceOptions = { port: 8001, accessTtlS: 300, devTokens: false, logger: createJsonLinesLogger() };
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
  /** Structured logger (see `createJsonLinesLogger`). Default: silent. Tokens are never logged. */
  logger?: AuthLogger;
  /**
   * Clock skew (s) tolerated when verifying refresh tokens, and extra time a retired key stays published after its
   * last token expired. Default 5 ({@link CLOCK_TOLERANCE_S}).
   */
  clockToleranceS?: number;
}

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

/**
 * A running auth service.
 *
 * @example
 * const auth: AuthService = await startAuthService();
 * await auth.rotateKeys();
 * await auth.close();
 */
export interface AuthService {
  /** Base URL, e.g. `http://127.0.0.1:8001` (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `<url>/.well-known/jwks.json`, for `createAccessVerifier`. */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Mints an access + refresh token pair for `sub` (works even with `devTokens: false`). */
  issueTokens(sub: string, opts?: IssueOptions): Promise<TokenPair>;
  /**
   * Rotates the signing key. Tokens signed by the previous key keep verifying: its public half stays in the JWKS until
   * the last token it signed has expired. The new signing key was already published before the rotation.
   */
  rotateKeys(): Promise<void>;
  /**
   * FOR TESTS ONLY: signs arbitrary `claims` with the current private key, e.g. an expired token or one for another
   * audience. `header` fields are merged into `{ alg: 'EdDSA', typ: 'JWT', kid: <current> }`; `alg` cannot change.
   * Nothing is added to `claims`. Never expose this over HTTP.
   */
  signForTesting(claims: JWTPayload, header?: Partial<JWTHeaderParameters>): Promise<string>;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

const MAX_REFRESH_TTL_S = 30 * 86_400;

interface Settings {
  issuer: string;
  audience: string;
  accessTtlS: number;
  refreshTtlS: number;
  devTokens: boolean;
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
    issuer: text(opts.issuer ?? DEFAULT_ISSUER, 'issuer'),
    audience: text(opts.audience ?? DEFAULT_AUDIENCE, 'audience'),
    accessTtlS: integer(opts.accessTtlS ?? 900, 'accessTtlS', TTL_BOUNDS_S.min, TTL_BOUNDS_S.max),
    refreshTtlS: integer(opts.refreshTtlS ?? 86_400, 'refreshTtlS', 1, MAX_REFRESH_TTL_S),
    devTokens: opts.devTokens ?? true,
    clockToleranceS: integer(opts.clockToleranceS ?? CLOCK_TOLERANCE_S, 'clockToleranceS', 0, 300),
  };
}

/**
 * Starts the JWT auth service (node:http) and resolves once it listens.
 *
 * Endpoints: `GET /.well-known/jwks.json` (Ed25519 public keys with `kid`), `POST /auth/token`
 * (`{ sub, permissions?, ttl_s? }` -> `{ access_token, refresh_token, expires_in }`; development tokens, 403
 * `DEV_TOKENS_DISABLED` when `devTokens: false`), `POST /auth/refresh` (`{ refresh_token, ttl_s? }` -> a new pair;
 * refresh tokens are single-use) and `GET /healthz`. Errors are `{ error_code, error_message }`.
 * Throws AuthError `AUTH_CONFIG_INVALID` for bad options and `AUTH_LISTEN_FAILED` when the port cannot be bound.
 *
 * @example
 * const auth = await startAuthService({ port: 8001 });
 * const { access_token } = await auth.issueTokens('alice');
 * const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
 * const claims = await verify(access_token); // claims.sub === 'alice'
 * await auth.close();
 */
export async function startAuthService(opts: AuthServiceOptions = {}): Promise<AuthService> {
  const settings = settingsFrom(opts);
  const host = opts.host ?? '127.0.0.1';
  const logger = safeLogger(opts.logger);
  const keys = await KeyRing.create(settings.clockToleranceS);
  // jti of each refresh token already exchanged -> its exp (s); pruned once expired.
  const usedRefreshTokens = new Map<string, number>();

  async function issueTokens(sub: string, issue: IssueOptions = {}): Promise<TokenPair> {
    checkSubject(sub);
    const permissions = checkPermissions(issue.permissions ?? [CHAT_PERMISSION]);
    const ttlS = checkTtl(issue.ttlS ?? settings.accessTtlS, 'ttlS');
    const nowS = Math.floor(Date.now() / 1000);
    const claims = (tokenType: TokenType, lifetimeS: number): JWTPayload => ({
      sub,
      iss: settings.issuer,
      aud: settings.audience,
      iat: nowS,
      nbf: nowS,
      exp: nowS + lifetimeS,
      jti: randomBytes(16).toString('base64url'),
      token_type: tokenType,
      permissions,
    });
    const accessToken = await keys.sign(claims('access', ttlS));
    const refreshToken = await keys.sign(claims('refresh', settings.refreshTtlS));
    logger.info({ event: 'tokens_issued', sub, permissions, expires_in: ttlS, kid: keys.currentKid });
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: ttlS };
  }

  async function refresh(body: unknown): Promise<TokenPair> {
    const request = parseRefreshRequest(body);
    let claims;
    try {
      claims = await verifyToken(request.refreshToken, keys.getKey, {
        issuer: settings.issuer,
        audience: settings.audience,
        clockToleranceS: settings.clockToleranceS,
        tokenType: 'refresh',
      });
    } catch (err) {
      throw err instanceof AuthError ? new AuthError(err.code, err.message, { httpStatus: 401, cause: err }) : err;
    }
    const nowS = Math.floor(Date.now() / 1000);
    for (const [jti, exp] of usedRefreshTokens) {
      if (exp + settings.clockToleranceS < nowS) usedRefreshTokens.delete(jti);
    }
    if (claims.jti === undefined) {
      throw new AuthError('TOKEN_INVALID', 'refresh token has no "jti" claim', { httpStatus: 401 });
    }
    if (usedRefreshTokens.has(claims.jti)) {
      throw new AuthError('TOKEN_INVALID', 'refresh token was already used; sign in again', { httpStatus: 401 });
    }
    usedRefreshTokens.set(claims.jti, claims.exp);
    return issueTokens(claims.sub, { permissions: claims.permissions, ttlS: request.ttlS });
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const allow = (methods: string[]): boolean => {
      if (methods.includes(method)) return true;
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `${path} accepts ${methods.join(', ')}, not ${method}`, {
        allow: methods.join(', '),
      });
      return false;
    };
    switch (path) {
      case '/.well-known/jwks.json':
        if (allow(['GET', 'HEAD'])) sendJson(res, 200, keys.jwks(), { 'cache-control': 'public, max-age=60' });
        return;
      case '/healthz':
        if (allow(['GET', 'HEAD'])) sendJson(res, 200, { status: 'ok' }, { 'cache-control': 'no-store' });
        return;
      case '/auth/token': {
        if (!allow(['POST'])) return;
        if (!settings.devTokens) {
          sendError(res, 403, 'DEV_TOKENS_DISABLED', 'development tokens are disabled on this auth service');
          return;
        }
        const request = parseTokenRequest(await readJsonBody(req));
        const pair = await issueTokens(request.sub, { permissions: request.permissions, ttlS: request.ttlS });
        sendJson(res, 200, pair, { 'cache-control': 'no-store' });
        return;
      }
      case '/auth/refresh': {
        if (!allow(['POST'])) return;
        const pair = await refresh(await readJsonBody(req));
        sendJson(res, 200, pair, { 'cache-control': 'no-store' });
        return;
      }
      default:
        sendError(res, 404, 'NOT_FOUND', `no such endpoint: ${method} ${path.slice(0, 200)}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = new URL(req.url ?? '/', 'http://auth.invalid').pathname;
    let errorCode: string | undefined;
    res.on('finish', () => {
      const entry = {
        event: 'http_request',
        method: req.method,
        path: path.slice(0, 200),
        status: res.statusCode,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        ...(errorCode ? { error_code: errorCode } : {}),
      };
      if (res.statusCode >= 500) logger.error(entry);
      else if (res.statusCode >= 400) logger.warn(entry);
      else logger.info(entry);
    });
    try {
      await route(req, res, path);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof AuthError) {
        errorCode = err.code;
        const close = err instanceof BodyError && err.closeConnection ? { connection: 'close' } : undefined;
        sendError(res, err.httpStatus ?? 400, err.code, err.message, close);
        if (close) res.once('finish', () => req.destroy());
        return;
      }
      if (req.destroyed || req.errored) return; // the client went away while sending its body
      errorCode = 'INTERNAL_ERROR';
      logger.error({ event: 'internal_error', path, error: err instanceof Error ? err.message : String(err) });
      sendError(res, 500, 'INTERNAL_ERROR', 'the auth service failed to handle this request');
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new AuthError(
          'AUTH_LISTEN_FAILED',
          `auth service cannot listen on ${host}:${opts.port ?? 0}: ${err.code ?? err.message}`,
          {
            cause: err,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => logger.error({ event: 'server_error', error: err.message }));

  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  logger.info({ event: 'listening', url, kid: keys.currentKid, dev_tokens: settings.devTokens });

  return {
    url,
    host,
    port,
    jwksUrl: `${url}/.well-known/jwks.json`,
    issuer: settings.issuer,
    audience: settings.audience,
    issueTokens,
    async rotateKeys() {
      const { retiredKid, currentKid } = await keys.rotate();
      logger.info({ event: 'keys_rotated', kid: currentKid, retired_kid: retiredKid });
    },
    signForTesting: (claims, header) => keys.sign(claims, header),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        logger.info({ event: 'closed', url });
      });
      return closing;
    },
  };
}
