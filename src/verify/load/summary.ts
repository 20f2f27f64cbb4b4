import type { LatencySummary } from './latency';
import type { LoadReport } from './report';

/**
 * The end-of-run summary, k6 style: one dotted line per metric, then every threshold with a check or a cross.
 *
 * @example
 * process.stdout.write(formatSummary(report, { color: process.stdout.isTTY }));
 */
export function formatSummary(report: LoadReport, opts: { color?: boolean } = {}): string {
  const green = (s: string): string => (opts.color ? `\x1b[32m${s}\x1b[0m` : s);
  const red = (s: string): string => (opts.color ? `\x1b[31m${s}\x1b[0m` : s);
  const line = (name: string, value: string): string => `  ${name.padEnd(22, '.')} ${value}`;
  const counts = (map: Record<string, number>): string =>
    Object.keys(map).length === 0
      ? '0'
      : Object.entries(map)
          .map(([k, n]) => `${k}=${n}`)
          .join('  ');
  const totalViolations = Object.values(report.violations).reduce((a, b) => a + b, 0);
  const r = report.runs;
  const e = report.events;
  const c = report.connections;
  const out = [
    '',
    `  load: ${report.users} users, ${report.duration_s} s, profile ${report.profile}, mix ${report.mix}, ${targetText(report)}`,
    '',
    line(
      'runs',
      `started ${r.started}  completed ${r.completed}  failed ${r.failed}  cancelled ${r.cancelled}  unfinished ${r.unfinished}`,
    ),
    line(
      'events',
      `expected ${e.expected}  delivered ${e.delivered}  duplicates ${e.duplicates}  missing ${e.missing}  received ${e.received}`,
    ),
    line('delivery_ratio', String(report.delivery_ratio)),
    line('first_event_ms', latency(report.first_event_ms)),
    line('completion_ms', latency(report.completion_ms)),
    line(
      'connections',
      `opened ${c.opened}  peak ${c.peak}  drops ${c.drops}  server closes ${c.server_closes}  connect failures ${c.connect_failures}  source addresses ${c.source_addresses}${Object.keys(c.per_url ?? {}).length > 1 ? `  per url ${Object.values(c.per_url).join('/')}  reconnects to another url ${c.reconnects_to_other_url}` : ''}`,
    ),
    line('auth', `tokens ${report.auth.tokens}  refreshes ${report.auth.refreshes}`),
    line('violations', totalViolations === 0 ? '0' : `${totalViolations}  (${counts(report.violations)})`),
    line('errors', counts(report.errors)),
    line(
      'load tool',
      `event-loop lag p99 ${report.environment.event_loop_delay_ms.p99} ms, max ${report.environment.event_loop_delay_ms.max} ms; heap peak ${report.environment.heap_used_mb.peak} MiB; cpu ${cpuPerFrame(report)}; loadavg ${report.environment.loadavg_start[0]} -> ${report.environment.loadavg_end[0]}`,
    ),
    '',
    '  thresholds:',
    ...report.thresholds.map((t) => {
      const actual = t.actual === null ? 'no data' : `actual ${t.actual}`;
      return t.ok
        ? `    ${green('\u2713')} ${t.threshold}  (${actual})`
        : `    ${red('\u2717')} ${t.threshold}  (${actual})`;
    }),
    '',
  ];
  return `${out.join('\n')}\n`;
}

function targetText(report: LoadReport): string {
  const urls = report.target.urls ?? [report.target.url];
  const where = urls.length > 1 ? urls.join(' + ') : report.target.url;
  const shards = report.shard?.count > 1 ? `, shards ${report.shard.indexes.join(',')} of ${report.shard.count}` : '';
  const processes = report.environment.processes > 1 ? `, ${report.environment.processes} processes` : '';
  return `${where}${report.target.embedded ? ' (embedded)' : ''}${shards}${processes}`;
}

function cpuPerFrame(report: LoadReport): string {
  const cpu = report.environment.cpu_ms;
  if (cpu === undefined || report.frames === undefined) return 'n/a';
  const total = cpu.user + cpu.system;
  // An embedded provider shares the process: its CPU is in the figure, so a per-frame cost would mislead.
  if (report.target.embedded || report.frames.received === 0) return `${(total / 1000).toFixed(1)} s`;
  return `${(total / 1000).toFixed(1)} s (${((total * 1000) / report.frames.received).toFixed(1)} us per frame received)`;
}

function latency(s: LatencySummary): string {
  if (s.count === 0) return 'no samples';
  return `p50=${s.p50}  p95=${s.p95}  p99=${s.p99}  max=${s.max}  (n=${s.count})`;
}
