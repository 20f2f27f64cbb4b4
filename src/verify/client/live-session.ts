import { performance } from 'perf_hooks';
import WebSocket from 'ws';
import type { SessionWriter } from '../../sessions/writer';
import { loadProtocol } from '../../protocol';
import { LiveClientError } from './errors';
import { HeldSeqs } from './held-seqs';
import { LiveConn, type ConnHost, type TokenVia } from './live-conn';
import { WaitSet } from './waiters';

/** A run as the live clients of a session saw it. */
export interface LiveRun {
  runId: string;
  /** The user of the connection that first received one of its events. */
  user: string | null;
  requestId?: string;
  threadId?: string;
  /** The terminal event, once any connection received it. */
  terminal?: Record<string, unknown>;
  /** Session time at which a connection first received the terminal event. */
  endedAt?: number;
}

/** How to open one connection. */
export interface ConnectOptions {
  /** The WebSocket URL (one of the target's `urls`). */
  url: string;
  /** The token's `sub` (recorded as the open record's `user` when the server accepts the token). */
  user: string | null;
  /** Undefined: no token at all. */
  token?: string;
  /** The kind of credential presented, written as the open record's `token_kind`. */
  tokenKind: string;
  via: TokenVia;
  /** Extra handshake headers (the target's, e.g. `Origin`). */
  headers?: Record<string, string>;
  /** CA certificates for `wss://` with a private CA. */
  ca?: Buffer;
  /** Handshake timeout, ms. Default 10000. */
  timeoutMs?: number;
}

/**
 * A set of live client connections whose traffic is written, as it happens, to one session file: the one WebSocket
 * client of `record`, `replay` and `conformance`. It tracks runs (by request, per user), what each user's client
 * holds of each run (for `resume` from the last contiguous seq), refusals of requests, and wakes waiters on every
 * frame and close.
 *
 * @example
 * const live = new LiveSession(createSessionWriter(file, { scenario: 'x', provider: 'python' }));
 * const conn = await live.connect('alice-1', { url, user: 'alice', token, tokenKind: 'valid', via: 'header' });
 * await live.waitUntil(() => conn.received.length > 0, 5000, 'alice-1: connection_established');
 * await live.end();
 */
export class LiveSession implements ConnHost {
  readonly conns = new Map<string, LiveConn>();
  readonly runs = new Map<string, LiveRun>();
  readonly held = new HeldSeqs();
  private readonly byRequest = new Map<string, string>();
  private readonly refusals = new Map<string, Record<string, unknown>>();
  private readonly waits = new WaitSet();
  private readonly started = performance.now();

  constructor(readonly writer: SessionWriter) {}

  /** Milliseconds since the session started: the `t` of every record. */
  now(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Opens a connection (resolves once the WebSocket handshake is done). Throws LiveClientError LIVE_CONNECT_FAILED. */
  connect(id: string, options: ConnectOptions): Promise<LiveConn> {
    const headers: Record<string, string> = { ...options.headers };
    const protocols: string[] = [];
    if (options.token !== undefined) {
      if (options.via === 'subprotocol') protocols.push(`jwt.${options.token}`);
      else headers.Authorization = `Bearer ${options.token}`;
    }
    const ws = new WebSocket(options.url, protocols, {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: options.timeoutMs ?? 10_000,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    });
    const conn = new LiveConn(this, id, options.user, options.tokenKind, ws);
    return new Promise<LiveConn>((resolve, reject) => {
      const fail = (why: string): void => {
        ws.removeAllListeners('open');
        const message = `${id}: WebSocket handshake with ${options.url} failed (${why})`;
        reject(new LiveClientError('LIVE_CONNECT_FAILED', message));
      };
      ws.once('unexpected-response', (_req, res) => {
        fail(`HTTP ${res.statusCode}`);
        ws.terminate();
      });
      ws.once('error', (err: Error) => fail((err as NodeJS.ErrnoException).code ?? err.message));
      ws.once('open', () => {
        conn.opened = true;
        this.conns.set(id, conn);
        resolve(conn);
      });
    });
  }

  /** The run a user's `start_agent` with `requestId` started, once its agent_started arrived. */
  runOf(user: string | null, requestId: string): LiveRun | undefined {
    const runId = this.byRequest.get(`${user}\u0000${requestId}`);
    return runId === undefined ? undefined : this.runs.get(runId);
  }

  /** The error_message that refused a user's request (matched by its `request_id`), if one arrived. */
  refusalOf(user: string | null, requestId: string): Record<string, unknown> | undefined {
    return this.refusals.get(`${user}\u0000${requestId}`);
  }

  /** Whether any connection of `user` received the run's terminal event. */
  sawEnd(user: string | null, runId: string): boolean {
    for (const conn of this.conns.values()) if (conn.user === user && conn.sawEnd(runId)) return true;
    return false;
  }

  /** Called by connections for every run event. */
  noteRunEvent(conn: LiveConn, msg: Record<string, unknown> & { run_id: string; seq: number }): void {
    let run = this.runs.get(msg.run_id);
    if (run === undefined) this.runs.set(msg.run_id, (run = { runId: msg.run_id, user: conn.user }));
    this.held.add(conn.user, msg.run_id, msg.seq);
    if (typeof msg.thread_id === 'string') run.threadId = msg.thread_id;
    if (loadProtocol().terminalTypes.has(String(msg.type)) && run.terminal === undefined) {
      run.terminal = msg;
      run.endedAt = this.now();
    }
    if (msg.type === loadProtocol().startType && typeof msg.request_id === 'string') {
      run.requestId = msg.request_id;
      this.byRequest.set(`${conn.user}\u0000${msg.request_id}`, msg.run_id);
    }
  }

  /** Called by connections for every message that is not a run event. */
  noteAnswer(conn: LiveConn, msg: Record<string, unknown>): void {
    if (msg.type === 'error_message' && typeof msg.request_id === 'string') {
      this.refusals.set(`${conn.user}\u0000${msg.request_id}`, msg);
    }
  }

  /** Wakes the waiters whose condition now holds (called on every frame and close). */
  changed(): void {
    this.waits.changed();
  }

  /**
   * Resolves when `check()` holds (checked now, after every frame or close, and every `pollMs` when given);
   * rejects with LiveClientError LIVE_WAIT_TIMEOUT naming `what` after `timeoutMs`.
   */
  waitUntil(check: () => boolean, timeoutMs: number, what: string, pollMs?: number): Promise<void> {
    return this.waits.until(check, timeoutMs, what, pollMs);
  }

  /** Closes every connection still open (client side, 1000) and ends the session file. */
  async end(): Promise<void> {
    await Promise.all([...this.conns.values()].map((c) => (c.isOpen ? c.close(1000, 'session end') : undefined)));
    await this.writer.end();
  }
}
