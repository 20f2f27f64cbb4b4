import type { ConformanceReport } from './types';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML: one testsuite per tier, one testcase per scenario (`<failure>` listing its violations, `<skipped>` with
 * the reason), for CI test reporters.
 *
 * @example
 * writeFileSync('conformance.xml', formatConformanceJunit(report));
 */
export function formatConformanceJunit(report: ConformanceReport): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const { passed, failed, skipped } = report.summary;
  lines.push(
    `<testsuites name="conformance ${escape(report.target)}" tests="${passed + failed + skipped}" failures="${failed}" skipped="${skipped}">`,
  );
  for (const tier of report.tiers) {
    const cases = report.scenarios.filter((s) => s.tier === tier);
    if (cases.length === 0) continue;
    const fails = cases.filter((s) => !s.ok && !s.skipped).length;
    const skips = cases.filter((s) => s.skipped).length;
    const time = cases.reduce((t, s) => t + s.seconds, 0).toFixed(1);
    lines.push(
      `  <testsuite name="${escape(`${report.target} ${tier}`)}" tests="${cases.length}" failures="${fails}" skipped="${skips}" time="${time}">`,
    );
    for (const s of cases) {
      lines.push(
        `    <testcase classname="${escape(`conformance.${tier}`)}" name="${escape(s.name)}" time="${s.seconds.toFixed(1)}">`,
      );
      if (s.skipped) lines.push(`      <skipped message="${escape(s.reason ?? '')}"/>`);
      else if (!s.ok) {
        const body = s.violations
          .map((v) => `${v.rule} (${v.conn}${v.line !== undefined ? `, line ${v.line}` : ''}): ${v.message}`)
          .join('\n');
        const first = s.violations[0];
        lines.push(
          `      <failure message="${escape(first ? `${first.rule}: ${first.message.split('\n')[0]}` : 'failed')}">${escape(body)}</failure>`,
        );
      }
      if (s.session) lines.push(`      <system-out>${escape(`session: ${s.session}`)}</system-out>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
