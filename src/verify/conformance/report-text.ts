import type { ConformanceReport, ScenarioVerdict } from './types';

const RESULT = (v: ScenarioVerdict): string => (v.skipped ? 'skip' : v.ok ? 'pass' : 'FAIL');

/**
 * One table row (scenario, tier, result, violations, seconds) for a verdict, with each violation (or the skip
 * reason) on its own line under a failed or skipped row.
 *
 * @example
 * process.stdout.write(formatVerdict(verdict));
 */
export function formatVerdict(v: ScenarioVerdict, width = 28): string {
  const row = `${v.name.padEnd(width)}  ${v.tier.padEnd(6)}  ${RESULT(v).padEnd(6)}  ${String(v.violations.length).padStart(10)}  ${v.seconds.toFixed(1).padStart(7)}`;
  const lines = [row];
  if (v.skipped && v.reason) lines.push(`    skipped: ${v.reason}`);
  for (const violation of v.violations.slice(0, 10)) {
    const at = violation.line !== undefined ? `, line ${violation.line}` : '';
    lines.push(`    ${violation.rule} (${violation.conn}${at}): ${violation.message.split('\n')[0]}`);
  }
  if (v.violations.length > 10) lines.push(`    ... and ${v.violations.length - 10} more`);
  return `${lines.join('\n')}\n`;
}

/** The table's header line. */
export function tableHeader(width = 28): string {
  return `${'scenario'.padEnd(width)}  ${'tier'.padEnd(6)}  ${'result'.padEnd(6)}  ${'violations'.padStart(10)}  ${'seconds'.padStart(7)}\n`;
}

/**
 * The whole table, then a summary line.
 *
 * @example
 * process.stdout.write(formatConformanceTable(report));
 */
export function formatConformanceTable(report: ConformanceReport): string {
  const width = Math.max(28, ...report.scenarios.map((s) => s.name.length));
  const rows = report.scenarios.map((v) => formatVerdict(v, width)).join('');
  return `${tableHeader(width)}${rows}${formatSummaryLine(report)}\n`;
}

/** `conformance of <target> (<spec>, profile <p>): 20 passed, 0 failed, 2 skipped`. */
export function formatSummaryLine(report: ConformanceReport): string {
  const { passed, failed, skipped } = report.summary;
  return `conformance of ${report.target} (${report.spec}, profile ${report.profile}, tiers ${report.tiers.join(', ')}): ${passed} passed, ${failed} failed, ${skipped} skipped`;
}
