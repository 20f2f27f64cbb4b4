import { readFileSync } from 'node:fs';
import { isRecord } from '../../util/records';
import { LoadError } from './errors';
import { LatencyRecorder } from './latency';
import { deliveryRatio } from './report-builder';
import type { LoadReport } from './report';
import type { LoadSeries } from './series';
import { evaluateThresholds, parseThreshold, type Threshold } from './thresholds';

/** A shard report and where it came from (for error messages). */
export interface ShardReport {
  file: string;
  report: LoadReport;
}

/** Options of {@link mergeReports}. */
export interface MergeOptions {
  /** Merge even when some shards of the run are missing (the report says which it holds). */
  allowPartial?: boolean;
  /** Thresholds to judge the merged report by. Default: those the shard reports were judged by. */
  thresholds?: readonly Threshold[];
}

const MAX_SAMPLES = 50;

/**
 * Reads a `load --report x.json` file for `load merge`. Throws LoadError MERGE_INVALID naming the file when it is not
 * JSON or not a load report with mergeable histograms (a report of an older version has none).
 *
 * @example
 * const shard = readShardReport('reports/shard-1.json');
 */
export function readShardReport(file: string): ShardReport {
  let report: unknown;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LoadError('MERGE_INVALID', `${file}: cannot read a load report (${reason})`, { cause: err });
  }
  const r = report as Partial<LoadReport> | undefined;
  if (!isRecord(report) || !isRecord(r?.runs) || !isRecord(r?.events) || !isRecord(r?.series))
    throw new LoadError('MERGE_INVALID', `${file}: not a load report (netra-contracts load --report x.json)`);
  if (!isRecord(r?.latency_hdr) || !isRecord(r?.shard) || !Array.isArray(r.shard.indexes))
    throw new LoadError(
      'MERGE_INVALID',
      `${file}: the report has no latency_hdr/shard sections to merge (written by an older version?)`,
    );
  return { file, report: report as unknown as LoadReport };
}

/**
 * Merges the reports of the shards of one run (`load --shard i/n` on several machines, or `--workers`) into one
 * report, as if one process had run every user: counts add up, the HdrHistograms add up exactly (so the merged
 * percentiles are those of a histogram of every sample), per-key maps add up, and the thresholds are judged again on
 * the merged figures. Per-second latency series take the worst shard per second (an upper bound: the shards' clocks
 * are not one clock); `connections.peak` is the sum of the shards' peaks (an upper bound). Throws LoadError
 * MERGE_INVALID for reports of different runs, a shard given twice, or missing shards (unless `allowPartial`).
 *
 * @example
 * const merged = mergeReports([readShardReport('a.json'), readShardReport('b.json')]);
 * merged.runs.started; // a's + b's
 */
export function mergeReports(shards: readonly ShardReport[], opts: MergeOptions = {}): LoadReport {
  if (shards.length === 0) throw new LoadError('MERGE_INVALID', 'no report to merge');
  checkSameRun(shards, opts.allowPartial === true);
  const reports = shards.map((s) => s.report);
  const first = reports[0];
  const firstEvent = mergeLatency(shards, 'first_event_ms');
  const completion = mergeLatency(shards, 'completion_ms');
  const sum = (pick: (r: LoadReport) => number): number => reports.reduce((n, r) => n + pick(r), 0);
  const events = sumFields(reports.map((r) => r.events));
  const merged: LoadReport = {
    users: sum((r) => r.users),
    duration_s: first.duration_s,
    runs: sumFields(reports.map((r) => r.runs)),
    events,
    first_event_ms: firstEvent.summary(),
    completion_ms: completion.summary(),
    violations: sumMaps(reports.map((r) => r.violations)),
    errors: sumMaps(reports.map((r) => r.errors)),
    warnings: sumMaps(reports.map((r) => r.warnings)),
    delivery_ratio: deliveryRatio(events.delivered, events.expected),
    connections: mergeConnections(reports),
    auth: sumFields(reports.map((r) => r.auth)),
    profile: first.profile,
    mix: first.mix,
    target: first.target,
    settings: first.settings,
    thresholds: [],
    violation_samples: reports.flatMap((r) => r.violation_samples).slice(0, MAX_SAMPLES),
    environment: mergeEnvironment(reports),
    histograms: { first_event_ms: firstEvent.histogramBuckets(), completion_ms: completion.histogramBuckets() },
    series: mergeSeries(reports.map((r) => r.series)),
    frames: sumFields(reports.map((r) => r.frames)),
    shard: {
      count: first.shard.count,
      indexes: reports.flatMap((r) => r.shard.indexes).sort((a, b) => a - b),
      users_total: first.shard.users_total,
    },
    latency_hdr: { first_event_ms: firstEvent.snapshot(), completion_ms: completion.snapshot() },
  };
  const thresholds = opts.thresholds ?? thresholdsOf(reports);
  merged.thresholds = evaluateThresholds(merged, thresholds);
  return merged;
}

function checkSameRun(shards: readonly ShardReport[], allowPartial: boolean): void {
  const first = shards[0];
  const key = (r: LoadReport) =>
    JSON.stringify([r.shard.count, r.shard.users_total, r.duration_s, r.profile, r.mix, r.settings]);
  const seen = new Map<number, string>();
  for (const { file, report } of shards) {
    if (key(report) !== key(first.report)) {
      throw new LoadError(
        'MERGE_INVALID',
        `${file} is a shard of another run than ${first.file} (shard count, users, duration, profile, mix and settings must match)`,
      );
    }
    for (const index of report.shard.indexes) {
      const other = seen.get(index);
      if (other !== undefined)
        throw new LoadError('MERGE_INVALID', `shard ${index}/${report.shard.count} is in both ${other} and ${file}`);
      seen.set(index, file);
    }
  }
  const count = first.report.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0 && !allowPartial) {
    throw new LoadError(
      'MERGE_INVALID',
      `shards ${missing.map((i) => `${i}/${count}`).join(', ')} are missing (merge them too, or pass --allow-partial)`,
    );
  }
}

function mergeLatency(shards: readonly ShardReport[], metric: 'first_event_ms' | 'completion_ms'): LatencyRecorder {
  const merged = new LatencyRecorder();
  for (const { file, report } of shards) {
    const snapshot = report.latency_hdr[metric];
    const part = isRecord(snapshot) ? LatencyRecorder.fromSnapshot(snapshot, report.histograms[metric] ?? []) : null;
    if (part === null) throw new LoadError('MERGE_INVALID', `${file}: latency_hdr.${metric} cannot be decoded`);
    merged.add(part);
  }
  return merged;
}

function mergeConnections(reports: readonly LoadReport[]): LoadReport['connections'] {
  const all = reports.map((r) => r.connections);
  const sum = (pick: (c: LoadReport['connections']) => number): number => all.reduce((n, c) => n + pick(c), 0);
  return {
    opened: sum((c) => c.opened),
    peak: sum((c) => c.peak),
    drops: sum((c) => c.drops),
    server_closes: sum((c) => c.server_closes),
    connect_failures: sum((c) => c.connect_failures),
    // The workers of one machine share its 127.0.0.x addresses: the most any shard used.
    source_addresses: Math.max(...all.map((c) => c.source_addresses)),
    per_url: sumMaps(all.map((c) => c.per_url ?? {})),
    reconnects_to_other_url: sum((c) => c.reconnects_to_other_url ?? 0),
  };
}

function mergeEnvironment(reports: readonly LoadReport[]): LoadReport['environment'] {
  const envs = reports.map((r) => r.environment);
  const sum = (pick: (e: LoadReport['environment']) => number): number => envs.reduce((n, e) => n + pick(e), 0);
  const max = (pick: (e: LoadReport['environment']) => number): number => Math.max(...envs.map(pick));
  const round2 = (v: number): number => Math.round(v * 100) / 100;
  return {
    node: envs[0].node,
    cpus: max((e) => e.cpus),
    loadavg_start: envs[0].loadavg_start,
    loadavg_end: envs[envs.length - 1].loadavg_end,
    elapsed_s: max((e) => e.elapsed_s),
    heap_used_mb: {
      start: round2(sum((e) => e.heap_used_mb.start)),
      peak: round2(sum((e) => e.heap_used_mb.peak)),
      end: round2(sum((e) => e.heap_used_mb.end)),
    },
    event_loop_delay_ms: {
      p50: max((e) => e.event_loop_delay_ms.p50),
      p99: max((e) => e.event_loop_delay_ms.p99),
      max: max((e) => e.event_loop_delay_ms.max),
    },
    cpu_ms: { user: sum((e) => e.cpu_ms?.user ?? 0), system: sum((e) => e.cpu_ms?.system ?? 0) },
    processes: sum((e) => e.processes ?? 1),
  };
}

function mergeSeries(all: readonly LoadSeries[]): LoadSeries {
  const length = Math.max(...all.map((s) => s.t_s.length));
  const at = (pick: (s: LoadSeries) => (number | null)[], i: number) => all.map((s) => pick(s)[i] ?? null);
  const total = (pick: (s: LoadSeries) => (number | null)[]): number[] =>
    Array.from({ length }, (_, i) => round3(at(pick, i).reduce<number>((n, v) => n + (v ?? 0), 0)));
  const worst = (pick: (s: LoadSeries) => (number | null)[]): (number | null)[] =>
    Array.from({ length }, (_, i) => {
      const values = at(pick, i).filter((v): v is number => v !== null);
      return values.length === 0 ? null : Math.max(...values);
    });
  return {
    t_s: Array.from({ length }, (_, i) => i + 1),
    events_per_s: total((s) => s.events_per_s),
    runs_started: total((s) => s.runs_started),
    runs_ended: total((s) => s.runs_ended),
    first_event_p50_ms: worst((s) => s.first_event_p50_ms),
    first_event_p99_ms: worst((s) => s.first_event_p99_ms),
    completion_p99_ms: worst((s) => s.completion_p99_ms),
    connections: total((s) => s.connections),
    runs_in_flight: total((s) => s.runs_in_flight),
    violations: total((s) => s.violations),
    heap_used_mb: total((s) => s.heap_used_mb),
  };
}

/** The thresholds the shard reports were judged by (each expression once). */
function thresholdsOf(reports: readonly LoadReport[]): Threshold[] {
  const sources = new Set(reports.flatMap((r) => r.thresholds.map((t) => t.threshold)));
  return [...sources].map(parseThreshold);
}

function sumFields<T extends object>(objects: readonly T[]): T {
  const out = { ...objects[0] } as Record<string, number>;
  for (const key of Object.keys(out))
    out[key] = objects.reduce((n, o) => n + ((o as Record<string, number>)[key] ?? 0), 0);
  return out as T;
}

function sumMaps(maps: readonly Record<string, number>[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const map of maps) for (const [key, n] of Object.entries(map)) counts.set(key, (counts.get(key) ?? 0) + n);
  const out: Record<string, number> = {};
  for (const key of [...counts.keys()].sort()) out[key] = counts.get(key) as number;
  return out;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
