import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { performance } from 'perf_hooks';
import type { Duplex } from 'stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AuthError,
  createAccessVerifier,
  credentialsFromUpgrade,
  startAuthService,
  WebSocketHandshake,
  type AccessVerifier,
  type AuthService,
} from '../../auth';
import { unverifiedClaims } from '../auth';
import { loadProtocol } from '../../protocol';
import { ReplayError } from '../replay/errors';
import { buildScript } from './script';
import { mismatchFrame, SessionPlayer, type Offered } from './session-player';
import type { ReplayServerOptions, ReplayServerSummary } from './types';

/**
 * Consumer verification: serves recorded sessions over a real WebSocket on `ws://host:port<address>`, so frontend
 * code (and our own tools) are tested against real traffic. Tokens come from `POST http://host:port/auth/token` (an
 * auth service started for the replay; any user, any ttl) and are verified like a provider verifies them.
 *
 * Explicit state: the session players (served one at a time, in order; a consumer may pick one with
 * `?session=<scenario>`), the count of consumer connections nothing matched, and whether it is closing. See
 * `SessionPlayer` for matching and checking, `ConnPlayer` for pacing.
 *
 * @example
 * const server = await ReplayServer.start({ sessions: [session], speed: 0 });
 * // ... drive the consumer against server.url, tokens from server.authUrl ...
 * const summary = await server.done;
 * await server.close();
 */
export class ReplayServer {
  readonly url: string;
  /** `http://host:port`: `POST /auth/token` `{ sub, permissions?, ttl_s? }` gives tokens this server accepts. */
  readonly authUrl: string;
  readonly port: number;
  /** Resolves when every session was served to its end (or the server was closed). */
  readonly done: Promise<ReplayServerSummary>;
  private resolveDone: (summary: ReplayServerSummary) => void = () => undefined;
  private readonly players: SessionPlayer[];
  private readonly wss: WebSocketServer;
  private readonly verify: AccessVerifier;
  /** The shared handshake layer (credentials, verification, subprotocol echo), as the provider uses it. */
  private readonly handshake: WebSocketHandshake;
  private unmatched = 0;
  private closed = false;
  private closing: Promise<ReplayServerSummary> | undefined;

  private constructor(
    options: Required<Pick<ReplayServerOptions, 'sessions' | 'speed'>>,
    /** The auth service behind `/auth/*` (tests can `signForTesting` deliberately bad tokens with it). */
    readonly auth: AuthService,
    private readonly server: Server,
    host: string,
  ) {
    const started = performance.now();
    const now = (): number => performance.now() - started;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    this.handshake = new WebSocketHandshake({ verify: this.verify });
    this.players = options.sessions.map(
      (session) =>
        new SessionPlayer(
          buildScript(session),
          now,
          options.speed,
          (t) => this.checkToken(t),
          () => this.checkDone(),
        ),
    );
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: this.handshake.handleProtocols,
    });
    this.port = (server.address() as { port: number }).port;
    const hostForUrl = host.includes(':') ? `[${host}]` : host;
    this.url = `ws://${hostForUrl}:${this.port}${loadProtocol().address}`;
    this.authUrl = `http://${hostForUrl}:${this.port}`;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
  }

  /** Starts a replay server. Throws ReplayError REPLAY_OPTIONS_INVALID or REPLAY_SERVER_LISTEN_FAILED. */
  static async start(options: ReplayServerOptions): Promise<ReplayServer> {
    const speed = options.speed ?? 1;
    if (!(speed >= 0) || !Number.isFinite(speed))
      throw new ReplayError('REPLAY_OPTIONS_INVALID', `speed must be a number >= 0, got ${speed}`);
    if (options.sessions.length === 0) throw new ReplayError('REPLAY_OPTIONS_INVALID', 'no sessions to serve');
    const host = options.host ?? '127.0.0.1';
    const auth = await startAuthService({ host, port: 0 });
    const server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) => {
          const why = `cannot listen on ${host}:${options.port ?? 0}: ${err.code ?? err.message}`;
          reject(new ReplayError('REPLAY_SERVER_LISTEN_FAILED', why, { cause: err }));
        });
        server.listen(options.port ?? 0, host, () => resolve());
      });
    } catch (err) {
      await auth.close();
      throw err;
    }
    return new ReplayServer({ sessions: options.sessions, speed }, auth, server, host);
  }

  summary(): ReplayServerSummary {
    const sessions = this.players.map((p) => p.summary());
    const ok = sessions.every((s) => s.complete && s.mismatches.length === 0) && this.unmatched === 0;
    return { ok, sessions, unmatched: this.unmatched };
  }

  close(): Promise<ReplayServerSummary> {
    this.closing ??= (async () => {
      this.closed = true;
      const result = this.summary();
      for (const player of this.players) player.shutdown();
      this.wss.close();
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      await this.auth.close();
      this.resolveDone(result);
      return result;
    })();
    return this.closing;
  }

  private checkDone(): void {
    if (this.players.every((p) => p.complete)) this.resolveDone(this.summary());
  }

  private async checkToken(token: string | undefined): Promise<{ user?: string; refusal?: string }> {
    try {
      return { user: (await this.verify(token)).sub };
    } catch (err) {
      return { refusal: err instanceof AuthError ? err.code : 'AUTH_FAILED' };
    }
  }

  private async offered(req: IncomingMessage): Promise<Offered> {
    const outcome = await this.handshake.authenticate(req);
    if (outcome.ok) return { user: outcome.claims.sub };
    // The `sub` of a refused token, read without verifying it, names the consumer's user in served frames.
    const token = credentialsFromUpgrade(req).token;
    const sub = token === undefined ? undefined : unverifiedClaims(token)?.sub;
    return { refusal: outcome.error.code, ...(typeof sub === 'string' ? { sub } : {}) };
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://replay');
    if (url.pathname !== loadProtocol().address || this.closed) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const wanted = url.searchParams.get('session');
    this.offered(req)
      .then((offered) => {
        if (socket.destroyed) return;
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, offered, wanted));
      })
      .catch(() => socket.destroy());
  }

  private accept(ws: WebSocket, offered: Offered, wanted: string | null): void {
    const player = wanted
      ? this.players.find((p) => (p.script.name === wanted || p.script.file.endsWith(wanted)) && !p.complete)
      : this.players.find((p) => !p.complete);
    if (player === undefined) {
      this.unmatched++;
      ws.send(mismatchFrame(wanted ? `no unserved session ${wanted}` : 'every session was served already', {}));
      ws.close(1008, 'REPLAY_MISMATCH');
      return;
    }
    const found = player.match(offered);
    if (typeof found === 'string') {
      this.unmatched++;
      player.mismatch(undefined, undefined, found);
      ws.send(mismatchFrame(found, { session: player.script.name }));
      ws.close(1008, 'REPLAY_MISMATCH');
      return;
    }
    player.attach(found, ws);
  }

  // Token requests go to the auth service, so a consumer needs one URL only.
  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/auth/') && !path.startsWith('/.well-known/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const upstream = httpRequest(
      `${this.auth.url}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }
}

/**
 * Starts a {@link ReplayServer} (the function form).
 *
 * @example
 * const server = await startReplayServer({ sessions: [await readSession('contracts/sessions/first-message.session.jsonl')], speed: 0 });
 */
export function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  return ReplayServer.start(options);
}
