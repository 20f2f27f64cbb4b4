import type { LatencyBucket, LatencySummary } from './latency';

/** Outcome of one threshold of the profile, as written to the report. */
export interface ThresholdOutcome {
  /** The expression, e.g. `first_event_ms.p99 < 100`. */
  threshold: string;
  ok: boolean;
  /** The measured value (null when the run produced no data for it, which fails the threshold). */
  actual: number | null;
}

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
 * What `netra-contracts load --report x.json` writes. The first keys are the contract of the issue; the rest are
 * details for people and for the HTML report. Key order is fixed.
 */
export interface LoadReport {
  users: number;
  duration_s: number;
  /**
   * started = start_agent sent; completed = ended with agent_completed (cancelled ones included); failed = everything
   * else (agent_error, refused start, CLIENT_TIMEOUT, unfinished at the end of the drain). started = completed + failed.
   */
  runs: { started: number; completed: number; failed: number; cancelled: number; unfinished: number };
  events: {
    /** For every run whose terminal event arrived: its seq (the number of events the run had). */
    expected: number;
    /** Unique (run_id, seq) of those runs held by the tab that started them, after resumes. */
    delivered: number;
    /** An event a connection had already received on it, or at or below the last_seq it claimed in a resume. */
    duplicates: number;
    /** Events a tab held already and got again because it asked for them (resume below a hole); not a server fault. */
    redelivered: number;
    missing: number;
    /** Run events received on all connections (every tab). */
    received: number;
  };
  first_event_ms: LatencySummary;
  completion_ms: LatencySummary;
  /** Error-severity rule violations by rule id (the live rules checker, every frame). */
  violations: Record<string, number>;
  /** error_message codes, agent_error codes and client-side failures, by code. */
  errors: Record<string, number>;
  /** Warning-severity findings by rule id. */
  warnings: Record<string, number>;
  /** delivered / expected (1 when nothing was expected). */
  delivery_ratio: number;
  connections: {
    opened: number;
    peak: number;
    drops: number;
    server_closes: number;
    connect_failures: number;
    source_addresses: number;
  };
  /** Development tokens fetched (one per user) and refreshes (single-use refresh tokens, then auth_refresh on every open tab). */
  auth: { tokens: number; refreshes: number };
  profile: string;
  mix: string;
  target: { url: string; embedded: boolean };
  settings: { ramp_s: number; drop_every_s: number | null; seed: number; token_ttl_s: number; drain_s: number };
  thresholds: ThresholdOutcome[];
  /** Samples of the first violations, for the HTML report and debugging. */
  violation_samples: { rule: string; conn: string; run_id?: string; message: string }[];
  /** The machine during the run; event_loop_delay_ms is the load tool's own (inflates measured latencies when high). */
  environment: {
    node: string;
    cpus: number;
    loadavg_start: number[];
    loadavg_end: number[];
    elapsed_s: number;
    /** The load tool's own heap: bounded over a long run. */
    heap_used_mb: { start: number; peak: number; end: number };
    event_loop_delay_ms: { p50: number; p99: number; max: number };
  };
  histograms: { first_event_ms: LatencyBucket[]; completion_ms: LatencyBucket[] };
  series: LoadSeries;
}

/**
 * Sorted copy of a count map (stable key order in the report).
 *
 * @example
 * sortedCounts(new Map([['b', 1], ['a', 2]])); // { a: 2, b: 1 }
 */
export function sortedCounts(counts: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of [...counts.keys()].sort()) out[key] = counts.get(key) as number;
  return out;
}
