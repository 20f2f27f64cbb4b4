import type { Socket } from 'node:net';
import type { Random } from '../../util/prng';
import { appliesTo, type ResolvedToxic } from '../toxics';

/** 'upstream' = client -> upstream server, 'downstream' = upstream server -> client. */
export type Direction = 'upstream' | 'downstream';

/** What a pipe needs from its connection. */
export interface PipeHooks {
  /** Current toxics of the proxy ([] when it is disabled); read on every step so changes apply at once. */
  toxics(): readonly ResolvedToxic[];
  onForwarded(bytes: number): void;
  onStall(toxic: ResolvedToxic, durationMs: number): void;
  /** The connection must be reset (both sides); the pipe has already stopped. */
  onReset(toxic: ResolvedToxic): void;
}

interface Chunk {
  data: Buffer;
  arrivedAt: number;
  /** Drawn at arrival, so the randomness does not depend on how the pump's steps interleave with reads. */
  jitterRoll: number;
  resetRoll: number;
  started: boolean;
}

const END = Symbol('end');
// Hold at most this much per direction before pausing the reader (backpressure through stalls and delays).
const HIGH_WATER = 64 * 1024;
const LOW_WATER = 16 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

type Step = { waitMs: number } | { reset: ResolvedToxic } | { size: number };

/**
 * One direction of a proxied connection: reads `source`, applies the toxics, writes `sink`.
 * A single sequential pump per direction keeps bytes in order whatever the delays (TCP never reorders).
 */
export class Pipe {
  private readonly queue: (Chunk | typeof END)[] = [];
  private readonly openedAt = performance.now();
  private readonly stallStarts = new WeakMap<ResolvedToxic, number>();
  private readonly stallWindowsLogged = new WeakMap<ResolvedToxic, number>();
  private queuedBytes = 0;
  private forwarded = 0;
  private inFlight = 0;
  private bandwidthClock = 0;
  private slicerClock = 0;
  private pausedByUs = false;
  private stopped = false;
  private resume: (() => void) | undefined;

  constructor(
    private readonly source: Socket,
    private readonly sink: Socket,
    readonly direction: Direction,
    private readonly arrivalRandom: Random,
    private readonly sliceRandom: Random,
    private readonly hooks: PipeHooks,
  ) {
    source.on('data', this.onData);
    source.on('end', this.onEnd);
    void this.pump();
  }

  /** Re-reads the toxics now (after a change at runtime) instead of at the end of the current wait. */
  refresh(): void {
    this.bandwidthClock = 0;
    this.slicerClock = 0;
    this.wake();
  }

  /** Stops forwarding for good and cancels any pending timer. */
  stop(): void {
    this.stopped = true;
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.queue.length = 0;
    this.wake();
  }

  private readonly onData = (data: Buffer): void => {
    this.queue.push({
      data,
      arrivedAt: performance.now(),
      jitterRoll: this.arrivalRandom(),
      resetRoll: this.arrivalRandom(),
      started: false,
    });
    this.queuedBytes += data.length;
    if (this.queuedBytes >= HIGH_WATER && !this.pausedByUs) {
      this.pausedByUs = true;
      this.source.pause();
    }
    this.wake();
  };

  private readonly onEnd = (): void => {
    this.queue.push(END);
    this.wake();
  };

  private wake(): void {
    this.resume?.();
  }

  /** Waits `ms` (Infinity = until woken), or until the sink drains; any wake() ends the wait early. */
  private wait(ms: number, untilDrain = false): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (this.resume !== done) return;
        this.resume = undefined;
        if (timer) clearTimeout(timer);
        if (untilDrain) this.sink.off('drain', done);
        resolve();
      };
      this.resume = done;
      if (Number.isFinite(ms)) timer = setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(ms))));
      if (untilDrain) this.sink.once('drain', done);
    });
  }

  private async pump(): Promise<void> {
    while (!this.stopped && !this.sink.destroyed) {
      const head = this.queue[0];
      if (head === undefined) {
        await this.wait(Infinity);
      } else if (head === END) {
        this.sink.end();
        return;
      } else if (this.sink.writableNeedDrain) {
        await this.wait(Infinity, true);
      } else {
        const step = this.plan(head, performance.now());
        if ('waitMs' in step) {
          await this.wait(step.waitMs);
        } else if ('reset' in step) {
          // Let the bytes before the reset point reach the kernel first; the RST then follows them.
          if (this.inFlight > 0) {
            await this.wait(Infinity);
          } else {
            this.stop();
            this.hooks.onReset(step.reset);
            return;
          }
        } else {
          this.forward(head, step.size);
        }
      }
    }
  }

  /** Decides what to do with the head chunk now: wait, reset the connection, or forward `size` bytes. */
  private plan(head: Chunk, now: number): Step {
    const toxics = this.hooks.toxics().filter((toxic) => appliesTo(toxic, this.direction));
    let size = head.data.length;
    let latencyMs = 0;
    for (const toxic of toxics) {
      if (toxic.kind === 'latency') {
        latencyMs += Math.max(0, toxic.ms + (toxic.jitterMs ?? 0) * (2 * head.jitterRoll - 1));
      }
    }
    if (head.arrivedAt + latencyMs > now) return { waitMs: head.arrivedAt + latencyMs - now };
    for (const toxic of toxics) {
      if (toxic.kind !== 'stall') continue;
      if (toxic.everyMs !== undefined) {
        const elapsed = now - this.openedAt;
        const window = Math.floor(elapsed / toxic.everyMs);
        const windowEnd = window * toxic.everyMs + toxic.durationMs;
        if (window >= 1 && elapsed < windowEnd) {
          if (this.stallWindowsLogged.get(toxic) !== window) {
            this.stallWindowsLogged.set(toxic, window);
            this.hooks.onStall(toxic, windowEnd - elapsed);
          }
          return { waitMs: windowEnd - elapsed };
        }
        continue;
      }
      const afterBytes = toxic.afterBytes ?? 0;
      let startedAt = this.stallStarts.get(toxic);
      if (startedAt === undefined && this.forwarded >= afterBytes) {
        startedAt = now;
        this.stallStarts.set(toxic, now);
        this.hooks.onStall(toxic, toxic.durationMs);
      }
      if (startedAt === undefined) size = Math.min(size, afterBytes - this.forwarded);
      else if (now < startedAt + toxic.durationMs) return { waitMs: startedAt + toxic.durationMs - now };
    }
    const spacedUntil = Math.max(this.bandwidthClock, this.slicerClock);
    if (spacedUntil > now) return { waitMs: spacedUntil - now };
    for (const toxic of toxics) {
      if (toxic.kind !== 'reset') continue;
      if (!head.started && toxic.probability !== undefined && head.resetRoll < toxic.probability)
        return { reset: toxic };
      if (toxic.afterBytes !== undefined) {
        if (this.forwarded >= toxic.afterBytes) return { reset: toxic };
        size = Math.min(size, toxic.afterBytes - this.forwarded);
      }
    }
    for (const toxic of toxics) {
      if (toxic.kind === 'bandwidth') size = Math.min(size, Math.max(1, Math.floor(toxic.bytesPerSecond / 20)));
      if (toxic.kind === 'slicer') {
        const variation = toxic.sizeVariation ?? 0;
        const sliceSize = toxic.averageSize + Math.round(variation * (2 * this.sliceRandom() - 1));
        size = Math.min(size, Math.max(1, sliceSize));
      }
    }
    return { size };
  }

  private forward(head: Chunk, size: number): void {
    const now = performance.now();
    const piece = head.data.subarray(0, size);
    head.data = head.data.subarray(size);
    head.started = true;
    if (head.data.length === 0) this.queue.shift();
    this.queuedBytes -= size;
    if (this.pausedByUs && this.queuedBytes <= LOW_WATER) {
      this.pausedByUs = false;
      this.source.resume();
    }
    this.forwarded += size;
    this.hooks.onForwarded(size);
    // When several toxics of a kind apply, the strictest wins.
    let transmitMs = 0;
    let sliceDelayMs = 0;
    for (const toxic of this.hooks.toxics()) {
      if (!appliesTo(toxic, this.direction)) continue;
      if (toxic.kind === 'bandwidth') transmitMs = Math.max(transmitMs, (size * 1000) / toxic.bytesPerSecond);
      if (toxic.kind === 'slicer') sliceDelayMs = Math.max(sliceDelayMs, toxic.delayMs ?? 0);
    }
    if (transmitMs > 0) this.bandwidthClock = Math.max(this.bandwidthClock, now) + transmitMs;
    if (sliceDelayMs > 0) this.slicerClock = now + sliceDelayMs;
    this.inFlight += 1;
    this.sink.write(piece, () => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.wake();
    });
  }
}
