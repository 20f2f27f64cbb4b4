import WebSocket from 'ws';
import type { LoadContext } from './run-context';
import type { Random } from './random';
import { WheelTimer } from './timer-wheel';

/** How every tab of a run connects. */
export interface ConnectSettings {
  /** Every URL of the target; a tab starts on one and moves to the next on each reconnect. */
  urls: readonly string[];
  /** Extra handshake headers of the target (e.g. `Origin`). */
  headers: Readonly<Record<string, string>>;
  /** CA bundle for wss:// with a private CA (the target's `ca_file`, read once). */
  ca?: Buffer;
  sourceAddress: () => string | undefined;
  /** Share of connections that authenticate like a browser (`jwt.<token>` subprotocol) instead of a header. */
  subprotocolShare: number;
  handshakeTimeoutMs: number;
}

/** What the socket tells its tab. */
export interface SocketListener {
  /** A frame of the current connection. */
  onFrame(data: WebSocket.RawData, isBinary: boolean): void;
}

/** Who the socket belongs to (for connection ids, tokens and random choices). */
export interface SocketOwner {
  readonly userId: string;
  readonly index: number;
  readonly random: Random;
  accessToken(): string;
}

/**
 * One tab's connection, one WebSocket at a time: connects to a URL of the target (spread round-robin by user and
 * tab; every reconnect goes to the next URL), reports open/close to the live rules checker and the counters, and
 * reconnects with backoff after a close, a failure or a simulated drop. The generation number bumps on every connect
 * and close, so late events of an old socket are ignored.
 *
 * @example
 * const socket = new TabSocket(ctx, settings, user, 0, tab, firstNode);
 * socket.connect();
 * socket.send('{"type":"resume","run_id":"run_1","last_seq":3}');
 */
export class TabSocket {
  /** Connection generation. */
  gen = 0;
  /** Id of the current connection in the live checker and the session file. */
  connId = '';
  /** connection_established arrived on the current connection. */
  established = false;
  private ws: WebSocket | undefined;
  private connecting = false;
  private backoffMs = 250;
  private node: number;
  private lastOpenedNode = -1;
  private closedWaiter: (() => void) | undefined;
  private readonly reconnectTimer = new WheelTimer(() => this.connect());

  constructor(
    private readonly ctx: LoadContext,
    private readonly settings: ConnectSettings,
    private readonly owner: SocketOwner,
    readonly tabIndex: number,
    private readonly listener: SocketListener,
  ) {
    this.node = (owner.index + tabIndex) % settings.urls.length;
  }

  /** Opens a connection (no-op while one is open or opening, or when the run is closing). */
  connect(): void {
    if (this.ctx.closing || this.ws !== undefined || this.connecting) return;
    this.connecting = true;
    const gen = ++this.gen;
    const node = this.node;
    const ws = this.open(this.settings.urls[node]);
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      if (gen !== this.gen) return;
      opened = true;
      this.connecting = false;
      this.onOpen(gen, node);
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (gen === this.gen) this.listener.onFrame(data, isBinary);
    });
    ws.on('unexpected-response', (_req, res) => {
      if (gen === this.gen) this.ctx.counters.error(`HANDSHAKE_HTTP_${res.statusCode ?? 0}`);
      ws.terminate();
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (gen === this.gen && !opened) this.ctx.counters.error(connectErrorCode(err));
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (gen === this.gen) this.onClosed(opened, code, reason.toString());
      if (this.ws === ws) this.ws = undefined;
      if (this.ws === undefined) this.closedWaiter?.();
    });
  }

  /** Sends a text frame on the current connection; false when it is not established. */
  send(text: string): boolean {
    const ws = this.ws;
    if (!this.established || ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(text);
    this.ctx.counters.framesSent++;
    return true;
  }

  /**
   * A network drop as a client sees it: the socket is destroyed without a close handshake, then the tab reconnects
   * (to the next URL) and resumes. False when there was no established connection to drop.
   */
  drop(reason: string): boolean {
    if (!this.established || this.ws === undefined) return false;
    const ws = this.ws;
    this.gen++;
    this.established = false;
    this.ws = undefined;
    this.ctx.live.close(this.connId, 1006, reason, 'client');
    this.ctx.counters.connectionsOpen--;
    this.ctx.counters.drops++;
    ws.terminate();
    this.scheduleReconnect(this.owner.random.between(50, 500));
    return true;
  }

  /** Closes the connection normally (end of the run); resolves when the socket is gone (bounded). */
  async close(): Promise<void> {
    this.ctx.wheel.cancel(this.reconnectTimer);
    const ws = this.ws;
    if (ws === undefined) return;
    if (this.established || ws.readyState === WebSocket.OPEN) {
      this.ctx.live.close(this.connId, 1000, 'load finished', 'client');
      this.ctx.counters.connectionsOpen--;
    }
    this.gen++;
    this.established = false;
    const gone = new Promise<void>((resolve) => (this.closedWaiter = resolve));
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'load finished');
    else ws.terminate();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gone, new Promise<void>((resolve) => (timer = setTimeout(resolve, 3_000)))]);
    clearTimeout(timer);
    if (this.ws === ws) {
      ws.terminate();
      this.ws = undefined;
    }
  }

  /** connection_established arrived: the connection is usable and the backoff starts over. */
  markEstablished(): void {
    this.established = true;
    this.backoffMs = 250;
  }

  private open(url: string): WebSocket {
    const token = this.owner.accessToken();
    const browser = this.owner.random.chance(this.settings.subprotocolShare);
    const options: WebSocket.ClientOptions & { localAddress?: string } = {
      perMessageDeflate: false,
      handshakeTimeout: this.settings.handshakeTimeoutMs,
      headers: browser ? { ...this.settings.headers } : { ...this.settings.headers, Authorization: `Bearer ${token}` },
    };
    if (this.settings.ca !== undefined) options.ca = this.settings.ca;
    const localAddress = this.settings.sourceAddress();
    if (localAddress !== undefined) options.localAddress = localAddress;
    return browser ? new WebSocket(url, [`jwt.${token}`], options) : new WebSocket(url, options);
  }

  private onOpen(gen: number, node: number): void {
    const multi = this.settings.urls.length > 1;
    this.connId = `u${this.owner.index}.t${this.tabIndex}.c${gen}${multi ? `.n${node}` : ''}`;
    if (multi && this.lastOpenedNode !== -1 && this.lastOpenedNode !== node) this.ctx.counters.reconnectsToOtherNode++;
    this.lastOpenedNode = node;
    this.ctx.live.open(this.connId, this.owner.userId);
    this.ctx.counters.connectionOpened(node);
  }

  private onClosed(opened: boolean, code: number, reason: string): void {
    this.gen++;
    this.connecting = false;
    const counters = this.ctx.counters;
    if (opened) {
      this.ctx.live.close(this.connId, code, reason, 'server');
      counters.connectionsOpen--;
      counters.serverCloses++;
      counters.error(`CLOSED_${code}`);
      this.backoffMs = 250;
    } else {
      counters.connectFailures++;
      this.backoffMs = Math.min(5_000, this.backoffMs * 2);
    }
    this.established = false;
    this.ws = undefined;
    this.scheduleReconnect(this.owner.random.between(this.backoffMs / 2, this.backoffMs));
  }

  private scheduleReconnect(ms: number): void {
    if (this.ctx.closing) return;
    this.node = (this.node + 1) % this.settings.urls.length;
    this.ctx.wheel.arm(this.reconnectTimer, ms);
  }
}

/** A stable code for a failed connection attempt (ws reports some failures with a message only). */
function connectErrorCode(err: NodeJS.ErrnoException): string {
  if (typeof err.code === 'string') return `CONNECT_${err.code.replace(/[^A-Z0-9_]/gi, '_').toUpperCase()}`;
  if (/handshake has timed out/i.test(err.message)) return 'CONNECT_HANDSHAKE_TIMEOUT';
  if (/socket hang up/i.test(err.message)) return 'CONNECT_SOCKET_HANG_UP';
  if (/Unexpected server response/i.test(err.message)) return 'CONNECT_UNEXPECTED_RESPONSE';
  return 'CONNECT_FAILED';
}
