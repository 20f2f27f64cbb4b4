import { loadGeneratedValidators, loadProtocol } from '../protocol';
import { Engine } from './engine';
import { Findings } from './findings';
import type { Checker, CheckerOptions } from './types';

const DEFAULT_RETAIN_MS = 30_000;

/**
 * Creates the one streaming rules engine. Feed it a session's records in order (`open`, `frame`, `close`), then call
 * `finish`. State is kept per connection and per run, O(1) per event; a run is finalised and dropped `retainMs`
 * after its terminal event. Violations are available live (`violations`, `onViolation`) and from `finish`.
 *
 * @example
 * const checker = createChecker({ rules: loadRules(), profile: loadProfiles().get('local') });
 * checker.open('c1', 'alice', 0, 2);
 * checker.frame('c1', 's2c', { type: 'connection_established', ... }, undefined, 3, 3);
 * const violations = checker.finish();
 * // A long live run that only counts: keep no findings, see each one once.
 * const live = createChecker({ rules, profile, maxViolations: 0, onViolation: (v) => count(v.rule) });
 */
export function createChecker(options: CheckerOptions): Checker {
  return new Engine({
    rules: Array.isArray(options.rules) ? options.rules : options.rules.rules,
    profile: options.profile,
    validate: options.validate ?? loadGeneratedValidators(),
    protocol: options.protocol ?? loadProtocol(),
    retainMs: options.retainMs ?? DEFAULT_RETAIN_MS,
    settledRetainMs: options.settledRetainMs,
    findings: new Findings(options.maxViolations ?? Infinity, options.onViolation),
    keepFrames: options.keepFrames ?? true,
  });
}
