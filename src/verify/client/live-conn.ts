import type WebSocket from 'ws';
import { loadProtocol } from '../../protocol';
import { TOKEN_KINDS, type TokenKind } from '../../sessions/types';
import type { SessionWriter } from '../../sessions/writer';
import { asRecord } from '../../util/records';
import { LiveClientError } from './errors';
import { binaryRaw } from './wire';

/** How a connection presents its access token. */
export type TokenVia = 'header' | 'subprotocol';

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

/** What a connection tells its session (implemented by {@link LiveSession}). */
export interface ConnHost {
  now(): number;
  readonly writer: Pick<SessionWriter, 'open' | 'frame' | 'frameText' | 'close'>;
  noteRunEvent(conn: LiveConn, msg: Record<string, unknown> & { run_id: string; seq: number }): void;
  noteAnswer(conn: LiveConn, msg: Record<string, unknown>): void;
  changed(): void;
}

const CLOSE_WAIT_MS = 5_000;
const SESSION_TOKEN_KINDS: ReadonlySet<string> = new Set(TOKEN_KINDS);

/**
 * The `token_kind` a session records for a credential: one of the session format's kinds (`none` for a connection
 * that presented no token at all), or nothing for a kind the format does not know.
 *
 * @example
 * sessionTokenKind('alg_none'); // 'alg_none'
 * sessionTokenKind('none'); // 'none'
 */
export function sessionTokenKind(kind: string): TokenKind | undefined {
  return SESSION_TOKEN_KINDS.has(kind) ? (kind as TokenKind) : undefined;
}

/**
 * One client WebSocket of a live session: sends frames, records everything in the session writer (the `open` record
 * carries the user only once the server accepted the token, and always the kind of token presented), and keeps what
 * it received so that steps can wait on protocol events. Made by `LiveSession.connect`.
 *
 * @example
 * const conn = await live.connect('alice-1', { user: 'alice', token, tokenKind: 'valid', via: 'header', url });
 * conn.send({ type: 'start_agent', request_id: 'r1', user_request: 'Save money.' });
 * await conn.drop(); // recorded as close 1006 by client
 */
export class LiveConn {
  readonly received: ReceivedFrame[] = [];
  /** Received frames that are not run events (connection_established, error_message, anything unknown). */
  readonly nonRun: ReceivedFrame[] = [];
  /** True once the server accepted the token (first frame connection_established), false once it refused. */
  accepted: boolean | undefined;
  closeInfo: CloseInfo | undefined;
  /** Set once the WebSocket handshake completed. */
  opened = false;
  private readonly runCounts = new Map<string, Map<string, number>>();
  private readonly ended = new Set<string>();
  private openWritten = false;
  private closingBy: 'client' | undefined;
  private readonly closed: Promise<CloseInfo>;

  constructor(
    private readonly host: ConnHost,
    readonly id: string,
    readonly user: string | null,
    /** The credential presented (`valid`, `alg_none`, ..., or `none`). */
    readonly tokenKind: string,
    private readonly ws: WebSocket,
  ) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code: number, reason: Buffer) => resolve(this.onClose(code, reason))),
    );
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('error', () => undefined); // a close event always follows
  }

  get isOpen(): boolean {
    return this.closeInfo === undefined;
  }

  /** How many events of `type` (a message type, or `*` for any) of the run this connection received. */
  count(runId: string, type = '*'): number {
    return this.runCounts.get(runId)?.get(type) ?? 0;
  }

  /** Whether this connection received the run's terminal event. */
  sawEnd(runId: string): boolean {
    return this.ended.has(runId);
  }

  /**
   * Sends one JSON message (recorded redacted; `tokenKind`, for a message that presents a credential such as
   * auth_refresh, recorded as its `token_kind`). Throws LiveClientError LIVE_CONN_CLOSED on a closed connection.
   */
  send(msg: unknown, tokenKind?: string): void {
    const t = this.beforeSend();
    this.host.writer.frame(this.id, 'c2s', msg, t, tokenKind === undefined ? undefined : sessionTokenKind(tokenKind));
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends a text frame as is (recorded as `msg` when it happens to be JSON, else `raw`). */
  sendText(text: string): void {
    const t = this.beforeSend();
    this.host.writer.frameText(this.id, 'c2s', text, t);
    this.ws.send(text);
  }

  /** Sends a binary frame (recorded as `raw: "<binary base64:...>"`). */
  sendBinary(bytes: Uint8Array): void {
    const t = this.beforeSend();
    this.host.writer.frameText(this.id, 'c2s', binaryRaw(bytes), t);
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

  private onClose(code: number, reason: Buffer): CloseInfo {
    const t = this.host.now();
    this.closeInfo = { t, code, reason: reason.toString('utf8'), by: this.closingBy ?? 'server' };
    // A handshake that never completed is no connection of the session: nothing is written for it.
    if (this.opened) {
      this.writeOpen(null, t);
      this.host.writer.close(this.id, code, this.closeInfo.reason, this.closeInfo.by, t);
    }
    this.host.changed();
    return this.closeInfo;
  }

  private beforeSend(): number {
    if (this.closeInfo) {
      throw new LiveClientError(
        'LIVE_CONN_CLOSED',
        `${this.id} is closed (${this.closeInfo.code}); nothing can be sent on it`,
      );
    }
    const t = this.host.now();
    this.writeOpen(this.user, t);
    return t;
  }

  private writeOpen(user: string | null, t: number): void {
    if (this.openWritten) return;
    this.openWritten = true;
    this.host.writer.open(this.id, user, t, sessionTokenKind(this.tokenKind));
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const t = this.host.now();
    if (isBinary) {
      const raw = binaryRaw(data);
      this.writeOpen(null, t);
      this.host.writer.frameText(this.id, 's2c', raw, t);
      this.keep({ t, raw });
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
    if (isJson) this.host.writer.frame(this.id, 's2c', parsed, t);
    else this.host.writer.frameText(this.id, 's2c', text, t);
    this.keep(msg ? { t, msg } : { t, raw: text });
  }

  private keep(frame: ReceivedFrame): void {
    this.received.push(frame);
    const msg = frame.msg;
    const protocol = loadProtocol();
    if (msg !== undefined && protocol.isRunEvent(msg)) {
      let counts = this.runCounts.get(msg.run_id);
      if (counts === undefined) this.runCounts.set(msg.run_id, (counts = new Map()));
      counts.set(msg.type, (counts.get(msg.type) ?? 0) + 1);
      counts.set('*', (counts.get('*') ?? 0) + 1);
      if (protocol.terminalTypes.has(msg.type)) this.ended.add(msg.run_id);
      this.host.noteRunEvent(this, msg);
    } else {
      this.nonRun.push(frame);
      if (msg !== undefined) this.host.noteAnswer(this, msg);
    }
    this.host.changed();
  }
}
