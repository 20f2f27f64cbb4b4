import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { LoadError } from './errors';
import type { LoadReport, ThresholdOutcome } from './report';
import { projectPath } from '../../util/paths';

/**
 * `contracts/thresholds.yaml` of this repository.
 *
 * @example
 * loadThresholds(DEFAULT_THRESHOLDS_FILE).get('ci');
 */
export const DEFAULT_THRESHOLDS_FILE = projectPath('contracts', 'thresholds.yaml');

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One parsed threshold: `metric[{filter}] op value`. */
export interface Threshold {
  source: string;
  metric: string;
  /** For `violations{isolation}`, `errors{RUN_NOT_ACTIVE}`: a rule id / family prefix or an error code. */
  filter?: string;
  op: ThresholdOperator;
  value: number;
}

/** Thresholds per profile name. */
export interface ThresholdSet {
  file: string;
  profiles: Record<string, Threshold[]>;
  /** The profile's thresholds; throws LoadError PROFILE_UNKNOWN. */
  get(profile: string): Threshold[];
}

const DERIVED = ['delivery_ratio', 'run_failure_ratio', 'violations', 'warnings', 'errors'] as const;
const PATH_ROOTS = ['first_event_ms', 'completion_ms', 'runs', 'events', 'connections'] as const;
const SHAPE =
  /^\s*([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*)(?:\{([A-Za-z0-9_.:-]+)\})?\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/**
 * Parses one k6-style threshold. Metrics: `first_event_ms.p50|p95|p99|max|mean|count`, `completion_ms.*`,
 * `runs.*`, `events.*`, `connections.*`, `delivery_ratio`, `run_failure_ratio` (failed / started), `violations`,
 * `warnings`, `errors` (totals) and `violations{<rule id or family>}`, `errors{<CODE>}`.
 * Throws LoadError THRESHOLDS_INVALID.
 *
 * @example
 * parseThreshold('first_event_ms.p99 < 100'); // { metric: 'first_event_ms.p99', op: '<', value: 100, ... }
 * parseThreshold('violations{isolation} == 0');
 */
export function parseThreshold(source: string): Threshold {
  const match = SHAPE.exec(source);
  if (!match) {
    throw new LoadError(
      'THRESHOLDS_INVALID',
      `threshold "${source}" is not "<metric> <op> <number>" (op: < <= > >= == !=)`,
    );
  }
  const [, metric, filter, op, value] = match;
  const root = metric.split('.')[0];
  const derived = (DERIVED as readonly string[]).includes(metric);
  if (!derived && !(PATH_ROOTS as readonly string[]).includes(root)) {
    throw new LoadError(
      'THRESHOLDS_INVALID',
      `threshold "${source}": unknown metric "${metric}" (known: ${[...DERIVED, ...PATH_ROOTS.map((r) => `${r}.*`)].join(', ')})`,
    );
  }
  if (!derived && metric === root)
    throw new LoadError('THRESHOLDS_INVALID', `threshold "${source}": name a field, e.g. ${root}.p99`);
  if (filter !== undefined && !['violations', 'warnings', 'errors'].includes(metric)) {
    throw new LoadError(
      'THRESHOLDS_INVALID',
      `threshold "${source}": only violations, warnings and errors take a {filter}`,
    );
  }
  const threshold: Threshold = { source: source.trim(), metric, op: op as ThresholdOperator, value: Number(value) };
  if (filter !== undefined) threshold.filter = filter;
  return threshold;
}

/**
 * Loads `contracts/thresholds.yaml`: `profiles: { <name>: [ '<threshold>', ... ] }`. Throws LoadError
 * THRESHOLDS_INVALID naming the file, the profile and the expression.
 *
 * @example
 * const ci = loadThresholds().get('ci'); // [{ source: 'first_event_ms.p99 < 500', ... }, ...]
 */
export function loadThresholds(file: string = DEFAULT_THRESHOLDS_FILE): ThresholdSet {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LoadError('THRESHOLDS_INVALID', `${file}: cannot read the thresholds (${reason})`, { cause: err });
  }
  const bad = (what: string): LoadError => new LoadError('THRESHOLDS_INVALID', `${file}: ${what}`);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('expected a mapping with "profiles"');
  const profilesDoc = (doc as Record<string, unknown>).profiles;
  if (typeof profilesDoc !== 'object' || profilesDoc === null || Array.isArray(profilesDoc))
    throw bad('expected a mapping "profiles"');
  const profiles: Record<string, Threshold[]> = {};
  for (const [name, list] of Object.entries(profilesDoc)) {
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string'))
      throw bad(`profile ${name}: expected a list of threshold strings`);
    profiles[name] = list.map((item: string) => {
      try {
        return parseThreshold(item);
      } catch (err) {
        throw bad(`profile ${name}: ${(err as Error).message}`);
      }
    });
  }
  return {
    file,
    profiles,
    get(profile) {
      const found = profiles[profile];
      if (!found) {
        throw new LoadError(
          'PROFILE_UNKNOWN',
          `${file} has no thresholds for profile "${profile}" (known: ${Object.keys(profiles).join(', ')})`,
        );
      }
      return found;
    },
  };
}

/**
 * The value a threshold's metric has in a report (null when the run produced no data for it).
 *
 * @example
 * metricValue(report, parseThreshold('violations{isolation} == 0')); // sum of isolation.* violations
 */
export function metricValue(report: LoadReport, threshold: Pick<Threshold, 'metric' | 'filter'>): number | null {
  const { metric, filter } = threshold;
  switch (metric) {
    case 'delivery_ratio':
      return report.delivery_ratio;
    case 'run_failure_ratio':
      return report.runs.started === 0 ? 0 : report.runs.failed / report.runs.started;
    case 'violations':
    case 'warnings':
      return sumMatching(report[metric], filter, (key, f) => key === f || key.startsWith(`${f}.`));
    case 'errors':
      return sumMatching(report.errors, filter, (key, f) => key === f);
  }
  let value: unknown = report;
  for (const part of metric.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (value === undefined)
    throw new LoadError('THRESHOLDS_INVALID', `threshold metric "${metric}" is not in the report`);
  return typeof value === 'number' ? value : null;
}

/**
 * Evaluates thresholds against a report. A metric without data (e.g. no run produced a first event) fails.
 *
 * @example
 * const outcomes = evaluateThresholds(report, loadThresholds().get('ci'));
 * const broken = outcomes.filter((o) => !o.ok);
 */
export function evaluateThresholds(report: LoadReport, thresholds: readonly Threshold[]): ThresholdOutcome[] {
  return thresholds.map((threshold) => {
    const actual = metricValue(report, threshold);
    return {
      threshold: threshold.source,
      ok: actual !== null && compare(actual, threshold.op, threshold.value),
      actual,
    };
  });
}

function compare(actual: number, op: ThresholdOperator, value: number): boolean {
  switch (op) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
    case '!=':
      return actual !== value;
  }
}

function sumMatching(
  counts: Record<string, number>,
  filter: string | undefined,
  matches: (key: string, filter: string) => boolean,
): number {
  let sum = 0;
  for (const [key, n] of Object.entries(counts)) if (filter === undefined || matches(key, filter)) sum += n;
  return sum;
}
