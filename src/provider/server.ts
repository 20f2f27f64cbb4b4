import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { messageNames, validateClientMessage } from '../../generated/validators';
import { AuthError, createAccessVerifier, tokenFromUpgrade, type AccessClaims } from '../auth';
import { chooseAgent, type AgentRequest, type Workload } from '../agents';
import { Connection, CloseCode, type ConnectionHost } from './connection';
import { loadProtocol } from '../protocol';
import { ProviderError } from './errors';
import { DurableEventLog } from './event-log-file';
import { parseClientFrame, requestIdOf, sniffRequestId } from './frame-guard';
import { RunHub, type HubStats } from './hub';
import { newId, nowIso } from './ids';
import { HARD_FRAME_BYTES, resolveSettings, type ProviderOptions, type ProviderSettings } from './options';
import { encodeError, encodeServerMessage, type ErrorExtras, type SchemaErrorItem } from './outgoing';
import { TokenBucket } from './rate-limit';
import { executeRun } from './run-loop';

/** Counters of a running provider. */
export interface ProviderStats extends HubStats {
  /** Open sockets, authenticated or being refused. */
  sockets: number;
  /** Handshakes waiting for token verification. */
  pendingHandshakes: number;
  draining: boolean;
  slowConsumerCloses: number;
  heartbeatTerminations: number;
  tokenExpiryCloses: number;
  /** Highest bytes buffered for one connection at any send (never above `sendBufferBytes`). */
  peakBufferedBytes: number;
}

/** A running reference provider. */
export interface Provider {
  /** `ws://<host>:<port>/ws`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Graceful stop: refuses new connections (and start_agent with SERVER_DRAINING), lets running runs finish for
   * `graceMs` (default: the `drainGraceMs` option), ends the rest with agent_error PROVIDER_RESTARTED, then closes
   * every socket with 1001. Idempotent; resolves when everything is closed.
   */
  drain(graceMs?: number): Promise<void>;
  /** `drain(0)`: stops now. */
  close(): Promise<void>;
  stats(): ProviderStats;
}

const CONN = Symbol('netra.connection');
type TaggedSocket = WebSocket & { [CONN]?: Connection };

const clientTypes: ReadonlySet<string> = new Set(messageNames.client);
const MAX_REPORTED_SCHEMA_ERRORS = 20;
const SOCKET_CLOSE_WAIT_MS = 2_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function rejectHandshake(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Starts the reference WebSocket provider on `ws://<host>:<port>/ws`, verifying tokens against the auth service's
 * JWKS. See `src/provider/index.ts` for the behaviour; this is the wiring of sockets to the {@link RunHub}.
 * Throws ProviderError PROVIDER_CONFIG_INVALID (bad options) or PROVIDER_LISTEN_FAILED (port taken).
 *
 * @example
 * const auth = await startAuthService();
 * const provider = await startProvider({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
 * console.log(provider.url); // ws://127.0.0.1:40123/ws
 * await provider.drain(5_000); // SIGTERM: finish runs for up to 5 s, then close sockets with 1001
 */
export async function startProvider(opts: ProviderOptions): Promise<Provider> {
  const settings = resolveSettings(opts);
  const { logger, limits } = settings;
  const verify = createAccessVerifier({
    jwksUrl: settings.jwksUrl,
    issuer: settings.issuer,
    audience: settings.audience,
  });

  let eventLog: DurableEventLog | undefined;
  let restoredEvents: Record<string, unknown>[] = [];
  if (settings.eventLogFile !== undefined) {
    try {
      ({ log: eventLog, events: restoredEvents } = DurableEventLog.open(settings.eventLogFile, logger));
    } catch (err) {
      throw new ProviderError(
        'EVENT_LOG_UNREADABLE',
        `cannot open the event log ${settings.eventLogFile}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  const hub = new RunHub({
    retentionMs: settings.retentionMs,
    maxRetainedRuns: settings.maxRetainedRuns,
    maxRetainedBytes: settings.maxRetainedBytes,
    maxRunsPerUser: settings.maxRunsPerUser,
    maxEventsPerRun: 100_000,
    requestIdsPerUser: 1_000,
    logger,
    faultInjection: settings.faultInjection,
    eventLog,
  });
  if (eventLog !== undefined) {
    const restored = hub.restore(restoredEvents);
    eventLog.rewrite(hub.retainedLines());
    logger.info('event log restored', { file: eventLog.file, runs: restored.runs, interrupted: restored.interrupted });
  }
  restoredEvents = [];

  const counters = { slowConsumerCloses: 0, heartbeatTerminations: 0, tokenExpiryCloses: 0 };
  const sockets = new Set<WebSocket>();
  const pending = new Set<Duplex>();
  const subprotocolOf = new WeakMap<IncomingMessage, string>();
  let draining = false;
  let socketsGone: (() => void) | undefined;

  const host: ConnectionHost = {
    sendBufferBytes: settings.sendBufferBytes,
    slowCloseGraceMs: settings.slowCloseGraceMs,
    peakBufferedBytes: 0,
    detach(conn, why) {
      if (!conn.open) return;
      conn.open = false;
      hub.detach(conn);
      if (why === 'slow_consumer') {
        counters.slowConsumerCloses++;
        logger.warn('slow consumer closed (1013); its events stay available to resume', {
          conn: conn.id,
          user_id: conn.userId,
          buffered: conn.ws.bufferedAmount,
        });
      }
    },
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_FRAME_BYTES,
    skipUTF8Validation: true,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (_protocols, req) => subprotocolOf.get(req) ?? false,
  });

  const sendError = (conn: Connection, code: string, message: string, extras: ErrorExtras = {}): void => {
    conn.send(encodeError(code, message, extras, logger));
  };

  // ---- handshake ----------------------------------------------------------------------------------------------

  const refuse = (ws: WebSocket, err: unknown): void => {
    const auth = err instanceof AuthError;
    const code = auth ? err.code : 'AUTH_FAILED';
    const message = auth ? err.message : 'The access token could not be verified.';
    if (!auth) logger.error('token verification failed unexpectedly', { error: err });
    logger.info('connection refused', { error_code: code });
    ws.send(encodeError(code, message, {}, logger));
    ws.close(CloseCode.policy, code);
  };

  const accept = (ws: TaggedSocket, claims: AccessClaims): void => {
    const conn = new Connection(
      newId('conn'),
      claims.sub,
      ws,
      claims.exp * 1000,
      new TokenBucket(limits.client_frames_per_second, limits.client_frames_burst),
      host,
    );
    ws[CONN] = conn;
    const established = encodeServerMessage(
      {
        type: 'connection_established',
        connection_id: conn.id,
        user_id: conn.userId,
        server_time: nowIso(),
        protocol_version: loadProtocol().protocolVersion,
        token_expires_at: new Date(conn.tokenExpiresAt).toISOString(),
        heartbeat_interval_ms: settings.heartbeatMs,
        max_frame_bytes: limits.max_client_frame_bytes,
      },
      logger,
    );
    if (established === undefined) {
      ws.close(CloseCode.internal, 'internal error');
      return;
    }
    // connection_established first; only then may the connection receive run events.
    if (!conn.send(established)) return;
    hub.attach(conn);
    logger.debug('connection open', { conn: conn.id, user_id: conn.userId });
    ws.on('message', onMessage);
    ws.on('pong', onPong);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://provider').pathname;
    } catch {
      path = '';
    }
    if (path !== loadProtocol().address) return rejectHandshake(socket, 404, 'Not Found');
    if (draining) return rejectHandshake(socket, 503, 'Service Unavailable');
    const offered = tokenFromUpgrade(req);
    if (offered.subprotocol !== undefined) subprotocolOf.set(req, offered.subprotocol);
    pending.add(socket);
    const complete = (claims: AccessClaims | undefined, err: unknown): void => {
      pending.delete(socket);
      if (socket.destroyed) return;
      if (draining) return rejectHandshake(socket, 503, 'Service Unavailable');
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', onClose);
        ws.on('error', onSocketError);
        if (claims !== undefined) accept(ws, claims);
        else refuse(ws, err);
      });
    };
    const verified: Promise<AccessClaims> = offered.malformed
      ? Promise.reject(new AuthError('TOKEN_INVALID', 'the Authorization header or jwt. subprotocol is malformed'))
      : verify(offered.token);
    verified.then(
      (claims) => complete(claims, undefined),
      (err: unknown) => complete(undefined, err),
    );
  };

  // ---- socket events (shared functions: no per-connection closures) -------------------------------------------

  function onPong(this: TaggedSocket): void {
    const conn = this[CONN];
    if (conn !== undefined) conn.missedPongs = 0;
  }

  function onSocketError(this: TaggedSocket, err: Error): void {
    logger.debug('socket error', { conn: this[CONN]?.id, error: err });
  }

  function onClose(this: TaggedSocket, code: number): void {
    sockets.delete(this);
    const conn = this[CONN];
    if (conn !== undefined) {
      host.detach(conn, 'closed');
      logger.debug('connection closed', { conn: conn.id, user_id: conn.userId, code });
    }
    if (sockets.size === 0 && socketsGone !== undefined) socketsGone();
  }

  function onMessage(this: TaggedSocket, data: Buffer, isBinary: boolean): void {
    const conn = this[CONN];
    if (conn === undefined || !conn.open) return;
    try {
      handleFrame(conn, data, isBinary);
    } catch (err) {
      logger.error('message handler failed', { conn: conn.id, error: err });
      sendError(conn, 'INTERNAL_ERROR', 'The server failed to handle this message.');
    }
  }

  // ---- client messages ----------------------------------------------------------------------------------------

  const frameLimits = { maxFrameBytes: limits.max_client_frame_bytes, maxJsonDepth: limits.max_json_depth };

  const handleFrame = (conn: Connection, data: Buffer, isBinary: boolean): void => {
    if (!conn.bucket.take()) {
      // A bounded look for the request_id: a flood must stay cheap to refuse.
      const requestId = isBinary ? undefined : sniffRequestId(data);
      const rate = limits.client_frames_per_second;
      sendError(
        conn,
        'RATE_LIMITED',
        `Too many frames: at most ${rate} per second (burst ${limits.client_frames_burst}); this one was dropped.`,
        { requestId },
      );
      return;
    }
    const frame = parseClientFrame(data, isBinary, frameLimits);
    if (!frame.ok) return sendError(conn, frame.code, frame.message, { requestId: frame.requestId });
    const msg = frame.value;
    const requestId = requestIdOf(msg);
    if (!isRecord(msg)) {
      return sendError(conn, 'SCHEMA_VALIDATION_FAILED', 'A message must be a JSON object with a "type".', {
        details: { errors: [{ pointer: '', keyword: 'type', message: 'must be object' }] },
      });
    }
    if (typeof msg.type !== 'string' || !clientTypes.has(msg.type)) {
      const shown = typeof msg.type === 'string' ? JSON.stringify(msg.type.slice(0, 64)) : 'missing';
      return sendError(
        conn,
        'UNKNOWN_MESSAGE_TYPE',
        `Unknown message type ${shown}; expected one of ${[...clientTypes].join(', ')}.`,
        {
          requestId,
        },
      );
    }
    const checked = validateClientMessage(msg);
    if (!checked.ok) {
      const errors = (checked.errors as SchemaErrorItem[]).slice(0, MAX_REPORTED_SCHEMA_ERRORS);
      const first = errors[0];
      return sendError(
        conn,
        'SCHEMA_VALIDATION_FAILED',
        `${msg.type}: ${first ? `${first.pointer || '/'} ${first.message}` : 'invalid'}`,
        {
          requestId,
          details: { errors },
        },
      );
    }
    switch (msg.type) {
      case 'start_agent':
        return handleStart(conn, msg);
      case 'resume':
        return handleResume(conn, msg);
      case 'cancel_run':
        return handleCancel(conn, msg);
      case 'auth_refresh':
        return handleRefresh(conn, msg);
    }
  };

  const handleStart = (conn: Connection, msg: Record<string, unknown>): void => {
    const requestId = msg.request_id as string;
    const threadId = msg.thread_id as string | undefined;
    if (draining) {
      return sendError(conn, 'SERVER_DRAINING', 'The server is shutting down; reconnect and send the request again.', {
        requestId,
      });
    }
    const refusal = hub.checkStart(conn.userId, requestId, threadId);
    if (refusal === 'DUPLICATE_REQUEST') {
      // Says which run the first one started, so a client whose connection died before agent_started can resume it.
      const started = hub.startedBy(conn.userId, requestId);
      return sendError(
        conn,
        refusal,
        `request_id ${JSON.stringify(requestId)} was already used; use a new one for a new request.`,
        started ? { requestId, runId: started.runId, details: { thread_id: started.threadId } } : { requestId },
      );
    }
    if (refusal === 'FORBIDDEN') {
      return sendError(conn, refusal, 'This thread does not exist or is not available to you.', { requestId });
    }
    if (refusal === 'TOO_MANY_RUNS') {
      return sendError(
        conn,
        refusal,
        `You already have ${settings.maxRunsPerUser} runs in progress; wait for one to end.`,
        { requestId },
      );
    }
    // Each run gets its own copy of the workload: nothing mutable is shared between runs or users. Without one the
    // agent works on the user's sample workload and says so (resolveWorkload in the run loop).
    const request: AgentRequest = { userId: conn.userId, userRequest: msg.user_request as string };
    if (msg.context !== undefined) request.workload = structuredClone(msg.context) as Workload;
    if (typeof msg.agent_name === 'string') request.agentName = msg.agent_name;
    const agentName = request.agentName ?? chooseAgent(request);
    const run = hub.startRun({ userId: conn.userId, requestId, threadId, connectionId: conn.id, agentName });
    logger.info('run started', {
      run_id: run.ctx.runId,
      thread_id: run.ctx.threadId,
      user_id: conn.userId,
      conn: conn.id,
      agent_name: agentName,
    });
    executeRun(run, { ...request, agentName }, runLoopDeps).catch((err: unknown) => {
      logger.error('run loop failed', { run_id: run.ctx.runId, error: err });
    });
  };

  const handleResume = (conn: Connection, msg: Record<string, unknown>): void => {
    const runId = msg.run_id as string;
    const requestId = msg.request_id as string | undefined;
    if (hub.resume(conn, runId, msg.last_seq as number) === 'forbidden') {
      sendError(conn, 'FORBIDDEN', 'This run does not exist or is not available to you.', { requestId, runId });
    }
  };

  const handleCancel = (conn: Connection, msg: Record<string, unknown>): void => {
    const runId = msg.run_id as string;
    const requestId = msg.request_id as string | undefined;
    const outcome = hub.cancel(conn, runId);
    if (outcome === 'forbidden') {
      sendError(conn, 'FORBIDDEN', 'This run does not exist or is not available to you.', { requestId, runId });
    } else if (outcome === 'not_active') {
      sendError(conn, 'RUN_NOT_ACTIVE', 'This run has already ended.', { requestId, runId });
    }
  };

  const handleRefresh = (conn: Connection, msg: Record<string, unknown>): void => {
    const requestId = msg.request_id as string | undefined;
    verify(msg.token as string).then(
      (claims) => {
        if (!conn.open) return;
        if (claims.sub !== conn.userId) {
          logger.warn('auth_refresh for another user; connection closed', { conn: conn.id, user_id: conn.userId });
          conn.closeWith(
            CloseCode.policy,
            'AUTH_USER_MISMATCH',
            encodeError(
              'AUTH_USER_MISMATCH',
              'The new token belongs to another user; this connection is closed.',
              { requestId },
              logger,
            ),
          );
          return;
        }
        conn.tokenExpiresAt = Math.max(conn.tokenExpiresAt, claims.exp * 1000);
        logger.debug('connection refreshed', {
          conn: conn.id,
          token_expires_at: new Date(conn.tokenExpiresAt).toISOString(),
        });
      },
      (err: unknown) => {
        if (!conn.open) return;
        const code = err instanceof AuthError ? err.code : 'AUTH_FAILED';
        const message = err instanceof AuthError ? err.message : 'The new token could not be verified.';
        sendError(conn, code, `${message}; the connection keeps its current expiry.`, { requestId });
      },
    );
  };

  const runLoopDeps = {
    hub,
    logger,
    latency: { thinkMs: settings.thinkMs, toolMs: settings.toolMs, jitter: settings.jitter },
    runTimeoutMs: settings.runTimeoutMs,
  };

  // ---- shared sweeps: one timer each for all connections ------------------------------------------------------

  const heartbeat = setInterval(() => {
    for (const conn of hub.allConnections()) {
      if (conn.missedPongs >= 2) {
        counters.heartbeatTerminations++;
        logger.info('connection missed two pongs; terminated', { conn: conn.id, user_id: conn.userId });
        host.detach(conn, 'heartbeat');
        conn.ws.terminate();
        continue;
      }
      conn.missedPongs++;
      try {
        conn.ws.ping();
      } catch {
        // socket already closing; the close handler cleans up
      }
    }
  }, settings.heartbeatMs);
  heartbeat.unref();

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const conn of hub.allConnections()) {
      if (now < conn.tokenExpiresAt) continue;
      counters.tokenExpiryCloses++;
      logger.info('token expired; connection closed', { conn: conn.id, user_id: conn.userId });
      conn.closeWith(
        CloseCode.policy,
        'TOKEN_EXPIRED',
        encodeError(
          'TOKEN_EXPIRED',
          'The access token expired; reconnect with a new token and resume your runs (they keep going).',
          {},
          logger,
        ),
      );
    }
    hub.sweep(now);
    if (eventLog !== undefined && eventLog.appendedBytes > Math.max(8 * 1024 * 1024, 2 * hub.stats().retainedBytes)) {
      eventLog.rewrite(hub.retainedLines());
    }
  }, settings.sweepMs);
  sweeper.unref();

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') {
      res.writeHead(draining ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: draining ? 'draining' : 'ok' }));
      return;
    }
    res.writeHead(path === loadProtocol().address ? 426 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: path === loadProtocol().address ? 'use a WebSocket upgrade' : 'not found' }));
  };

  const server: Server = createServer(onRequest);
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        new ProviderError(
          'PROVIDER_LISTEN_FAILED',
          `cannot listen on ${settings.host}:${settings.port}: ${err.code ?? err.message}`,
          { cause: err },
        ),
      );
    };
    server.once('error', onError);
    server.listen(settings.port, settings.host, () => {
      server.off('error', onError);
      resolve();
    });
  }).catch((err: unknown) => {
    clearInterval(heartbeat);
    clearInterval(sweeper);
    eventLog?.close();
    throw err;
  });
  server.on('error', (err) => logger.error('server error', { error: err }));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const hostForUrl = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `ws://${hostForUrl}:${port}${loadProtocol().address}`;

  // ---- drain --------------------------------------------------------------------------------------------------

  let drained: Promise<void> | undefined;
  const drain = (graceMs: number = settings.drainGraceMs): Promise<void> => {
    drained ??= (async () => {
      draining = true;
      logger.info('draining', { active_runs: hub.activeRuns, connections: hub.connectionCount, grace_ms: graceMs });
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of pending) socket.destroy();
      if (hub.activeRuns > 0 && graceMs > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([hub.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      const stopped = hub.stopAll();
      if (stopped > 0) logger.warn('drain grace over: runs ended with PROVIDER_RESTARTED', { runs: stopped });
      for (const conn of [...hub.allConnections()]) conn.closeWith(CloseCode.draining, 'server draining');
      for (const ws of sockets) if (ws.readyState === 1) ws.close(CloseCode.draining, 'server draining');
      if (sockets.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (socketsGone = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, SOCKET_CLOSE_WAIT_MS))),
        ]);
        clearTimeout(timer);
        for (const ws of sockets) ws.terminate();
      }
      clearInterval(heartbeat);
      clearInterval(sweeper);
      wss.close();
      server.closeAllConnections();
      await serverClosed;
      eventLog?.close();
      logger.info('stopped', { runs_stopped: stopped });
    })();
    return drained;
  };

  return {
    url,
    host: settings.host,
    port,
    drain,
    close: () => drain(0),
    stats: () => ({
      ...hub.stats(),
      sockets: sockets.size,
      pendingHandshakes: pending.size,
      draining,
      ...counters,
      peakBufferedBytes: host.peakBufferedBytes,
    }),
  };
}

export type { ProviderOptions, ProviderSettings };
