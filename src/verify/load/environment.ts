import os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** The machine during a run, as the report shows it. */
export interface LoadEnvironment {
  node: string;
  cpus: number;
  loadavg_start: number[];
  loadavg_end: number[];
  elapsed_s: number;
  /** The load tool's own heap: bounded over a long run. */
  heap_used_mb: { start: number; peak: number; end: number };
  event_loop_delay_ms: { p50: number; p99: number; max: number };
  /** CPU time the load tool's process used during the run (all its threads), ms. */
  cpu_ms: { user: number; system: number };
  /** Load processes whose figures this report holds (several after `--workers` or `load merge`). */
  processes: number;
}

// The histogram records whole timer intervals (ns); the lag is what exceeds the interval.
const LOOP_RESOLUTION_MS = 10;

/**
 * Watches the load tool's own process during a run: load average, heap, event-loop lag (which inflates measured
 * latencies when high) and CPU time.
 *
 * @example
 * const env = new EnvironmentMonitor();
 * env.sampleHeapMb(); // once a second
 * const environment = env.finish(elapsedMs);
 */
export class EnvironmentMonitor {
  private readonly loadavgStart = os.loadavg().map(round2);
  private readonly heapStart = process.memoryUsage().heapUsed;
  private heapPeak = 0;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readonly cpuStart = process.cpuUsage();

  constructor() {
    this.loopDelay.enable();
  }

  /** The heap now, MiB (and the peak so far). */
  sampleHeapMb(): number {
    const heapUsed = process.memoryUsage().heapUsed;
    if (heapUsed > this.heapPeak) this.heapPeak = heapUsed;
    return mb(heapUsed);
  }

  /** Stops watching and returns the figures. */
  finish(elapsedMs: number): LoadEnvironment {
    this.loopDelay.disable();
    const cpu = process.cpuUsage(this.cpuStart);
    return {
      node: process.version,
      cpus: os.cpus().length,
      loadavg_start: this.loadavgStart,
      loadavg_end: os.loadavg().map(round2),
      elapsed_s: round2(elapsedMs / 1000),
      heap_used_mb: {
        start: mb(this.heapStart),
        peak: mb(Math.max(this.heapPeak, this.heapStart)),
        end: mb(process.memoryUsage().heapUsed),
      },
      event_loop_delay_ms: {
        p50: lag(this.loopDelay.percentile(50)),
        p99: lag(this.loopDelay.percentile(99)),
        max: lag(this.loopDelay.max),
      },
      cpu_ms: { user: Math.round(cpu.user / 1000), system: Math.round(cpu.system / 1000) },
      processes: 1,
    };
  }
}

function lag(ns: number): number {
  return round2(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
}

function mb(bytes: number): number {
  return round2(bytes / 1024 / 1024);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
