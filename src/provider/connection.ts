import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { TokenBucket } from './rate-limit';
import type { WriteBatch } from './write-batch';

/** Close codes of asyncapi.yaml's channel description. */
export const CloseCode = {
  normal: 1000,
  draining: 1001,
  policy: 1008,
  internal: 1011,
  slowConsumer: 1013,
} as const;

/** What a connection needs from its owner, shared by all connections (no per-connection closures). */
export interface ConnectionHost {
  /** Bytes (ws `bufferedAmount` + the frame) past which the connection is a slow consumer and is closed 1013. */
  readonly sendBufferBytes: number;
  /** How long a slow consumer's close frame may wait behind its unread data before the socket is destroyed. */
  readonly slowCloseGraceMs: number;
  /** Highest `bufferedAmount` + frame size any connection reached (stats: proves the buffer bound holds). */
  peakBufferedBytes: number;
  /** Frames sent on a socket in one event-loop turn leave in one write. */
  readonly writes: WriteBatch;
  /** Called once when the connection stops being able to receive (closed, overflowed, expired). */
  detach(conn: Connection, why: string): void;
}

/**
 * One authenticated WebSocket. Kept small (the provider holds 10,000+ idle ones): no timers, no closures, the rate
 * limiter as two numbers, and the per-run delivery cursors allocated only when a run is followed.
 *
 * Delivery policy: a connection receives every event of its user's runs from the moment it is attached: all of
 * a run started while it is open, and of a run already in flight, the events emitted after it joined (what came
 * before is filled by `resume`). Per run it holds the span of seqs (joined, sent] it has had, and never sends a
 * seq inside it again: live fan-out and resume replay can neither duplicate nor skip.
 */
export class Connection {
  /** `userId` is the `sub` of the token that opened the connection; it never changes (a refresh must match it). */
  readonly id: string;
  readonly userId: string;
  readonly ws: WebSocket;
  /** The TCP socket under `ws` (the one the upgrade handed over), corked per turn by the host's WriteBatch. */
  readonly socket: Writable;
  readonly bucket: TokenBucket;
  /** Milliseconds since the epoch at which the current token expires. */
  tokenExpiresAt: number;
  /** Pings sent since the last pong (heartbeat sweep). */
  missedPongs = 0;
  /** False once detached: nothing more is sent. */
  open = true;
  /**
   * The async handler still working on this connection's last frame (a shared-store seam answering), if any: later
   * frames wait for it, so answers keep the order of the frames. Undefined on the in-memory hot path.
   */
  inFlight: Promise<void> | undefined;
  /** Frames waiting behind `inFlight` (bounded by the frame router). */
  queued = 0;
  /** runId -> the span of seqs (joined, sent] this connection has had (or, after a resume, the client holds). */
  private following: Map<string, { joined: number; sent: number }> | undefined;

  constructor(
    id: string,
    userId: string,
    ws: WebSocket,
    socket: Writable,
    tokenExpiresAt: number,
    bucket: TokenBucket,
    private readonly host: ConnectionHost,
  ) {
    this.id = id;
    this.userId = userId;
    this.ws = ws;
    this.socket = socket;
    this.tokenExpiresAt = tokenExpiresAt;
    this.bucket = bucket;
  }

  /** Starts following a run whose events up to `head` this connection will not get live. */
  follow(runId: string, head: number): void {
    this.following ??= new Map();
    if (!this.following.has(runId)) this.following.set(runId, { joined: head, sent: head });
  }

  /** Records that the client holds (joined, sent] of a run (after a resume). */
  holdSpan(runId: string, joined: number, sent: number): void {
    this.following ??= new Map();
    this.following.set(runId, { joined, sent });
  }

  /** The span of a run's seqs this connection has had, or undefined when it does not follow the run. */
  span(runId: string): { readonly joined: number; readonly sent: number } | undefined {
    return this.following?.get(runId);
  }

  /** Forgets a run (it left retention). */
  unfollow(runId: string): void {
    this.following?.delete(runId);
  }

  /** Number of runs followed (stats). */
  get followedRuns(): number {
    return this.following?.size ?? 0;
  }

  /** Whether a live event `seq` of `runId` is one to deliver here (a followed run, not yet sent). */
  wants(runId: string, seq: number): boolean {
    const span = this.following?.get(runId);
    return span !== undefined && seq > span.sent;
  }

  /**
   * Delivers one live event of a followed run, unless already sent. The span stays after the terminal event
   * (until the run leaves retention), so a later `resume` on the same connection cannot resend what it had.
   */
  deliver(runId: string, seq: number, frame: Buffer): boolean {
    const span = this.following?.get(runId);
    if (span === undefined || seq <= span.sent) return false;
    span.sent = seq;
    return this.sendFrame(frame);
  }

  /**
   * Sends one already serialised and validated frame. A frame that would take the socket's buffered bytes past the
   * send buffer closes the connection with 1013 instead (the events stay in the run log for `resume`).
   */
  send(text: string): boolean {
    if (!this.mayWrite(text.length)) return false;
    this.ws.send(text);
    return true;
  }

  /**
   * {@link send} for a frame built once for every connection of the user ({@link textFrame}), written to the socket
   * as it is. ws counts what its socket buffers in `bufferedAmount`, so the bound is the same as for {@link send};
   * frames are whole and written synchronously, so they never interleave with one ws writes (pongs, close).
   */
  sendFrame(frame: Buffer): boolean {
    if (!this.mayWrite(frame.length)) return false;
    this.socket.write(frame);
    return true;
  }

  /** Whether `bytes` more may be written now; closes a socket that is gone or a slow consumer (1013) instead. */
  private mayWrite(bytes: number): boolean {
    if (!this.open) return false;
    if (this.ws.readyState !== 1 /* OPEN */) {
      this.host.detach(this, 'socket_not_open');
      return false;
    }
    const buffered = this.bufferedWith(bytes);
    if (buffered > this.host.sendBufferBytes) {
      this.closeSlowConsumer();
      return false;
    }
    if (buffered > this.host.peakBufferedBytes) this.host.peakBufferedBytes = buffered;
    this.host.writes.hold(this.socket);
    return true;
  }

  /**
   * Answers a ping of the peer with its pong, under the same bound as {@link send}: a peer that pings without reading
   * is a slow consumer like one that reads nothing (close 1013), never an unbounded queue of pongs.
   */
  answerPing(data: Buffer): void {
    if (!this.open || this.ws.readyState !== 1 /* OPEN */) return;
    if (this.bufferedWith(data.length + 2) > this.host.sendBufferBytes) {
      this.closeSlowConsumer();
      return;
    }
    this.ws.pong(data);
  }

  /** Sends `lastFrame` (if any) and closes with `code`; the connection receives nothing after this. */
  closeWith(code: number, reason: string, lastFrame?: string): void {
    if (!this.open) return;
    // A failed send already detached (and, for a slow consumer, closed) the connection.
    if (lastFrame !== undefined && !this.send(lastFrame)) return;
    this.host.detach(this, reason);
    this.ws.close(code, reason);
  }

  /**
   * ws's unsent bytes plus `extra`. Frames held back for the end of this turn (WriteBatch) are not the peer's fault:
   * when they alone would break the bound they go to the kernel first, and the peer is judged only by what the
   * kernel could not take, as without the batch.
   */
  private bufferedWith(extra: number): number {
    const buffered = this.ws.bufferedAmount + extra;
    if (buffered <= this.host.sendBufferBytes || this.socket.writableCorked === 0) return buffered;
    this.socket.uncork();
    return this.ws.bufferedAmount + extra;
  }

  private closeSlowConsumer(): void {
    this.host.detach(this, 'slow_consumer');
    // The close frame queues behind the unread data; destroy the socket if the peer does not drain it in time so
    // that a stalled reader cannot pin its buffer. One timer per overflow, not per connection.
    this.ws.close(CloseCode.slowConsumer, 'slow consumer');
    const ws = this.ws;
    setTimeout(() => ws.terminate(), this.host.slowCloseGraceMs).unref();
  }
}
