/** A wait in progress: how to end it either way, and what fires it. */
interface Pending {
  resolve: () => void;
  reject: (reason: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  immediate: NodeJS.Immediate | undefined;
}

/**
 * Zero waits a run takes in a row without leaving the event-loop turn. A run with no simulated latency then emits
 * up to this many events in one turn, which its connections' WriteBatch sends in one write each instead of one write
 * per event (a system call per event per connection was the largest cost of a zero-latency provider); past it the
 * run yields one `setImmediate`, so a run never holds the event loop for more than this many steps.
 */
export const ZERO_WAITS_PER_TURN = 32;

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The simulated latencies of one run, waited one after the other. One abort listener per run instead of one per wait
 * (the run loop waits before every event); a zero wait resolves in the same turn, every
 * {@link ZERO_WAITS_PER_TURN}th one is a `setImmediate` instead (never a 1 ms timer). Aborting the run's signal
 * rejects the wait in progress with the signal's reason, as every later wait.
 *
 * @example
 * const waits = new RunWaits(run.abort.signal);
 * await waits.wait(40); // rejects with the abort reason if the run is stopped meanwhile
 */
export class RunWaits {
  private pending: Pending | undefined;
  /** Zero waits resolved in a row without a macrotask. */
  private zeroWaitsInTurn = 0;
  private readonly wake = (): void => {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve();
  };

  /** Whether the abort listener is on the signal: added at the first wait that leaves the turn (a zero-latency run
   * that never leaves it needs none). */
  private listening = false;

  constructor(private readonly signal: AbortSignal) {}

  /**
   * Resolves after `ms` (0: at once, or on the next turn of the event loop after {@link ZERO_WAITS_PER_TURN} zero
   * waits in a row); rejects with the abort reason once aborted.
   */
  wait(ms: number): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    // An agent that does not await its previous call has two waits at once: the second gets its own listener.
    if (this.pending !== undefined) return waitAlone(ms, this.signal);
    const later = ms > 0;
    if (!later && ++this.zeroWaitsInTurn < ZERO_WAITS_PER_TURN) return RESOLVED;
    this.zeroWaitsInTurn = 0;
    if (!this.listening) {
      this.listening = true;
      this.signal.addEventListener('abort', () => this.abort(), { once: true });
    }
    return new Promise((resolve, reject) => {
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
