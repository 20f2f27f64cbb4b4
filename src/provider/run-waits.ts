/** A wait in progress: how to end it either way, and what fires it. */
interface Pending {
  resolve: () => void;
  reject: (reason: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  immediate: NodeJS.Immediate | undefined;
}

/**
 * The simulated latencies of one run, waited one after the other. One abort listener per run instead of one per wait
 * (the run loop waits before every event), and a zero wait is one `setImmediate` instead of a 1 ms timer: still a
 * macrotask, so a run never monopolises the event loop. Aborting the run's signal rejects the wait in progress with
 * the signal's reason, as every later wait.
 *
 * @example
 * const waits = new RunWaits(run.abort.signal);
 * await waits.wait(40); // rejects with the abort reason if the run is stopped meanwhile
 */
export class RunWaits {
  private pending: Pending | undefined;
  private readonly wake = (): void => {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve();
  };

  constructor(private readonly signal: AbortSignal) {
    if (!signal.aborted) signal.addEventListener('abort', () => this.abort(), { once: true });
  }

  /** Resolves after `ms` (0: the next turn of the event loop); rejects with the abort reason once aborted. */
  wait(ms: number): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    // An agent that does not await its previous call has two waits at once: the second gets its own listener.
    if (this.pending !== undefined) return waitAlone(ms, this.signal);
    return new Promise((resolve, reject) => {
      const later = ms > 0;
      this.pending = {
        resolve,
        reject,
        timer: later ? setTimeout(this.wake, ms) : undefined,
        immediate: later ? undefined : setImmediate(this.wake),
      };
    });
  }

  private abort(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    clearImmediate(pending.immediate);
    pending.reject(this.signal.reason);
  }
}

/** A wait with its own abort listener (the rare second wait at once). */
function waitAlone(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
