import { execFile } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { loadRules } from '../../../src/rules';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'netra-contracts.js');
const BASE = path.join(ROOT, 'contracts/fixtures/base/base.session.jsonl');
const NEGATIVE = (id: string) => path.join(ROOT, `contracts/fixtures/negative/${id}.session.jsonl`);

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const code: unknown = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : 2, stdout, stderr });
    });
  });
}

describe('netra-contracts verify', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'verify-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints a summary when every rule holds', async () => {
    const { code, stdout } = await run(['verify', BASE]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/base\.session\.jsonl: ok/);
    expect(stdout).toMatch(/verify: 1 session, 0 failed, 0 violations/);
  }, 60_000);

  it('exits 1 with --json in the fixed shape, and writes JUnit', async () => {
    const junit = path.join(dir, 'out', 'verify.xml');
    const { code, stdout } = await run([
      'verify',
      '--json',
      '--junit',
      junit,
      BASE,
      NEGATIVE('pair.completed-before-terminal'),
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(false);
    expect(report.sessions).toHaveLength(2);
    expect(report.sessions[0]).toMatchObject({ ok: true, violations: [] });
    const [violation] = report.sessions[1].violations;
    expect(Object.keys(violation)).toEqual(['rule', 'conn', 'line', 'message']);
    expect(violation).toMatchObject({ rule: 'pair.completed-before-terminal', conn: 'alice-tab1', line: 18 });
    const xml = readFileSync(junit, 'utf8');
    const ruleCount = loadRules().rules.length;
    expect(xml).toMatch(new RegExp(`<testsuite name="[^"]*base\\.session\\.jsonl" tests="${ruleCount}" failures="0"`));
    expect(xml).toMatch(/<testcase classname="pair" name="pair.completed-before-terminal">\s*<failure/);
  }, 60_000);

  it('prints rule, line and the offending frame in text mode', async () => {
    const { code, stdout } = await run(['verify', NEGATIVE('isolation.no-foreign-run')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /isolation\.no-foreign-run\.session\.jsonl:21 {2}isolation\.no-foreign-run {2}conn alice-tab1 of alice got agent_thinking/,
    );
    expect(stdout).toMatch(/\n {4}conn alice-tab1: \{"type":"agent_thinking"/);
  }, 60_000);

  it('a timing profile changes the limits (--profile ci allows 500 ms to the first event)', async () => {
    expect((await run(['verify', '--profile', 'ci', NEGATIVE('timing.first-event')])).code).toBe(0);
    const unknown = await run(['verify', '--profile', 'moon', BASE]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/PROFILE_UNKNOWN: unknown timing profile "moon"/);
  }, 60_000);

  it('exits 2 for unreadable input, naming the file and line', async () => {
    const bad = path.join(dir, 'bad.session.jsonl');
    writeFileSync(
      bad,
      `${readFileSync(BASE, 'utf8').split('\n').slice(0, 3).join('\n')}\n{"kind":"frame","t":5,"conn":"ghost","dir":"s2c","msg":{}}\n`,
    );
    const malformed = await run(['verify', bad]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(
      /SESSION_INVALID: .*bad\.session\.jsonl:4: frame for conn "ghost" before any open record/,
    );
    // An attack found `verify` dying on a 100,000-deep message with INTERNAL_ERROR (stack overflow).
    const deep = path.join(dir, 'deep.session.jsonl');
    const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    writeFileSync(
      deep,
      `${readFileSync(BASE, 'utf8').split('\n').slice(0, 3).join('\n')}\n` +
        `{"kind":"frame","t":13,"conn":"alice-tab1","dir":"s2c","msg":{"type":"agent_thinking","x":${nested}}}\n`,
    );
    const tooDeep = await run(['verify', '--json', deep]);
    expect(tooDeep.code).toBe(2);
    expect(tooDeep.stderr).toMatch(
      /^netra-contracts: SESSION_INVALID: .*deep\.session\.jsonl:4: a record nested deeper than 1000 levels/,
    );
    expect(tooDeep.stderr).not.toMatch(/INTERNAL_ERROR/);
    expect(JSON.parse(tooDeep.stdout).sessions[0].error).toMatchObject({ code: 'SESSION_INVALID' });
    const missing = await run(['verify', path.join(dir, 'nope.session.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/SESSION_UNREADABLE/);
  }, 60_000);
});
