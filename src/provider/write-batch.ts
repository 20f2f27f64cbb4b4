import type { Writable } from 'node:stream';

/**
 * Batches the frames sent on each socket during one event-loop turn into one write. A socket is corked at its first
 * frame of the turn and uncorked once, after every timer and I/O callback of the turn has run (one `setImmediate`
 * for all sockets, not one per socket or per frame), so that the frames it got in that turn leave in one `writev`
 * system call instead of one each. On loopback a system call also pays for the receiver's wake-up, which is what
 * dominated the provider's CPU time before (bench:provider).
 *
 * Order is untouched: a corked socket still queues frames in the order they were written, and `end()` uncorks by
 * itself. The corked bytes count in ws's `bufferedAmount`, so the slow-consumer bound still sees them.
 *
 * @example
 * const batch = new WriteBatch();
 * batch.hold(socket); // before ws.send(...): the frames of this turn leave together
 */
export class WriteBatch {
  private held: Writable[] = [];
  private scheduled = false;
  private readonly flushHeld = (): void => this.flush();

  /** Corks `socket` until the end of this turn; a socket already held this turn is left as it is. */
  hold(socket: Writable): void {
    // ws corks around each frame it writes and uncorks right after, so outside ws.send a count above 0 is ours.
    if (socket.writableCorked > 0 || socket.destroyed) return;
    socket.cork();
    this.held.push(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushHeld);
    }
  }

  /** Uncorks every socket held this turn (each leaves in one write). Called by the turn's `setImmediate`. */
  flush(): void {
    const held = this.held;
    this.held = [];
    this.scheduled = false;
    for (const socket of held) {
      if (socket.writableCorked > 0) socket.uncork();
    }
  }

  /** Sockets waiting for the end of the turn (tests, stats). */
  get size(): number {
    return this.held.length;
  }
}
