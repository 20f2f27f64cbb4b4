import type { LoadEnvironment } from './environment';
import type { LatencyBucket, LatencySnapshot, LatencySummary } from './latency';
import type { LoadSeries } from './series';

export type { LoadSeries } from './series';

/** Outcome of one threshold of the profile, as written to the report. */
export interface ThresholdOutcome {
  /** The expression, e.g. `first_event_ms.p99 < 100`. */
  threshold: string;
  ok: boolean;
  /** The measured value (null when the run produced no data for it, which fails the threshold). */
  actual: number | null;
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
    /** Most connections open at once (after a merge: the sum of the shards' peaks, an upper bound). */
    peak: number;
    drops: number;
    server_closes: number;
    connect_failures: number;
    source_addresses: number;
    /** Connections opened per URL of the target (several `--url`: users spread round-robin over them). */
    per_url: Record<string, number>;
    /** Reconnections that went to another URL than the connection before. */
    reconnects_to_other_url: number;
  };
  /** Tokens from the target's token source (one per user) and renewals (then auth_refresh on every open tab). */
  auth: { tokens: number; refreshes: number };
  profile: string;
  mix: string;
  /** `url` is the first of `urls`; `name` the targets-file entry (`--url` for the shorthand, `embedded`). */
  target: { url: string; embedded: boolean; name: string; urls: string[]; auth: string };
  settings: { ramp_s: number; drop_every_s: number | null; seed: number; token_ttl_s: number; drain_s: number };
  thresholds: ThresholdOutcome[];
  /** Samples of the first violations, for the HTML report and debugging. */
  violation_samples: { rule: string; conn: string; run_id?: string; message: string }[];
  /** The machine during the run; event_loop_delay_ms is the load tool's own (inflates measured latencies when high). */
  environment: LoadEnvironment;
  histograms: { first_event_ms: LatencyBucket[]; completion_ms: LatencyBucket[] };
  series: LoadSeries;
  /** Frames over all connections, both directions (the load tool's CPU per frame is environment.cpu_ms / received). */
  frames: { received: number; sent: number };
  /**
   * Which users this report holds: the shards `indexes` (1-based) of `count` shards of a run of `users_total` users.
   * A whole run is `{count: 1, indexes: [1]}`; `load merge` of every shard gives `indexes: [1, ..., count]`.
   */
  shard: { count: number; indexes: number[]; users_total: number };
  /** The latency histograms in HdrHistogram's encoding, so that reports of shards merge exactly (`load merge`). */
  latency_hdr: { first_event_ms: LatencySnapshot; completion_ms: LatencySnapshot };
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
