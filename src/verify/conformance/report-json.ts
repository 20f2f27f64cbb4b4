import type { ConformanceReport } from './types';

/**
 * The `--json` document, exactly:
 * `{"ok","target","spec","scenarios":[{"name","tier","ok","skipped","reason","violations":[{"rule","conn","line","message"}],"session"}],"summary":{"passed","failed","skipped"}}`.
 *
 * @example
 * process.stdout.write(`${JSON.stringify(conformanceJson(report))}\n`);
 */
export function conformanceJson(report: ConformanceReport): object {
  return {
    ok: report.ok,
    target: report.target,
    spec: report.spec,
    scenarios: report.scenarios.map((s) => ({
      name: s.name,
      tier: s.tier,
      ok: s.ok,
      skipped: s.skipped,
      reason: s.reason,
      violations: s.violations.map((v) => ({ rule: v.rule, conn: v.conn, line: v.line ?? null, message: v.message })),
      session: s.session,
    })),
    summary: { passed: report.summary.passed, failed: report.summary.failed, skipped: report.summary.skipped },
  };
}
