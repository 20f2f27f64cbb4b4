import type { ReportAt } from './check-kind';
import { fillTemplate } from './template';
import type { RuleDef, Violation } from './types';

/**
 * The findings of one checker: error-severity violations and warnings, each kept up to `maxViolations` and all handed
 * to `onViolation` as they are made.
 *
 * @example
 * const findings = new Findings(Infinity, (v) => console.log(v.rule));
 * findings.report(rule, { conn: 'c1', line: 7 }, { expected: 1, actual: 3 });
 */
export class Findings {
  readonly violations: Violation[] = [];
  readonly warnings: Violation[] = [];
  /** Line of the last record seen: where a finding without a line of its own is reported. */
  lastLine: number | undefined;

  constructor(
    private readonly maxViolations: number,
    private readonly onViolation?: (violation: Violation) => void,
  ) {}

  report(rule: RuleDef, where: ReportAt, vars: Record<string, unknown>): void {
    const message = fillTemplate(rule.message, {
      conn: where.conn,
      user: where.user,
      run_id: where.run_id,
      seq: where.seq,
      type: where.type,
      ...vars,
    });
    const violation: Violation = {
      rule: rule.id,
      conn: where.conn,
      line: where.line ?? this.lastLine,
      message,
      severity: rule.severity,
    };
    if (where.t !== undefined) violation.t = where.t;
    if (where.run_id !== undefined) violation.run_id = where.run_id;
    if (where.frame !== undefined) violation.frame = where.frame;
    else if (where.frameLine !== undefined) violation.frameLine = where.frameLine;
    const kept = rule.severity === 'warning' ? this.warnings : this.violations;
    if (kept.length < this.maxViolations) kept.push(violation);
    this.onViolation?.(violation);
  }
}
