import type { Target } from '../targets/types';
import type { LoadEnvironment } from './environment';
import type { LoadSettings } from './options';
import { sortedCounts, type LoadReport } from './report';
import type { LoadContext } from './run-context';

/** What a finished run hands to {@link buildReport}. */
export interface ReportInputs {
  ctx: LoadContext;
  settings: LoadSettings;
  /** Users this process ran (its shard). */
  users: number;
  target: Target;
  embedded: boolean;
  profile: string;
  mix: string;
  environment: LoadEnvironment;
  /** Distinct source addresses the connections used. */
  sourceAddresses: number;
}

/**
 * Builds the report of a finished run from its counters, recorders, live checks and environment (thresholds are
 * evaluated afterwards, on the report). Key order is the README's contract first.
 *
 * @example
 * const report = buildReport({ ctx, settings, users: 10, target, embedded: false, profile: 'ci', mix: 'ci', environment, sourceAddresses: 10 });
 */
export function buildReport(inputs: ReportInputs): LoadReport {
  const { ctx, settings } = inputs;
  const c = ctx.counters;
  return {
    users: inputs.users,
    duration_s: settings.durationS,
    runs: {
      started: c.runsStarted,
      completed: c.runsCompleted,
      failed: c.runsFailed,
      cancelled: c.runsCancelled,
      unfinished: c.runsUnfinished,
    },
    events: {
      expected: c.expected,
      delivered: c.delivered,
      duplicates: c.duplicates,
      redelivered: c.redelivered,
      missing: c.missing,
      received: c.received,
    },
    first_event_ms: ctx.firstEvent.summary(),
    completion_ms: ctx.completion.summary(),
    violations: sortedCounts(ctx.live.violationCounts),
    errors: sortedCounts(c.errors),
    warnings: sortedCounts(ctx.live.warningCounts),
    delivery_ratio: deliveryRatio(c.delivered, c.expected),
    connections: connectionsSection(inputs),
    auth: { tokens: c.tokensIssued, refreshes: c.tokenRefreshes },
    profile: inputs.profile,
    mix: inputs.mix,
    target: {
      url: inputs.target.url,
      embedded: inputs.embedded,
      name: inputs.target.name,
      urls: [...inputs.target.urls],
      auth: inputs.target.auth.kind,
    },
    settings: {
      ramp_s: settings.rampS,
      drop_every_s: settings.dropEveryS ?? null,
      seed: settings.seed,
      token_ttl_s: settings.tokenTtlS,
      drain_s: settings.drainS,
    },
    thresholds: [],
    violation_samples: ctx.live.samples,
    environment: inputs.environment,
    histograms: {
      first_event_ms: ctx.firstEvent.histogramBuckets(),
      completion_ms: ctx.completion.histogramBuckets(),
    },
    series: ctx.series.series,
    frames: { received: c.framesReceived, sent: c.framesSent },
    shard: { count: settings.shard.count, indexes: [settings.shard.index], users_total: settings.users },
    latency_hdr: { first_event_ms: ctx.firstEvent.snapshot(), completion_ms: ctx.completion.snapshot() },
  };
}

function connectionsSection(inputs: ReportInputs): LoadReport['connections'] {
  const c = inputs.ctx.counters;
  const perUrl: Record<string, number> = {};
  inputs.target.urls.forEach((url, i) => (perUrl[url] = (perUrl[url] ?? 0) + c.openedPerNode[i]));
  return {
    opened: c.connectionsOpened,
    peak: c.connectionsPeak,
    drops: c.drops,
    server_closes: c.serverCloses,
    connect_failures: c.connectFailures,
    source_addresses: Math.max(1, inputs.sourceAddresses),
    per_url: perUrl,
    reconnects_to_other_url: c.reconnectsToOtherNode,
  };
}

/**
 * delivered / expected, to 6 decimals (1 when nothing was expected).
 *
 * @example
 * deliveryRatio(999, 1000); // 0.999
 */
export function deliveryRatio(delivered: number, expected: number): number {
  return expected === 0 ? 1 : Math.round((delivered / expected) * 1e6) / 1e6;
}
