// Runs a built session through the real engine (all rules of contracts/rules, generated validators).
import { loadProfiles, loadRules, type Violation } from '../../../src/rules';
import { verifySessionText, type SessionReport } from '../../../src/verify/offline';
import type { SessionBuilder } from './session-builder';

const rules = loadRules();
const profiles = loadProfiles();

export interface Checked {
  report: SessionReport;
  violations: Violation[];
  warnings: Violation[];
  /** Distinct rule ids reported (errors and warnings), sorted. */
  rules: string[];
  of(rule: string): Violation[];
}

export function check(b: SessionBuilder, options: { profile?: string; retainMs?: number } = {}): Checked {
  const report = verifySessionText(b.text(), 'test.session.jsonl', {
    rules,
    profile: profiles.get(options.profile),
    retainMs: options.retainMs,
  });
  const all = [...report.violations, ...report.warnings];
  return {
    report,
    violations: report.violations,
    warnings: report.warnings,
    rules: [...new Set(all.map((v) => v.rule))].sort(),
    of: (rule) => all.filter((v) => v.rule === rule),
  };
}
