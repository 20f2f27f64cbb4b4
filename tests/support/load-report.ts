// A load report for tests of pure functions over reports (thresholds, inputs, shard merging, HTML), unit and
// integration alike.
import type { LoadReport } from '../../src/verify/load';

/**
 * A plausible report for tests of pure functions (thresholds, HTML), with `overrides`.
 *
 * @example
 * const report = sampleReport({ users: 50 });
 */
export function sampleReport(overrides: Partial<LoadReport> = {}): LoadReport {
  const latency = { count: 10, p50: 2, p95: 8, p99: 9.5, max: 12, mean: 3 };
  return {
    users: 5,
    duration_s: 5,
    runs: { started: 10, completed: 10, failed: 0, cancelled: 1, unfinished: 0 },
    events: { expected: 100, delivered: 100, duplicates: 0, redelivered: 0, missing: 0, received: 100 },
    first_event_ms: latency,
    completion_ms: { ...latency, p50: 200, p95: 400, p99: 450, max: 500, mean: 220 },
    violations: {},
    errors: {},
    warnings: {},
    delivery_ratio: 1,
    connections: {
      opened: 6,
      peak: 5,
      drops: 1,
      server_closes: 0,
      connect_failures: 0,
      source_addresses: 6,
      per_url: { 'ws://127.0.0.1:1/ws': 6 },
      reconnects_to_other_url: 0,
    },
    auth: { tokens: 5, refreshes: 0 },
    profile: 'ci',
    mix: 'ci',
    target: {
      url: 'ws://127.0.0.1:1/ws',
      embedded: true,
      name: 'embedded',
      urls: ['ws://127.0.0.1:1/ws'],
      auth: 'dev',
    },
    settings: { ramp_s: 1, drop_every_s: null, seed: 1, token_ttl_s: 900, drain_s: 45 },
    thresholds: [],
    violation_samples: [],
    environment: {
      node: 'v20',
      cpus: 2,
      loadavg_start: [1, 1, 1],
      loadavg_end: [1, 1, 1],
      elapsed_s: 5,
      heap_used_mb: { start: 10, peak: 20, end: 15 },
      event_loop_delay_ms: { p50: 0, p99: 1, max: 2 },
      cpu_ms: { user: 100, system: 20 },
      processes: 1,
    },
    histograms: {
      first_event_ms: [
        { le: 2, count: 6 },
        { le: 10, count: 4 },
      ],
      completion_ms: [{ le: 251, count: 10 }],
    },
    series: {
      t_s: [1, 2],
      events_per_s: [40, 60],
      runs_started: [5, 5],
      runs_ended: [4, 6],
      first_event_p50_ms: [2, null],
      first_event_p99_ms: [9, null],
      completion_p99_ms: [400, 450],
      connections: [5, 5],
      runs_in_flight: [5, 4],
      violations: [0, 0],
      heap_used_mb: [20, 21],
    },
    frames: { received: 110, sent: 20 },
    shard: { count: 1, indexes: [1], users_total: 5 },
    latency_hdr: {
      first_event_ms: { sum_ms: 30, max_ms: 12, hdr: '' },
      completion_ms: { sum_ms: 2200, max_ms: 500, hdr: '' },
    },
    ...overrides,
  };
}
