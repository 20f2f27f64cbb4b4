import { mkdirSync } from 'fs';
import path from 'path';
import { performance } from 'perf_hooks';
import { loadProtocol } from '../../protocol';
import { loadProfiles, loadRules, type Profile, type RuleSet, type Violation } from '../../rules';
import { verifySessions } from '../offline';
import { freshUserPrefix, RecordError, runRecording } from '../record';
import { loadScenarios, TIERS, type Scenario, type Tier } from '../scenarios';
import type { Target } from '../targets/types';
import { ConformanceError } from './errors';
import { probeTarget } from './probe';
import type { ConformanceReport, ScenarioVerdict } from './types';

/** Tiers run when none is selected: stress is heavy and loopback-only, so it is asked for by name. */
export const DEFAULT_TIERS: readonly Tier[] = ['easy', 'medium', 'hard'];

export interface ConformanceOptions {
  target: Target;
  /** Default {@link DEFAULT_TIERS}. */
  tiers?: Tier[];
  /** The catalogue (default: every scenario of `contracts/scenarios`). */
  scenarios?: Scenario[];
  /** Where each scenario's session is kept, as `<name>.session.jsonl`. */
  outDir: string;
  /** Timing profile (default: the target's, else the profiles file's default). */
  profile?: string;
  /** Scenarios run at once (users are distinct across them). Default 4; stress scenarios always run alone. */
  concurrency?: number;
  rules?: RuleSet;
  /**
   * Check first that the target accepts a valid token (default true). Off for targets that serve a script and would
   * count the probe as a connection of it (a replay server).
   */
  probe?: boolean;
  /**
   * No wait of a scenario gives up sooner than this, ms. Default: the timing profile's `terminal_ms` (a slow but
   * conforming provider is judged by the timing rules, not by a scenario's own timeouts).
   */
  minWaitMs?: number;
  /** Called as each scenario is judged. */
  onVerdict?: (verdict: ScenarioVerdict) => void;
}

function expectationViolation(err: RecordError): Violation {
  const rule = err.code === 'RECORD_CONNECT_FAILED' ? 'scenario.connect' : 'scenario.expectation';
  return { rule, conn: '-', message: err.message, severity: 'error' };
}

async function judge(
  scenario: Scenario,
  options: ConformanceOptions,
  rules: RuleSet,
  profile: Profile,
): Promise<ScenarioVerdict> {
  const started = performance.now();
  const file = path.join(options.outDir, `${scenario.name}.session.jsonl`);
  const verdict = (fields: Partial<ScenarioVerdict>): ScenarioVerdict => ({
    name: scenario.name,
    tier: scenario.tier,
    description: scenario.description,
    ok: false,
    skipped: false,
    reason: null,
    violations: [],
    session: null,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    ...fields,
  });
  let recorded;
  try {
    const minWaitMs = options.minWaitMs ?? profile.terminal_ms;
    recorded = await runRecording(scenario, options.target, file, { userPrefix: freshUserPrefix(), minWaitMs });
  } catch (err) {
    if (!(err instanceof RecordError)) throw err;
    if (err.skipped) return verdict({ skipped: true, reason: err.message });
    return verdict({ reason: err.message, violations: [expectationViolation(err)] });
  }
  const report = (await verifySessions([file], { rules, profile: profile.name })).sessions[0];
  const violations = [...report.violations];
  if (report.error !== undefined)
    violations.push({ rule: 'session.unreadable', conn: '-', message: report.error.message, severity: 'error' });
  const error = recorded.error;
  if (error?.skipped && violations.length === 0)
    return verdict({ skipped: true, reason: error.message, session: file });
  if (error !== undefined && !error.skipped) violations.unshift(expectationViolation(error));
  return verdict({ ok: violations.length === 0, reason: error?.message ?? null, violations, session: file });
}

async function pool<T>(items: T[], concurrency: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await run(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, () => worker()));
}

/**
 * Runs the scenario catalogue against a target: each selected scenario recorded live (fresh user ids), its session
 * kept under `outDir` and verified against the schemas and every rule. A scenario passes when the provider did what
 * it waits for and its traffic holds every rule; it is skipped (with the reason) when the target cannot run it (a
 * token kind its source cannot make, faults on a remote target) or the provider does not meet an assumption the
 * scenario states beyond the contract. Throws ConformanceError (exit 2) for bad options or an unreachable target.
 *
 * @example
 * const report = await runConformance({ target, outDir: 'reports/conformance', tiers: ['easy'] });
 * report.summary; // { passed: 1, failed: 0, skipped: 0 }
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const tiers =
    options.tiers !== undefined && options.tiers.length > 0 ? [...new Set(options.tiers)] : [...DEFAULT_TIERS];
  const unknown = tiers.find((t) => !(TIERS as readonly string[]).includes(t));
  if (unknown !== undefined)
    throw new ConformanceError(
      'CONFORMANCE_OPTIONS_INVALID',
      `unknown tier ${JSON.stringify(unknown)} (one of ${TIERS.join(', ')})`,
    );
  const selected = (options.scenarios ?? loadScenarios()).filter((s) => tiers.includes(s.tier));
  if (selected.length === 0)
    throw new ConformanceError('CONFORMANCE_OPTIONS_INVALID', `no scenario of tier ${tiers.join(', ')}`);
  const rules = options.rules ?? loadRules();
  const profile = loadProfiles().get(options.profile ?? options.target.profile);
  mkdirSync(options.outDir, { recursive: true });
  if (options.probe !== false) await probeTarget(options.target, `${freshUserPrefix()}probe`);
  const verdicts: ScenarioVerdict[] = new Array(selected.length);
  const run = async (scenario: Scenario): Promise<void> => {
    const verdict = await judge(scenario, options, rules, profile);
    verdicts[selected.indexOf(scenario)] = verdict;
    options.onVerdict?.(verdict);
  };
  await pool(
    selected.filter((s) => s.tier !== 'stress'),
    options.concurrency ?? 4,
    run,
  );
  await pool(
    selected.filter((s) => s.tier === 'stress'),
    1,
    run,
  );
  const summary = {
    passed: verdicts.filter((v) => v.ok).length,
    failed: verdicts.filter((v) => !v.ok && !v.skipped).length,
    skipped: verdicts.filter((v) => v.skipped).length,
  };
  const spec = loadProtocol().specName;
  return {
    ok: summary.failed === 0,
    target: options.target.name,
    spec,
    profile: profile.name,
    tiers,
    scenarios: verdicts,
    summary,
  };
}
