import type { ReplayReport } from './replay';

/**
 * One paragraph per report: `ok`, `skipped` with the reason, or every difference, violation and problem.
 *
 * @example
 * process.stdout.write(formatReplayReport(report, 'python'));
 */
export function formatReplayReport(report: ReplayReport, target = ''): string {
  const head = `replay ${report.file}${target ? ` against ${target}` : ''}`;
  if (report.skipped !== undefined) return `${head}: skipped (${report.skipped})\n`;
  const conns = report.live?.records.filter((r) => r.kind === 'open').length ?? 0;
  const records = report.live?.records.length ?? 0;
  const same = report.shape === 'strict' ? 'same shape (strict)' : 'what the contract fixes matches';
  if (report.ok) return `${head}: ok (${conns} connections, ${records} records, every rule holds, ${same})\n`;
  const lines = [`${head}: FAILED`];
  const label = report.shape === 'strict' ? 'shape ' : 'differs';
  for (const d of report.differences)
    lines.push(`  ${label} ${d.where}: ${d.what}: expected ${d.expected}; got ${d.actual}`);
  for (const v of report.violations)
    lines.push(`  rule   ${v.rule} (${v.conn}, live line ${v.line ?? '?'}): ${v.message}`);
  for (const p of report.problems) lines.push(`  replay ${p}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The `--json` form of a report (stable: `file, scenario, ok, differences, violations, problems`, plus `shape` and
 * `skipped`).
 *
 * @example
 * process.stdout.write(`${JSON.stringify(reports.map(replayReportJson))}\n`);
 */
export function replayReportJson(report: ReplayReport): object {
  const { file, scenario, ok, shape, skipped, differences, violations, problems } = report;
  return {
    file,
    scenario,
    ok,
    shape,
    ...(skipped !== undefined ? { skipped } : {}),
    differences,
    violations: violations.map(({ rule, conn, line, message }) => ({ rule, conn, line, message })),
    problems,
  };
}
