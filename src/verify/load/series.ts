import { LatencyRecorder } from './latency';
import type { LoadCounters } from './counters';

/** Per-second time series of a load run (index i covers second i..i+1 since the start). */
export interface LoadSeries {
  t_s: number[];
  /** Run events received per second (all connections). */
  events_per_s: number[];
  runs_started: number[];
  runs_ended: number[];
  /** First-event latency of the runs started in that second, ms (null: none). */
  first_event_p50_ms: (number | null)[];
  first_event_p99_ms: (number | null)[];
  completion_p99_ms: (number | null)[];
  connections: number[];
  runs_in_flight: number[];
  /** Violations so far (cumulative). */
  violations: number[];
  /** The load tool's heap at the end of that second, MiB (bounded memory over a long run). */
  heap_used_mb: number[];
}

/**
 * The per-second time series of the HTML report: what happened in the current one-second window (events, runs
 * started and ended, first-event and completion latencies in histograms that are reset, not reallocated), closed by
 * {@link tick} once a second.
 *
 * @example
 * const series = new SeriesRecorder();
 * series.recordFirstEvent(8.2);
 * series.tick(counters, violations, heapMb);
 * series.series.first_event_p50_ms; // [8.2]
 */
export class SeriesRecorder {
  readonly series: LoadSeries = {
    t_s: [],
    events_per_s: [],
    runs_started: [],
    runs_ended: [],
    first_event_p50_ms: [],
    first_event_p99_ms: [],
    completion_p99_ms: [],
    connections: [],
    runs_in_flight: [],
    violations: [],
    heap_used_mb: [],
  };
  /** Events, starts and ends in the current window. */
  events = 0;
  runsStarted = 0;
  runsEnded = 0;
  private readonly firstEvent = new LatencyRecorder();
  private readonly completion = new LatencyRecorder();

  recordFirstEvent(ms: number): void {
    this.firstEvent.record(ms);
  }

  recordCompletion(ms: number): void {
    this.completion.record(ms);
  }

  /** Closes the current window (appends one point to every series) and opens the next. Returns its event count. */
  tick(counters: LoadCounters, violations: number, heapUsedMb: number): number {
    const s = this.series;
    const events = this.events;
    s.t_s.push(s.t_s.length + 1);
    s.events_per_s.push(events);
    s.runs_started.push(this.runsStarted);
    s.runs_ended.push(this.runsEnded);
    s.first_event_p50_ms.push(this.firstEvent.percentile(50));
    s.first_event_p99_ms.push(this.firstEvent.percentile(99));
    s.completion_p99_ms.push(this.completion.percentile(99));
    s.connections.push(counters.connectionsOpen);
    s.runs_in_flight.push(counters.runsInFlight);
    s.violations.push(violations);
    s.heap_used_mb.push(heapUsedMb);
    this.events = 0;
    this.runsStarted = 0;
    this.runsEnded = 0;
    this.firstEvent.reset();
    this.completion.reset();
    return events;
  }
}
