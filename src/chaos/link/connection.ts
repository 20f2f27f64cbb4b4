import { connect, type Socket } from 'node:net';
import type { ChaosEvent, CloseReason } from '../events';
import { deriveSeed, mulberry32, type Random } from '../../util/prng';
import type { ResolvedToxic } from '../toxics';
import { Pipe, type Direction } from './pipe';

/** Omit that keeps a union a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a link needs from its proxy. */
export interface LinkContext {
  upstreamHost: string;
  upstreamPort: number;
  seed: number;
  toxics(): readonly ResolvedToxic[];
  emit(event: DistributiveOmit<ChaosEvent, 't'>): void;
  onForwarded(direction: Direction, bytes: number): void;
  onClosed(link: Link, reason: CloseReason): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** One client connection and its upstream connection, joined by two pipes. */
export class Link {
  private readonly upstream: Socket;
  private readonly random: Random;
  private readonly openedAt = performance.now();
  private readonly resetTimers = new Map<ResolvedToxic, NodeJS.Timeout>();
  private pipes: Pipe[] = [];
  private reason: CloseReason | undefined;
  private openSockets = 2;
  private bytesUp = 0;
  private bytesDown = 0;

  constructor(
    readonly id: number,
    private readonly client: Socket,
    private readonly context: LinkContext,
  ) {
    this.random = mulberry32(deriveSeed(context.seed, id, 0));
    context.emit({ event: 'open', conn: id, client: `${client.remoteAddress ?? '?'}:${client.remotePort ?? '?'}` });
    client.on('error', () => this.abort('client_error', 'upstream'));
    client.on('close', this.onSocketClosed);
    this.upstream = connect({ host: context.upstreamHost, port: context.upstreamPort, allowHalfOpen: true });
    this.upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (this.reason === undefined) context.emit({ event: 'upstream_error', conn: id, code: err.code ?? err.message });
      this.abort('upstream_error', 'client');
    });
    this.upstream.on('close', this.onSocketClosed);
    this.upstream.once('connect', this.onUpstreamConnected);
  }

  /** Applies a change of toxics (or of the enabled flag) now. */
  refresh(): void {
    for (const pipe of this.pipes) pipe.refresh();
    this.syncResetTimers();
  }

  /**
   * Ends the connection. `reset`: which side gets a TCP RST ('both' for a toxic or a cut); the other sides are
   * destroyed quietly. The first reason wins.
   */
  abort(reason: CloseReason, reset: 'client' | 'upstream' | 'both' | 'none'): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const pipe of this.pipes) pipe.stop();
    for (const timer of this.resetTimers.values()) clearTimeout(timer);
    this.resetTimers.clear();
    end(this.client, reset === 'client' || reset === 'both');
    end(this.upstream, reset === 'upstream' || reset === 'both');
  }

  private readonly onUpstreamConnected = (): void => {
    if (this.reason !== undefined) return;
    // Nagle off: the toxics decide how data is segmented, not the kernel.
    this.client.setNoDelay(true);
    this.upstream.setNoDelay(true);
    const hooks = (direction: Direction) => ({
      toxics: this.context.toxics,
      onForwarded: (bytes: number) => {
        if (direction === 'upstream') this.bytesUp += bytes;
        else this.bytesDown += bytes;
        this.context.onForwarded(direction, bytes);
      },
      onStall: (toxic: ResolvedToxic, durationMs: number) =>
        this.context.emit({
          event: 'stall',
          conn: this.id,
          toxic: toxic.name,
          direction,
          durationMs: Number.isFinite(durationMs) ? Math.round(durationMs) : null,
        }),
      onReset: (toxic: ResolvedToxic) => this.resetByToxic(toxic),
    });
    const seed = (label: number): Random => mulberry32(deriveSeed(this.context.seed, this.id, label));
    this.pipes = [
      new Pipe(this.client, this.upstream, 'upstream', seed(1), seed(2), hooks('upstream')),
      new Pipe(this.upstream, this.client, 'downstream', seed(3), seed(4), hooks('downstream')),
    ];
    this.client.resume(); // the server accepted it paused, so nothing was read before the upstream was there
    this.syncResetTimers();
  };

  private resetByToxic(toxic: ResolvedToxic): void {
    if (this.reason !== undefined) return;
    this.context.emit({ event: 'reset', conn: this.id, toxic: toxic.name });
    this.abort('toxic_reset', 'both');
  }

  /** One timer per rate-based reset toxic per connection: an exponential lifetime, drawn from the seeded PRNG. */
  private syncResetTimers(): void {
    if (this.reason !== undefined || this.pipes.length === 0) return;
    const current = this.context
      .toxics()
      .filter((toxic) => toxic.kind === 'reset' && toxic.ratePerSecond !== undefined);
    for (const [toxic, timer] of this.resetTimers) {
      if (!current.includes(toxic)) {
        clearTimeout(timer);
        this.resetTimers.delete(toxic);
      }
    }
    for (const toxic of current) {
      if (toxic.kind !== 'reset' || toxic.ratePerSecond === undefined || this.resetTimers.has(toxic)) continue;
      const lifetimeMs = (-Math.log(1 - this.random()) / toxic.ratePerSecond) * 1000;
      this.resetTimers.set(
        toxic,
        setTimeout(() => this.resetByToxic(toxic), Math.min(MAX_TIMER_MS, Math.max(1, Math.round(lifetimeMs)))),
      );
    }
  }

  private readonly onSocketClosed = (): void => {
    this.openSockets -= 1;
    if (this.openSockets > 0) return;
    const reason = this.reason ?? 'closed';
    this.abort(reason, 'none'); // stops the pipes and timers if both sides closed on their own
    this.context.emit({
      event: 'close',
      conn: this.id,
      reason,
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      durationMs: Math.round(performance.now() - this.openedAt),
    });
    this.context.onClosed(this, reason);
  };
}

function end(socket: Socket, reset: boolean): void {
  if (socket.destroyed) return;
  // A socket still connecting has nothing to reset yet; resetAndDestroy would wait for the connection.
  if (reset && !socket.connecting) socket.resetAndDestroy();
  else socket.destroy();
}
