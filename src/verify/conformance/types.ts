import type { Violation } from '../../rules';
import type { Tier } from '../scenarios';

/** One scenario's outcome in a conformance run. */
export interface ScenarioVerdict {
  name: string;
  tier: Tier;
  description: string;
  ok: boolean;
  skipped: boolean;
  /** Why it was skipped, or why the scenario itself failed (a wait that timed out, a token accepted against intent). */
  reason: string | null;
  /** Rule violations of the session, plus the scenario's own failure as rule `scenario.expectation`. */
  violations: Violation[];
  /** The session file (for `verify`), when one was recorded. */
  session: string | null;
  seconds: number;
}

/** A conformance run. */
export interface ConformanceReport {
  ok: boolean;
  target: string;
  spec: string;
  profile: string;
  tiers: Tier[];
  scenarios: ScenarioVerdict[];
  summary: { passed: number; failed: number; skipped: number };
}
