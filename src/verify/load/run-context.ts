import { loadProtocol } from '../../protocol';
import { LoadCounters } from './counters';
import { LatencyRecorder } from './latency';
import type { LiveChecks } from './live-checks';
import { SeriesRecorder } from './series';
import { TimerWheel } from './timer-wheel';

/**
 * Shared state of one load run: the clock, the timer wheel every user schedules on, the counters, the latency
 * recorders, the per-second series and the live rules checker. Two flags end a run in two steps: `stopping` (no new
 * runs; the runs in flight drain) and `closing` (tearing down: no reconnects).
 *
 * @example
 * const ctx = new LoadContext(1, (c) => new LiveChecks(profile, () => c.now()));
 * ctx.wheel.arm(timer, 100);
 * ctx.recordFirstEvent(ctx.now() - sentAt);
 */
export class LoadContext {
  readonly t0 = performance.now();
  readonly wheel = new TimerWheel();
  readonly counters: LoadCounters;
  readonly firstEvent = new LatencyRecorder();
  readonly completion = new LatencyRecorder();
  readonly series = new SeriesRecorder();
  readonly live: LiveChecks;
  /** Terminal run-event types, from the spec (`x-netra-run: terminal`). */
  readonly terminalTypes: ReadonlySet<string> = loadProtocol().terminalTypes;
  /** The run's first event (`x-netra-run: start`): its arrival is the first-event latency. */
  readonly startType: string = loadProtocol().startType;
  /** No new runs: tabs finish the run in flight and stop. */
  stopping = false;
  /** Tearing down: no reconnects, sockets closing. */
  closing = false;
  /** Tabs still looping; the drain ends when it reaches 0. */
  activeTabs = 0;
  private drained: (() => void) | undefined;

  constructor(nodes: number, live: (ctx: LoadContext) => LiveChecks) {
    this.counters = new LoadCounters(nodes);
    this.live = live(this);
  }

  /** Milliseconds since the run started (microsecond resolution): the clock of the rules checker and latencies. */
  now(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }

  recordFirstEvent(ms: number): void {
    this.firstEvent.record(ms);
    this.series.recordFirstEvent(ms);
  }

  recordCompletion(ms: number): void {
    this.completion.record(ms);
    this.series.recordCompletion(ms);
  }

  /** A tab started its request loop. */
  tabStarted(): void {
    this.activeTabs++;
  }

  /** A tab left its request loop for good (the run is stopping and its last run ended). */
  tabDone(): void {
    this.activeTabs--;
    if (this.activeTabs === 0 && this.stopping) this.drained?.();
  }

  /** Resolves once every tab left its loop (immediately when none is active). */
  whenDrained(): Promise<void> {
    if (this.activeTabs === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }
}
