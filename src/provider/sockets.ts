import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { refuseSocket, WebSocketHandshake, type AccessClaims, type AuthError, type HandshakeOutcome } from '../auth';
import { loadProtocol } from '../protocol';
import { CloseCode, Connection } from './connection';
import type { ProviderContext } from './context';
import { FrameRouter } from './frame-router';
import { newId, nowIso } from './ids';
import { HARD_FRAME_BYTES } from './options';
import { encodeError, encodeServerMessage } from './outgoing';
import { TokenBucket } from './rate-limit';
import { mapLibraryCloseCodes } from './ws-limits';

const CONN = Symbol('netra.connection');
const LAYER = Symbol('netra.socket-layer');
/** A socket without a connection (being refused, or in admission) answers pings only while little is buffered. */
const PING_ANSWER_MAX_BUFFERED = 64 * 1024;
type TaggedSocket = WebSocket & { [CONN]?: Connection; [LAYER]?: SocketLayer };

/** The socket layer's state, for `stats()` and `drain()`. */
export interface SocketCounts {
  sockets: number;
  pendingHandshakes: number;
}

function rejectHandshake(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Upgrades and sockets: the handshake through the shared auth layer ({@link WebSocketHandshake}: credentials,
 * verification, the subprotocol echo), `connection_established`, then the socket's frames to the {@link FrameRouter}.
 * Socket events are shared functions (no closure per connection); the connection rides on its socket.
 */
export class SocketLayer {
  readonly sockets = new Set<WebSocket>();
  private readonly pending = new Set<Duplex>();
  private readonly handshake: WebSocketHandshake;
  private readonly wss: WebSocketServer;
  private readonly router: FrameRouter;
  private socketsGone: (() => void) | undefined;

  constructor(private readonly ctx: ProviderContext) {
    this.handshake = new WebSocketHandshake({ verify: ctx.verify, logger: ctx.logger });
    this.router = new FrameRouter(ctx);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: HARD_FRAME_BYTES,
      skipUTF8Validation: true,
      perMessageDeflate: false,
      clientTracking: false,
      // Pings are answered by the connection, under the same send-buffer bound as everything else (onPing).
      autoPong: false,
      handleProtocols: this.handshake.handleProtocols,
    });
  }

  counts(): SocketCounts {
    return { sockets: this.sockets.size, pendingHandshakes: this.pending.size };
  }

  /** The HTTP server's `upgrade` event. */
  readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://provider').pathname;
    } catch {
      path = '';
    }
    if (path !== loadProtocol().address) return rejectHandshake(socket, 404, 'Not Found');
    if (this.ctx.draining()) return rejectHandshake(socket, 503, 'Service Unavailable');
    this.pending.add(socket);
    // authenticate() never rejects; the catch is for a bug below it, which must not become an unhandled rejection.
    this.handshake
      .authenticate(req)
      .then((outcome) => this.complete(req, socket, head, outcome))
      .catch((err: unknown) => {
        this.ctx.logger.error('handshake failed', { error: err });
        this.pending.delete(socket);
        rejectHandshake(socket, 500, 'Internal Server Error');
      });
  };

  private complete(req: IncomingMessage, socket: Duplex, head: Buffer, outcome: HandshakeOutcome): void {
    this.pending.delete(socket);
    if (socket.destroyed) return;
    if (this.ctx.draining()) return rejectHandshake(socket, 503, 'Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      (ws as TaggedSocket)[LAYER] = this;
      mapLibraryCloseCodes(ws);
      ws.on('ping', onPing);
      ws.on('close', onClose);
      ws.on('error', onSocketError);
      if (!outcome.ok) return this.refuse(ws, outcome.error);
      this.accept(ws, socket, outcome.claims).catch((err: unknown) => {
        this.ctx.logger.error('accepting a connection failed; closed 1011', { error: err });
        const conn = (ws as TaggedSocket)[CONN];
        if (conn !== undefined) conn.closeWith(CloseCode.internal, 'internal error');
        else ws.close(CloseCode.internal, 'internal error');
      });
    });
  }

  private refuse(ws: WebSocket, error: AuthError): void {
    this.ctx.logger.info('connection refused', { error_code: error.code });
    refuseSocket(ws, error, encodeError(error.code, error.message, {}, this.ctx.logger));
  }

  private async accept(ws: TaggedSocket, socket: Duplex, claims: AccessClaims): Promise<void> {
    const { settings } = this.ctx;
    const bucket = new TokenBucket(settings.limits.client_frames_per_second, settings.limits.client_frames_burst);
    const conn = new Connection(newId('conn'), claims.sub, ws, socket, claims.exp * 1000, bucket, this.ctx.host);
    ws[CONN] = conn;
    // No frame is read until the connection is admitted and established (an async counters seam takes a while);
    // reading resumes whatever happened, so that a refused socket's closing handshake can complete.
    ws.pause();
    try {
      await this.establish(conn);
    } finally {
      ws.resume();
    }
  }

  /** Admission (the user's connection counter), connection_established, then the socket's frames and pongs. */
  private async establish(conn: Connection): Promise<void> {
    const { settings, hub, logger } = this.ctx;
    const ws = conn.ws;
    if (!(await hub.admit(conn))) {
      const text = 'You have too many connections open; close one and retry.';
      conn.closeWith(CloseCode.policy, 'TOO_MANY_CONNECTIONS', encodeError('TOO_MANY_CONNECTIONS', text, {}, logger));
      return;
    }
    if (!conn.open) return hub.detach(conn); // closed while admission was pending
    const established = encodeServerMessage(
      {
        type: 'connection_established',
        connection_id: conn.id,
        user_id: conn.userId,
        server_time: nowIso(),
        protocol_version: loadProtocol().protocolVersion,
        token_expires_at: new Date(conn.tokenExpiresAt).toISOString(),
        heartbeat_interval_ms: settings.heartbeatMs,
        max_frame_bytes: settings.limits.max_client_frame_bytes,
      },
      logger,
    );
    if (established === undefined) return conn.closeWith(CloseCode.internal, 'internal error');
    // connection_established first; only then may the connection receive run events.
    if (!conn.send(established)) return;
    hub.attach(conn);
    logger.debug('connection open', { conn: conn.id, user_id: conn.userId });
    ws.on('message', onMessage);
    ws.on('pong', onPong);
  }

  /** A socket closed (shared `close` listener). */
  closed(ws: TaggedSocket, code: number): void {
    this.sockets.delete(ws);
    const conn = ws[CONN];
    if (conn !== undefined) {
      this.ctx.host.detach(conn, 'closed');
      this.ctx.logger.debug('connection closed', { conn: conn.id, user_id: conn.userId, code });
    }
    if (this.sockets.size === 0 && this.socketsGone !== undefined) this.socketsGone();
  }

  /** A frame of an authenticated connection (shared `message` listener). */
  route(conn: Connection, data: Buffer, isBinary: boolean): void {
    this.router.handle(conn, data, isBinary);
  }

  socketError(ws: TaggedSocket, err: Error): void {
    this.ctx.logger.debug('socket error', { conn: ws[CONN]?.id, error: err });
  }

  /** Drain: destroys handshakes in progress. */
  destroyPending(): void {
    for (const socket of this.pending) socket.destroy();
  }

  /** Drain: closes every socket with 1001, waits up to `waitMs` for them to go, then terminates the rest. */
  async closeAll(waitMs: number): Promise<void> {
    for (const conn of [...this.ctx.hub.allConnections()]) conn.closeWith(CloseCode.draining, 'server draining');
    for (const ws of this.sockets) if (ws.readyState === 1) ws.close(CloseCode.draining, 'server draining');
    if (this.sockets.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.socketsGone = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))),
      ]);
      clearTimeout(timer);
      for (const ws of this.sockets) ws.terminate();
    }
    this.wss.close();
  }
}

// Socket listeners shared by every socket (no closure per connection): the socket carries its layer and connection.

function onClose(this: TaggedSocket, code: number): void {
  this[LAYER]?.closed(this, code);
}

function onMessage(this: TaggedSocket, data: Buffer, isBinary: boolean): void {
  const conn = this[CONN];
  if (conn !== undefined && conn.open) this[LAYER]?.route(conn, data, isBinary);
}

function onSocketError(this: TaggedSocket, err: Error): void {
  this[LAYER]?.socketError(this, err);
}

/** A peer's ping: answered by its connection (a peer that does not read its pongs is a slow consumer, 1013). */
function onPing(this: TaggedSocket, data: Buffer): void {
  const conn = this[CONN];
  if (conn !== undefined) conn.answerPing(data);
  else if (this.readyState === 1 && this.bufferedAmount < PING_ANSWER_MAX_BUFFERED) this.pong(data);
}

function onPong(this: TaggedSocket): void {
  const conn = this[CONN];
  if (conn !== undefined) conn.missedPongs = 0;
}
