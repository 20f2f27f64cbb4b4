import { LatencyRecorder } from './latency';
import type { LiveChecks } from './live-checks';

/** Counters of a load run; every tab of every virtual user adds to the same ones. */
export interface LoadCounters {
  runsStarted: number;
  runsCompleted: number;
  runsFailed: number;
  runsCancelled: number;
  runsUnfinished: number;
  expected: number;
  delivered: number;
  duplicates: number;
  redelivered: number;
  missing: number;
  received: number;
  connectionsOpened: number;
  connectionsOpen: number;
  connectionsPeak: number;
  drops: number;
  serverCloses: number;
  connectFailures: number;
  runsInFlight: number;
  tokensIssued: number;
  tokenRefreshes: number;
}

/** What happened in the current one-second window (the HTML time series). */
export interface LoadWindow {
  events: number;
  runsStarted: number;
  runsEnded: number;
  firstEvent: number[];
  completion: number[];
}

/**
 * Shared state of one load run: the clock, counters, latency recorders, the live rules checker, and the timers of
 * every virtual user (so that stopping clears them all and nothing keeps the process alive).
 *
 * @example
 * const session = new LoadSession(live);
 * session.after(100, () => tab.reconnect());
 * await session.sleep(500); // returns early once session.stop() is called
 */
export class LoadSession {
  readonly t0 = performance.now();
  readonly counters: LoadCounters = {
    runsStarted: 0,
    runsCompleted: 0,
    runsFailed: 0,
    runsCancelled: 0,
    runsUnfinished: 0,
    expected: 0,
    delivered: 0,
    duplicates: 0,
    redelivered: 0,
    missing: 0,
    received: 0,
    connectionsOpened: 0,
    connectionsOpen: 0,
    connectionsPeak: 0,
    drops: 0,
    serverCloses: 0,
    connectFailures: 0,
    runsInFlight: 0,
    tokensIssued: 0,
    tokenRefreshes: 0,
  };
  readonly errors = new Map<string, number>();
  readonly firstEvent = new LatencyRecorder();
  readonly completion = new LatencyRecorder();
  window: LoadWindow = newWindow();
  /** No new runs: tabs finish the run in flight and stop. */
  stopping = false;
  /** Tearing down: no reconnects, sockets closing. */
  closing = false;
  live!: LiveChecks;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Set<() => void>();

  /** Milliseconds since the run started (microsecond resolution): the clock of the rules checker and latencies. */
  now(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  error(code: string, n = 1): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + n);
  }

  connectionOpened(): void {
    this.counters.connectionsOpened++;
    this.counters.connectionsOpen++;
    if (this.counters.connectionsOpen > this.counters.connectionsPeak)
      this.counters.connectionsPeak = this.counters.connectionsOpen;
  }

  recordFirstEvent(ms: number): void {
    this.firstEvent.record(ms);
    this.window.firstEvent.push(ms);
  }

  recordCompletion(ms: number): void {
    this.completion.record(ms);
    this.window.completion.push(ms);
  }

  /** Closes the current one-second window and opens the next. */
  takeWindow(): LoadWindow {
    const window = this.window;
    this.window = newWindow();
    return window;
  }

  /** A timer owned by the session (cleared by `clearTimers`). */
  after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Resolves after `ms`, or as soon as `stop()` is called. */
  sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.cancel(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = this.after(ms, wake);
      this.wakers.add(wake);
    });
  }

  /** No new runs from now on; sleeping tabs wake up. */
  stop(): void {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function newWindow(): LoadWindow {
  return { events: 0, runsStarted: 0, runsEnded: 0, firstEvent: [], completion: [] };
}
