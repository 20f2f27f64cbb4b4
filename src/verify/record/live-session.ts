import { performance } from 'perf_hooks';
import WebSocket from 'ws';
import type { SessionWriter } from '../../sessions/writer';
import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import { RecordError } from './errors';
import type { TokenVia } from './scenario';
import { binaryRaw } from './wire';

/** One server frame as a live client received it. */
export interface ReceivedFrame {
  t: number;
  msg?: Record<string, unknown>;
  raw?: string;
}

/** How a connection ended. */
export interface CloseInfo {
  t: number;
  code: number;
  reason: string;
  by: 'client' | 'server';
}

/** A run as the live clients of a session saw it. */
export interface LiveRun {
  runId: string;
  user: string | null;
  requestId?: string;
  threadId?: string;
}

export interface ConnectOptions {
  /** The token's `sub` (recorded as the open record's `user` when the server accepts the token). */
  user: string | null;
  /** Undefined: no token at all. */
  token?: string;
  via: TokenVia;
  /** Handshake timeout, ms. Default 10000. */
  timeoutMs?: number;
}

const CLOSE_WAIT_MS = 5_000;

/**
 * One client WebSocket of a {@link LiveSession}: sends frames, records everything in the session writer, and keeps
 * what it received so that steps can wait on it. Made by {@link LiveSession.connect}.
 *
 * @example
 * const conn = await live.connect('alice-1', { user: 'alice', token, via: 'subprotocol' });
 * conn.send({ type: 'start_agent', request_id: 'r1', user_request: 'Save money.' });
 * await conn.drop(); // recorded as close 1006 by client
 */
export class LiveConn {
  readonly id: string;
  readonly user: string | null;
  readonly received: ReceivedFrame[] = [];
  /** Received frames that are not run events (connection_established, error_message, anything unknown). */
  readonly nonRun: ReceivedFrame[] = [];
  /** run_id -> highest seq received on this connection. */
  readonly runMax = new Map<string, number>();
  /** run_ids whose terminal event this connection received. */
  readonly terminals = new Set<string>();
  /** True once the server accepted the token (first frame connection_established), false once it refused. */
  accepted: boolean | undefined;
  closeInfo: CloseInfo | undefined;
  /** Set once the WebSocket handshake completed. */
  opened = false;
  private openWritten = false;
  private closingBy: 'client' | undefined;
  private closed: Promise<CloseInfo>;

  constructor(
    private readonly session: LiveSession,
    id: string,
    user: string | null,
    private readonly ws: WebSocket,
  ) {
    this.id = id;
    this.user = user;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        const t = session.now();
        this.closeInfo = { t, code, reason: reason.toString('utf8'), by: this.closingBy ?? 'server' };
        // A handshake that never completed is no connection of the session: nothing is written for it.
        if (this.opened) {
          this.writeOpen(null, t);
          session.writer.close(id, code, this.closeInfo.reason, this.closeInfo.by, t);
        }
        session.changed();
        resolve(this.closeInfo);
      });
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('error', () => undefined); // a close event always follows
  }

  get isOpen(): boolean {
    return this.closeInfo === undefined;
  }

  /** Highest seq of `runId` received on this connection (0 for none). */
  maxSeq(runId: string): number {
    return this.runMax.get(runId) ?? 0;
  }

  /** Sends one JSON message (recorded redacted). */
  send(msg: unknown): void {
    const t = this.beforeSend();
    this.session.writer.frame(this.id, 'c2s', msg, t);
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends a text frame as is (recorded as `msg` when it happens to be JSON, else `raw`). */
  sendText(text: string): void {
    const t = this.beforeSend();
    this.session.writer.frameText(this.id, 'c2s', text, t);
    this.ws.send(text);
  }

  /** Sends a binary frame (recorded as `raw: "<binary base64:...>"`). */
  sendBinary(bytes: Uint8Array): void {
    const t = this.beforeSend();
    this.session.writer.frameText(this.id, 'c2s', binaryRaw(bytes), t);
    this.ws.send(bytes, { binary: true });
  }

  /** Closes from the client side and waits for the close to finish. */
  async close(code = 1000, reason = 'done'): Promise<CloseInfo> {
    if (this.closeInfo) return this.closeInfo;
    this.closingBy = 'client';
    this.ws.close(code, reason);
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_WAIT_MS);
    try {
      return await this.closed;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Terminates the socket without a close frame (a network failure) and waits for the close event. */
  async drop(): Promise<CloseInfo> {
    if (this.closeInfo) return this.closeInfo;
    this.closingBy = 'client';
    this.ws.terminate();
    return this.closed;
  }

  /** Resolves when the connection has closed (by either side). */
  whenClosed(): Promise<CloseInfo> {
    return this.closed;
  }

  private beforeSend(): number {
    if (this.closeInfo) {
      throw new RecordError(
        'RECORD_EXPECTATION_FAILED',
        `${this.id} is closed (${this.closeInfo.code}); nothing can be sent on it`,
      );
    }
    const t = this.session.now();
    this.writeOpen(this.user, t);
    return t;
  }

  private writeOpen(user: string | null, t: number): void {
    if (this.openWritten) return;
    this.openWritten = true;
    this.session.writer.open(this.id, user, t);
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const t = this.session.now();
    if (isBinary) {
      const raw = binaryRaw(data);
      this.writeOpen(null, t);
      this.session.writer.frameText(this.id, 's2c', raw, t);
      this.record({ t, raw });
      return;
    }
    const text = data.toString('utf8');
    let parsed: unknown;
    let isJson = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      isJson = false;
    }
    const msg = isJson ? asRecord(parsed) : undefined;
    if (this.accepted === undefined) this.accepted = msg?.type === 'connection_established';
    this.writeOpen(this.accepted ? this.user : null, t);
    if (isJson) this.session.writer.frame(this.id, 's2c', parsed, t);
    else this.session.writer.frameText(this.id, 's2c', text, t);
    this.record(msg ? { t, msg } : { t, raw: text });
  }

  private record(frame: ReceivedFrame): void {
    this.received.push(frame);
    const msg = frame.msg;
    if (msg !== undefined && loadProtocol().isRunEvent(msg)) {
      if (msg.seq > this.maxSeq(msg.run_id)) this.runMax.set(msg.run_id, msg.seq);
      if (loadProtocol().terminalTypes.has(msg.type)) this.terminals.add(msg.run_id);
      this.session.noteRunEvent(this, msg);
    } else {
      this.nonRun.push(frame);
    }
    this.session.changed();
  }
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

/**
 * A set of live client connections to one provider whose traffic is written, as it happens, to one session file.
 * Used by `record` (driven by a scenario) and by `replay` (driven by a recorded session).
 *
 * @example
 * const live = new LiveSession(wsUrl, createSessionWriter(file, { scenario: 'x', provider: 'netra-reference@0.1.0' }));
 * const conn = await live.connect('alice-1', { user: 'alice', token, via: 'header' });
 * await live.waitUntil(() => conn.received.length > 0, 5000, 'alice-1: connection_established');
 * await live.end();
 */
export class LiveSession {
  readonly conns = new Map<string, LiveConn>();
  readonly runs = new Map<string, LiveRun>();
  /** run_id -> session time at which a connection first received the run's terminal event. */
  readonly runEndedAt = new Map<string, number>();
  private readonly byRequest = new Map<string, string>();
  private readonly waiters = new Set<Waiter>();
  private readonly started = performance.now();

  constructor(
    readonly wsUrl: string,
    readonly writer: SessionWriter,
  ) {}

  /** Milliseconds since the session started: the `t` of every record. */
  now(): number {
    return Math.round(performance.now() - this.started);
  }

  /** Opens a connection (resolves once the WebSocket handshake is done). Throws RecordError RECORD_CONNECT_FAILED. */
  connect(id: string, options: ConnectOptions): Promise<LiveConn> {
    const headers: Record<string, string> = {};
    const protocols: string[] = [];
    if (options.token !== undefined) {
      if (options.via === 'subprotocol') protocols.push(`jwt.${options.token}`);
      else headers.Authorization = `Bearer ${options.token}`;
    }
    const ws = new WebSocket(this.wsUrl, protocols, {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: options.timeoutMs ?? 10_000,
    });
    const conn = new LiveConn(this, id, options.user, ws);
    return new Promise<LiveConn>((resolve, reject) => {
      const fail = (why: string): void => {
        ws.removeAllListeners('open');
        reject(
          new RecordError('RECORD_CONNECT_FAILED', `${id}: WebSocket handshake with ${this.wsUrl} failed (${why})`),
        );
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

  /** Highest seq of a run any connection of `user` received: what the user's client holds. */
  held(user: string | null, runId: string): number {
    let max = 0;
    for (const conn of this.conns.values()) if (conn.user === user) max = Math.max(max, conn.maxSeq(runId));
    return max;
  }

  /** Whether any connection of `user` received the run's terminal event. */
  sawEnd(user: string | null, runId: string): boolean {
    for (const conn of this.conns.values()) if (conn.user === user && conn.terminals.has(runId)) return true;
    return false;
  }

  /** Called by connections for every run event. */
  noteRunEvent(conn: LiveConn, msg: Record<string, unknown> & { run_id: string }): void {
    let run = this.runs.get(msg.run_id);
    if (run === undefined) {
      run = { runId: msg.run_id, user: conn.user };
      this.runs.set(msg.run_id, run);
    }
    if (typeof msg.thread_id === 'string') run.threadId = msg.thread_id;
    if (loadProtocol().terminalTypes.has(String(msg.type)) && !this.runEndedAt.has(msg.run_id))
      this.runEndedAt.set(msg.run_id, this.now());
    if (msg.type === 'agent_started' && typeof msg.request_id === 'string') {
      run.requestId = msg.request_id;
      this.byRequest.set(`${conn.user}\u0000${msg.request_id}`, msg.run_id);
    }
  }

  /** Called on every change; wakes the waiters whose condition now holds. */
  changed(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /**
   * Resolves when `check()` holds (checked now, after every frame or close, and every `pollMs` when given, for
   * conditions that depend on time); rejects with RecordError RECORD_EXPECTATION_FAILED naming `what` after
   * `timeoutMs`.
   */
  waitUntil(check: () => boolean, timeoutMs: number, what: string, pollMs?: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let poll: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        clearInterval(poll);
        reject(new RecordError('RECORD_EXPECTATION_FAILED', `${what}: not within ${timeoutMs} ms`));
      }, timeoutMs);
      if (pollMs !== undefined) {
        poll = setInterval(() => {
          if (this.waiters.has(waiter) && check()) {
            this.waiters.delete(waiter);
            waiter.resolve();
          }
        }, pollMs);
      }
      this.waiters.add(waiter);
    });
  }

  /** Closes every connection still open (client side, 1000) and ends the session file. */
  async end(): Promise<void> {
    await Promise.all([...this.conns.values()].map((c) => (c.isOpen ? c.close(1000, 'session end') : undefined)));
    await this.writer.end();
  }

  /** Terminates every connection without writing the file's end (after a failure). */
  async abort(): Promise<void> {
    await Promise.all([...this.conns.values()].map((c) => (c.isOpen ? c.drop() : undefined)));
    await this.writer.end().catch(() => undefined);
  }
}
