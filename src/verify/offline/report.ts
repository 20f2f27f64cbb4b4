import type { Violation } from '../../rules';
import type { VerifyReport } from './verify';

const FRAME_WIDTH = 160;
/** Findings printed per rule and session in the text report (the JSON report has them all). */
const SHOWN_PER_RULE = 10;

/**
 * The fixed `--json` shape: `{"ok","sessions":[{"file","ok","violations":[{"rule","conn","line","message"}]}]}`,
 * plus `warnings` (same shape) and `error` for a session that could not be read.
 *
 * @example
 * process.stdout.write(JSON.stringify(toJson(report)) + '\n');
 */
export function toJson(report: VerifyReport): object {
  const item = (v: Violation) => ({ rule: v.rule, conn: v.conn, line: v.line ?? null, message: v.message });
  return {
    ok: report.ok,
    sessions: report.sessions.map((s) => ({
      file: s.file,
      ok: s.ok,
      violations: s.violations.map(item),
      warnings: s.warnings.map(item),
      ...(s.error ? { error: s.error } : {}),
    })),
  };
}

/**
 * Human-readable report: per finding `file:line  rule-id  message`, then the offending frame (truncated JSON);
 * per session a summary line; then a total.
 *
 * @example
 * process.stdout.write(formatText(report));
 */
export function formatText(report: VerifyReport): string {
  const out: string[] = [];
  let violations = 0;
  let warnings = 0;
  let failed = 0;
  for (const s of report.sessions) {
    if (s.error) {
      failed++;
      out.push(`${s.file}  UNREADABLE  ${s.error.code}: ${s.error.message}`);
      continue;
    }
    out.push(...findings(s.file, s.violations, ''), ...findings(s.file, s.warnings, 'warning  '));
    violations += s.violations.length;
    warnings += s.warnings.length;
    if (!s.ok) failed++;
    const rules = new Set(s.violations.map((v) => v.rule));
    const stats = s.stats
      ? `  (${s.stats.frames} frames, ${s.stats.conns} conns, ${s.stats.runs} runs${s.stats.unobservedRuns ? `, ${s.stats.unobservedRuns} unobserved` : ''})`
      : '';
    const verdict = s.ok
      ? 'ok'
      : `FAILED  ${s.violations.length} violation${s.violations.length === 1 ? '' : 's'} of ${rules.size} rule${rules.size === 1 ? '' : 's'}`;
    const warned = s.warnings.length ? `, ${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'}` : '';
    if (s.note) out.push(`${s.file}: note: ${s.note}`);
    out.push(`${s.file}: ${verdict}${warned}${stats}`);
  }
  out.push(
    `verify: ${report.sessions.length} session${report.sessions.length === 1 ? '' : 's'}, ${failed} failed, ${violations} violation${violations === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} (${report.rules.length} rules, profile ${report.profile.name})`,
  );
  return `${out.join('\n')}\n`;
}

function findings(file: string, list: Violation[], prefix: string): string[] {
  const shown = new Map<string, number>();
  const out: string[] = [];
  for (const v of list) {
    const count = (shown.get(v.rule) ?? 0) + 1;
    shown.set(v.rule, count);
    if (count <= SHOWN_PER_RULE) out.push(...finding(file, v, prefix));
  }
  for (const [rule, count] of shown) {
    if (count > SHOWN_PER_RULE)
      out.push(`${file}  ${prefix}${rule}  ... and ${count - SHOWN_PER_RULE} more (see --json)`);
  }
  return out;
}

function finding(file: string, v: Violation, prefix: string): string[] {
  const lines = [`${file}:${v.line ?? '?'}  ${prefix}${v.rule}  ${v.message}`];
  if (v.frame !== undefined) lines.push(`    conn ${v.conn}: ${truncate(show(v.frame))}`);
  return lines;
}

function show(frame: unknown): string {
  if (typeof frame === 'string') return frame;
  try {
    return JSON.stringify(frame);
  } catch {
    return '(a frame too deep to print)';
  }
}

function truncate(text: string): string {
  return text.length > FRAME_WIDTH ? `${text.slice(0, FRAME_WIDTH - 3)}...` : text;
}

/**
 * JUnit XML: one testsuite per session, one testcase per rule (classname = family), a failure listing its
 * violations. No timestamps, so the file is deterministic.
 *
 * @example
 * fs.writeFileSync('reports/verify.junit.xml', formatJunit(report));
 */
export function formatJunit(report: VerifyReport): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const s of report.sessions) {
    const cases: string[] = [];
    let suiteFailures = 0;
    if (s.error) {
      errors++;
      suites.push(
        `  <testsuite name="${xml(s.file)}" tests="1" failures="0" errors="1">\n` +
          `    <testcase classname="session" name="readable"><error type="${xml(s.error.code)}" message="${xml(s.error.message)}"/></testcase>\n` +
          `  </testsuite>`,
      );
      tests++;
      continue;
    }
    for (const rule of report.rules) {
      const found = [...s.violations, ...s.warnings].filter((v) => v.rule === rule.id);
      const name = `classname="${xml(rule.family)}" name="${xml(rule.id)}"`;
      if (found.length === 0 || rule.severity === 'warning') {
        const note = found.length
          ? `\n      <system-out>${xml(found.map((v) => `${s.file}:${v.line}  ${v.message}`).join('\n'))}</system-out>\n    `
          : '';
        cases.push(`    <testcase ${name}>${note}</testcase>`);
        continue;
      }
      suiteFailures++;
      const body = found.map((v) => `${s.file}:${v.line}  conn ${v.conn}  ${v.message}`).join('\n');
      cases.push(
        `    <testcase ${name}>\n      <failure type="${xml(rule.id)}" message="${xml(`${found.length} violation${found.length === 1 ? '' : 's'}: ${found[0].message}`)}">${xml(body)}</failure>\n    </testcase>`,
      );
    }
    tests += report.rules.length;
    failures += suiteFailures;
    suites.push(
      `  <testsuite name="${xml(s.file)}" tests="${report.rules.length}" failures="${suiteFailures}" errors="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="netra-contracts verify" tests="${tests}" failures="${failures}" errors="${errors}">\n${suites.join('\n')}\n</testsuites>\n`
  );
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot carry at all.
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '?')
  );
}
