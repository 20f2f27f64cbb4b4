import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  assertConnectionsFit,
  evaluateThresholds,
  LoadError,
  loadThresholds,
  metricValue,
  parseThreshold,
} from '../../../../src/verify/load';
import { sampleReport } from '../../../support/load-report';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-thresholds-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('parses k6-style expressions with every operator and filters', () => {
  expect(parseThreshold('first_event_ms.p99 < 100')).toEqual({
    source: 'first_event_ms.p99 < 100',
    metric: 'first_event_ms.p99',
    op: '<',
    value: 100,
  });
  expect(parseThreshold('delivery_ratio>=0.999')).toMatchObject({ metric: 'delivery_ratio', op: '>=', value: 0.999 });
  expect(parseThreshold('violations{isolation} == 0')).toMatchObject({
    metric: 'violations',
    filter: 'isolation',
    op: '==',
  });
  expect(parseThreshold('errors{RUN_NOT_ACTIVE} != 3')).toMatchObject({
    metric: 'errors',
    filter: 'RUN_NOT_ACTIVE',
    op: '!=',
  });
  expect(parseThreshold('runs.failed <= 2')).toMatchObject({ metric: 'runs.failed', op: '<=' });
});

test.each([
  ['first_event_ms.p99 ~ 100', 'is not'],
  ['latency.p99 < 100', 'unknown metric'],
  ['first_event_ms < 100', 'name a field'],
  ['runs.failed{x} < 1', 'take a {filter}'],
  ['delivery_ratio >= high', 'is not'],
])('refuses %s', (source, why) => {
  let error: unknown;
  try {
    parseThreshold(source);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(LoadError);
  expect((error as LoadError).code).toBe('THRESHOLDS_INVALID');
  expect((error as LoadError).exitCode).toBe(2);
  expect((error as LoadError).message).toContain(why);
});

test('evaluates against a report: pass, fail, and no data fails', () => {
  const report = sampleReport({
    violations: { 'isolation.no-foreign-run': 2, 'timing.first-event': 3 },
    errors: { RUN_NOT_ACTIVE: 4 },
    first_event_ms: { count: 0, p50: null, p95: null, p99: null, max: null, mean: null },
  });
  const outcomes = evaluateThresholds(
    report,
    [
      'completion_ms.p99 < 1000',
      'first_event_ms.p99 < 100',
      'violations{isolation} == 0',
      'violations{timing.first-event} <= 3',
      'violations == 5',
      'errors{RUN_NOT_ACTIVE} > 3',
      'run_failure_ratio <= 0',
      'delivery_ratio >= 0.999',
    ].map(parseThreshold),
  );
  expect(outcomes.map((o) => [o.threshold, o.ok, o.actual])).toEqual([
    ['completion_ms.p99 < 1000', true, 450],
    ['first_event_ms.p99 < 100', false, null],
    ['violations{isolation} == 0', false, 2],
    ['violations{timing.first-event} <= 3', true, 3],
    ['violations == 5', true, 5],
    ['errors{RUN_NOT_ACTIVE} > 3', true, 4],
    ['run_failure_ratio <= 0', true, 0],
    ['delivery_ratio >= 0.999', true, 1],
  ]);
  expect(
    metricValue(sampleReport({ runs: { started: 4, completed: 3, failed: 1, cancelled: 0, unfinished: 0 } }), {
      metric: 'run_failure_ratio',
    }),
  ).toBe(0.25);
});

test('a family filter does not match a longer family name', () => {
  const report = sampleReport({ violations: { 'isolationx.rule': 1, 'isolation.rule': 1 } });
  expect(metricValue(report, { metric: 'violations', filter: 'isolation' })).toBe(1);
});

test('the repository thresholds file has local, ci and staging, each failing a run with a violation', () => {
  const set = loadThresholds();
  expect(Object.keys(set.profiles).sort()).toEqual(['ci', 'local', 'staging']);
  for (const profile of ['local', 'ci', 'staging']) {
    const thresholds = set.get(profile);
    expect(evaluateThresholds(sampleReport(), thresholds).every((o) => o.ok)).toBe(true);
    const bad = evaluateThresholds(sampleReport({ violations: { 'isolation.no-foreign-run': 1 } }), thresholds);
    expect(bad.filter((o) => !o.ok).map((o) => o.threshold)).toEqual(['violations{isolation} == 0', 'violations == 0']);
  }
  expect(() => set.get('prod')).toThrow(expect.objectContaining({ code: 'PROFILE_UNKNOWN' }));
});

test('a malformed thresholds file is refused naming the profile', () => {
  const file = path.join(dir, 'thresholds.yaml');
  writeFileSync(file, 'profiles:\n  ci:\n    - first_event_ms.p99 < fast\n');
  expect(() => loadThresholds(file)).toThrow(
    expect.objectContaining({ code: 'THRESHOLDS_INVALID', message: expect.stringContaining('profile ci') }),
  );
  writeFileSync(file, 'profiles: [1, 2]\n');
  expect(() => loadThresholds(file)).toThrow(expect.objectContaining({ code: 'THRESHOLDS_INVALID' }));
  expect(() => loadThresholds(path.join(dir, 'missing.yaml'))).toThrow(
    expect.objectContaining({ code: 'THRESHOLDS_INVALID' }),
  );
});

test('a run that cannot fit the open-files limit is refused up front', () => {
  expect(() => assertConnectionsFit(1_000, 1.1, false, 20_000)).not.toThrow();
  expect(() => assertConnectionsFit(19_000, 1.1, false, 20_000)).toThrow(
    expect.objectContaining({ code: 'LOAD_USAGE', message: expect.stringContaining('ulimit -n') }),
  );
  expect(() => assertConnectionsFit(9_000, 1.1, true, 20_000)).toThrow(
    expect.objectContaining({ message: expect.stringContaining('embedded provider') }),
  );
  expect(() => assertConnectionsFit(50_000, 2, true, null)).not.toThrow();
});
