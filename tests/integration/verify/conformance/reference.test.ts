// `netra-contracts conformance` against the reference provider, through the CLI as a user runs it: the table, the
// exact --json document, the JUnit file and the one-page HTML report; exit 0 when every scenario passed, 2 for bad
// input or a target that cannot be reached.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseSessionText } from '../../../../src/sessions';
import { RECORDING_PROVIDER_OPTIONS } from '../../../../src/pipeline/embedded';
import { runConformance } from '../../../../src/verify/conformance';
import { CLI, ROOT, startReference } from '../support/providers';

const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'netra-conformance-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The CLI cases each start their own process (and embedded provider) and mostly wait on it: they run concurrently,
// each with its own output folder.
describe('conformance against the reference provider', () => {
  it('passes every scenario of easy, medium and hard (the default tiers)', async () => {
    // The latencies `conformance --target reference` runs with: a run lasts seconds, so a 1 s token expires mid-run.
    const reference = await startReference(RECORDING_PROVIDER_OPTIONS);
    try {
      const report = await runConformance({ target: reference.target, outDir: path.join(dir, 'all'), profile: 'ci' });
      const failed = report.scenarios.filter((s) => !s.ok);
      expect(failed.map((s) => `${s.name}: ${s.reason ?? ''} ${s.violations.map((v) => v.rule).join(', ')}`)).toEqual(
        [],
      );
      expect(report.summary.failed).toBe(0);
      expect(report.summary.skipped).toBe(0);
      expect(report.scenarios.length).toBeGreaterThanOrEqual(25);
      for (const s of report.scenarios) expect(existsSync(s.session as string)).toBe(true);
    } finally {
      await reference.close();
    }
  }, 180_000);

  it.concurrent(
    'prints exactly the documented --json, writes JUnit and HTML, keeps every session, exits 0',
    async () => {
      const out = path.join(dir, 'cli');
      const junit = path.join(dir, 'conformance.xml');
      const html = path.join(dir, 'conformance.html');
      // --profile ci: suites run side by side on a shared machine (the default `local` profile's 100 ms first event
      // is for a quiet one); what this test checks is the documented output.
      const result = await cli(
        'conformance',
        '--tier',
        'easy',
        '--profile',
        'ci',
        '--json',
        '--out',
        out,
        '--junit',
        junit,
        '--report',
        html,
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout) as Record<string, unknown> & { scenarios: Record<string, unknown>[] };
      expect(Object.keys(json)).toEqual(['ok', 'target', 'spec', 'scenarios', 'summary']);
      expect(json).toMatchObject({
        ok: true,
        target: expect.stringMatching(/^netra-reference@/),
        spec: 'Netra Agent WebSocket@1.0.0',
      });
      expect(json.summary).toEqual({ passed: 1, failed: 0, skipped: 0 });
      expect(json.scenarios).toEqual([
        {
          name: 'first-message',
          tier: 'easy',
          ok: true,
          skipped: false,
          reason: null,
          violations: [],
          session: path.join(out, 'first-message.session.jsonl'),
        },
      ]);
      const session = parseSessionText(readFileSync(path.join(out, 'first-message.session.jsonl'), 'utf8'));
      expect(session.header.scenario).toBe('first-message');
      expect(readFileSync(junit, 'utf8')).toMatch(
        /<testcase classname="conformance\.easy" name="first-message" time="[\d.]+">/,
      );
      const page = readFileSync(html, 'utf8');
      expect(page).toMatch(/^<!doctype html>/);
      expect(page).toContain('<summary><strong>first-message</strong></summary>');
      expect(page).not.toMatch(/<script src=|<link [^>]*href=/);
    },
    120_000,
  );

  it.concurrent(
    'prints the table: one row per scenario and a summary line',
    async () => {
      const result = await cli('conformance', '--tier', 'easy', '--profile', 'ci', '--out', path.join(dir, 'table'));
      expect(result.code).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^scenario\s+tier\s+result\s+violations\s+seconds$/);
      expect(lines[1]).toMatch(/^first-message\s+easy\s+pass\s+0\s+[\d.]+$/);
      expect(lines.at(-1)).toMatch(
        /^conformance of netra-reference@[\d.]+ \(Netra Agent WebSocket@1\.0\.0, profile ci, tiers easy\): 1 passed, 0 failed, 0 skipped$/,
      );
    },
    120_000,
  );

  it.concurrent(
    'exits 2 with a one-line reason for an unknown tier and for a target that cannot be reached',
    async () => {
      const tier = await cli('conformance', '--tier', 'impossible');
      expect(tier).toMatchObject({
        code: 2,
        stderr:
          'netra-contracts: CONFORMANCE_OPTIONS_INVALID: --tier must be one of easy, medium, hard, stress, got "impossible"\n',
      });
      const gone = await cli(
        'conformance',
        '--url',
        'ws://127.0.0.1:9/ws',
        '--auth-url',
        'http://127.0.0.1:9',
        '--out',
        path.join(dir, 'gone'),
      );
      expect(gone.code).toBe(2);
      expect(gone.stderr).toMatch(
        /^netra-contracts: CONFORMANCE_TARGET_UNREACHABLE: target 127\.0\.0\.1:9: no valid token .*\n$/,
      );
      const remote = await cli('conformance', '--url', 'wss://example.com/ws', '--auth-url', 'https://example.com');
      expect(remote).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(
          /^netra-contracts: NOT_LOOPBACK: --url host example\.com is not loopback .*remote: true/,
        ),
      });
    },
    120_000,
  );
});
