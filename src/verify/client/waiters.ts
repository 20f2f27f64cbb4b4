import { LiveClientError } from './errors';

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

/**
 * Conditions waited on until they hold: checked when asked ({@link WaitSet.changed}, after every frame or close),
 * and every `pollMs` for conditions that depend on time. One per live session.
 *
 * @example
 * const waits = new WaitSet();
 * await waits.until(() => conn.received.length > 0, 5000, 'alice-1: first frame');
 */
export class WaitSet {
  private readonly waiters = new Set<Waiter>();

  /** Wakes the waiters whose condition now holds. */
  changed(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /**
   * Resolves when `check()` holds; rejects with LiveClientError `LIVE_WAIT_TIMEOUT` naming `what` after `timeoutMs`.
   */
  until(check: () => boolean, timeoutMs: number, what: string, pollMs?: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let poll: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        clearInterval(poll);
        reject(new LiveClientError('LIVE_WAIT_TIMEOUT', `${what}: not within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        },
      };
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
}
