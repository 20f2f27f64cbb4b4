import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/logger';
import { AuthError } from './errors';
import { BodyError, readJsonBody, sendError, sendJson } from './http-io';
import type { KeyRing } from './keys';
import { isLoopback } from '../util/loopback';
import { parseTokenRequest } from './requests';
import type { TokenIssuer } from './token-issuer';

/** What the HTTP API serves from. */
export interface RouteContext {
  keys: KeyRing;
  tokens: TokenIssuer;
  logger: Logger;
  /** Whether `POST /auth/token` mints development tokens at all. */
  devTokens: boolean;
  /** Whether it mints them for clients that are not on loopback. */
  devTokensFromAnyAddress: boolean;
}

/**
 * The auth service's HTTP API: `GET /.well-known/jwks.json`, `GET /healthz`, `POST /auth/token` (dev tokens),
 * `POST /auth/refresh`. Every request is logged once, with its status; errors are `{ error_code, error_message }`.
 */
export class AuthRoutes {
  constructor(private readonly ctx: RouteContext) {}

  /** Handles one request; never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const path = pathOf(req);
    let errorCode: string | undefined;
    res.on('finish', () => this.logRequest(req, res, path, started, errorCode));
    try {
      await this.route(req, res, path);
    } catch (err) {
      errorCode = this.answerError(req, res, path, err);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
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
        if (allow(['GET', 'HEAD'])) sendJson(res, 200, this.ctx.keys.jwks(), { 'cache-control': 'public, max-age=60' });
        return;
      case '/healthz':
        if (allow(['GET', 'HEAD'])) sendJson(res, 200, { status: 'ok' }, { 'cache-control': 'no-store' });
        return;
      case '/auth/token':
        if (allow(['POST'])) await this.devToken(req, res);
        return;
      case '/auth/refresh':
        if (!allow(['POST'])) return;
        sendJson(res, 200, await this.ctx.tokens.refresh(await readJsonBody(req)), { 'cache-control': 'no-store' });
        return;
      default:
        sendError(res, 404, 'NOT_FOUND', `no such endpoint: ${method} ${path.slice(0, 200)}`);
    }
  }

  private async devToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.ctx.devTokens) {
      sendError(res, 403, 'DEV_TOKENS_DISABLED', 'development tokens are disabled on this auth service');
      return;
    }
    // Anyone who reaches this endpoint can act as any user: only this machine may, unless explicitly opened.
    if (!this.ctx.devTokensFromAnyAddress && !isLoopback(req.socket.remoteAddress)) {
      sendError(
        res,
        403,
        'DEV_TOKENS_LOOPBACK_ONLY',
        'development tokens are served to loopback clients only (the operator can open them to other interfaces)',
      );
      return;
    }
    const request = parseTokenRequest(await readJsonBody(req));
    const pair = await this.ctx.tokens.issue(request.sub, { permissions: request.permissions, ttlS: request.ttlS });
    sendJson(res, 200, pair, { 'cache-control': 'no-store' });
  }

  /** Answers a failed request (when it still can) and returns the error code to log. */
  private answerError(req: IncomingMessage, res: ServerResponse, path: string, err: unknown): string | undefined {
    if (res.headersSent) {
      res.destroy();
      return undefined;
    }
    if (err instanceof AuthError) {
      const close = err instanceof BodyError && err.closeConnection ? { connection: 'close' } : undefined;
      sendError(res, err.httpStatus ?? 400, err.code, err.message, close);
      if (close) res.once('finish', () => req.destroy());
      return err.code;
    }
    if (req.destroyed || req.errored) return undefined; // the client went away while sending its body
    this.ctx.logger.error('internal error', { component: 'auth', path, error: err });
    sendError(res, 500, 'INTERNAL_ERROR', 'the auth service failed to handle this request');
    return 'INTERNAL_ERROR';
  }

  private logRequest(req: IncomingMessage, res: ServerResponse, path: string, started: number, code?: string): void {
    const fields = {
      component: 'auth',
      method: req.method,
      path: path.slice(0, 200),
      status: res.statusCode,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      ...(code ? { error_code: code } : {}),
    };
    if (res.statusCode >= 500) this.ctx.logger.error('http request', fields);
    else if (res.statusCode >= 400) this.ctx.logger.warn('http request', fields);
    else this.ctx.logger.info('http request', fields);
  }
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://auth.invalid').pathname;
  } catch {
    return '/';
  }
}
