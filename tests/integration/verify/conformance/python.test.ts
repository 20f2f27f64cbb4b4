// Conformance on a provider that is not ours: interop/python-provider (HS256 tokens, its own agent with other tools,
// another agent name, other auth refusal codes, more thinking steps, a leeway of its own). A clean one passes every
// scenario it can be judged by; a planted defect through its real options fails with the rule that names it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRules } from '../../../../src/rules';
import { runConformance } from '../../../../src/verify/conformance';
import { loadScenario } from '../../../../src/verify/scenarios';
import { ROOT, startPython } from '../support/providers';

let out: string;
beforeAll(() => {
  out = mkdtempSync(path.join(os.tmpdir(), 'netra-conformance-python-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

// The three long cases mostly wait on the Python provider's (slow) agent, each on its own provider process and its own
// output folder: they run concurrently.
describe('conformance of the Python provider', () => {
  it.concurrent(
    'passes easy, medium and hard; a scenario it cannot be judged by is skipped with the reason',
    async () => {
      const python = await startPython();
      try {
        // The ci timing profile: the machine is shared with other test workers.
        const report = await runConformance({
          target: python.target,
          outDir: path.join(out, 'all'),
          profile: 'ci',
          concurrency: 2,
        });
        const failed = report.scenarios.filter((s) => !s.ok && !s.skipped);
        expect(failed.map((s) => `${s.name}: ${s.violations.map((v) => `${v.rule} ${v.message}`).join('; ')}`)).toEqual(
          [],
        );
        expect(report.ok).toBe(true);
        expect(report.target).toBe('python');
        expect(new Set(report.scenarios.map((s) => s.tier))).toEqual(new Set(['easy', 'medium', 'hard']));
        // Its runs take a quarter of a second: a 1-second token (plus its 5 s leeway) cannot expire mid-run.
        const skipped = report.scenarios.filter((s) => s.skipped);
        expect(skipped.map((s) => s.name)).toEqual(['hard-token-expiry-long-run']);
        expect(skipped[0].reason).toMatch(/the run outlasts a 1-second token .*already ended/);
        expect(report.summary).toEqual({ passed: report.scenarios.length - 1, failed: 0, skipped: 1 });
      } finally {
        await python.stop();
      }
    },
    180_000,
  );

  it.concurrent(
    'adapts to a slower provider with a longer clock leeway: token expiry and refresh wait past it',
    async () => {
      const python = await startPython(['--think-ms', '200', '--tool-ms', '200'], 8);
      try {
        const scenarios = ['token-expiry', 'token-refresh', 'hard-token-expiry-long-run', 'cancelled-run'].map((n) =>
          loadScenario(path.join(ROOT, 'contracts', 'scenarios', `${n}.yaml`)),
        );
        const report = await runConformance({
          target: python.target,
          outDir: path.join(out, 'leeway'),
          scenarios,
          tiers: ['medium', 'hard'],
          profile: 'ci',
        });
        expect(report.scenarios.map((s) => [s.name, s.ok || s.skipped, s.violations])).toEqual(
          scenarios.map((s) => [s.name, true, []]),
        );
      } finally {
        await python.stop();
      }
    },
    180_000,
  );

  it.concurrent(
    'passes a slow provider whose run outlasts a scenario timeout but not the timing profile (runs of ~20 s)',
    async () => {
      const python = await startPython(['--think-ms', '6000', '--jitter', '0']);
      try {
        const scenarios = [loadScenario(path.join(ROOT, 'contracts', 'scenarios', 'first-message.yaml'))];
        const report = await runConformance({
          target: python.target,
          outDir: path.join(out, 'slow'),
          scenarios,
          tiers: ['easy'],
          profile: 'ci',
        });
        expect(report.scenarios[0]).toMatchObject({ ok: true, violations: [] });
        expect(report.scenarios[0].seconds).toBeGreaterThan(15); // longer than the scenario's own 15 s timeout
      } finally {
        await python.stop();
      }
    },
    120_000,
  );

  it('fails a Python provider whose leeway accepts expired tokens, on auth-expired', async () => {
    // The target declares the usual 5 s (what the provider says it grants); the provider really grants a day.
    const python = await startPython(['--leeway-s', '100000'], 5);
    try {
      const scenarios = [loadScenario(path.join(ROOT, 'contracts', 'scenarios', 'auth-expired.yaml'))];
      const report = await runConformance({
        target: python.target,
        outDir: out,
        scenarios,
        tiers: ['medium'],
        profile: 'ci',
      });
      expect(report.ok).toBe(false);
      expect(report.scenarios[0].violations[0]).toMatchObject({
        rule: 'scenario.expectation',
        message: expect.stringMatching(/eve-1's expired token was accepted/),
      });
      // Named by the rules helper's rule as soon as it is in contracts/rules (it reads the session's token_kind).
      const rule = 'protocol.bad-credential-refused';
      if (loadRules().rules.some((r) => r.id === rule)) {
        expect(report.scenarios[0].violations.map((v) => v.rule)).toContain(rule);
      }
    } finally {
      await python.stop();
    }
  }, 60_000);

  it('fails a Python provider whose runs never end in time, with protocol.run-ends', async () => {
    const python = await startPython(['--think-ms', '60000', '--run-timeout-s', '600']);
    try {
      const loaded = loadScenario(path.join(ROOT, 'contracts', 'scenarios', 'first-message.yaml'));
      const steps = loaded.steps.map((s) => ('timeoutMs' in s ? { ...s, timeoutMs: 1500 } : s));
      const report = await runConformance({
        target: { ...python.target, clockLeewayS: 0 },
        outDir: out,
        scenarios: [{ ...loaded, steps }],
        tiers: ['easy'],
        minWaitMs: 0,
      });
      expect(report.ok).toBe(false);
      expect(report.scenarios[0].violations.map((v) => v.rule)).toContain('protocol.run-ends');
    } finally {
      await python.stop();
    }
  }, 60_000);
});
