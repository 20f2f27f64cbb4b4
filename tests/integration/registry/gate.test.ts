// The CI gate end to end: the repo's spec copied into a temporary git repository, registered, then edited. A
// breaking edit fails `registry check` with the right message (text, GitHub annotation, --against git:HEAD) and is
// refused by `register`; a compatible edit fails only until it is registered; --force records its reason.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { checkRegistry, readRegistry, registerSpec, registryHistory } from '../../../src/registry';

const ROOT = path.join(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'bin', 'netra-contracts.js');

let dir: string;
const spec = (): string => path.join(dir, 'asyncapi.yaml');
const registryDir = (): string => path.join(dir, 'schemas');

function run(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(cmd, args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
const cli = (...args: string[]): ReturnType<typeof run> => run(process.execPath, [CLI, ...args]);
const git = (...args: string[]): ReturnType<typeof run> => run('git', args);

/** Edits the spec as YAML data (round-tripping keeps it a valid, readable document). */
function edit(
  change: (doc: {
    components: {
      schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }>;
    };
    info: { version: string };
  }) => void,
): void {
  const doc = YAML.parse(readFileSync(spec(), 'utf8'));
  change(doc);
  writeFileSync(spec(), YAML.stringify(doc, { lineWidth: 0 }));
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-registry-gate-'));
  cpSync(path.join(ROOT, 'asyncapi.yaml'), spec());
  expect(git('init', '-q').status).toBe(0);
  const created = await registerSpec({ spec: spec(), registryDir: registryDir(), date: '2026-01-01' });
  expect(created.created).toBe(true);
  expect(created.registered).toHaveLength(12);
  git('add', '-A');
  expect(git('commit', '-q', '-m', 'v1').status).toBe(0);
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('registry check as a CI gate', () => {
  it('passes on the registered spec', async () => {
    const result = await checkRegistry({ spec: spec(), registryDir: registryDir(), against: 'git:HEAD' });
    expect(result).toMatchObject({ ok: true, compatible: true, upToDate: true, changes: [], drift: [], integrity: [] });
  }, 60_000);

  it('fails on a breaking edit, saying where, what, why and how to fix it; register refuses it', () => {
    edit((doc) => {
      doc.components.schemas.AgentCompleted.properties.status.enum = ['success', 'partial', 'cancelled', 'paused'];
    });
    const text = cli('registry', 'check', '--against', 'git:HEAD');
    expect(text.status).toBe(1);
    const line = lineOf(readFileSync(spec(), 'utf8'), '- paused') - 4; // the `enum:` key above the four values
    expect(text.stdout).toContain(`asyncapi.yaml:${line}: agent_completed payload /properties/status/enum`);
    expect(text.stdout).toContain('ENUM_ARRAY_EXTENDED: added "paused"');
    expect(text.stdout).toContain('it breaks FORWARD compatibility and agent_completed is FORWARD_TRANSITIVE');
    expect(text.stdout).toContain('to make it compatible:');
    expect(text.stdout).toContain('(vs registry v1)');
    expect(text.stdout).toContain('(vs git:HEAD:asyncapi.yaml)');
    expect(text.stderr).toContain('netra-contracts: REGISTRY_INCOMPATIBLE:');

    const github = cli('registry', 'check', '--format', 'github');
    expect(github.status).toBe(1);
    expect(github.stdout).toContain(
      `::error file=asyncapi.yaml,line=${line},title=ENUM_ARRAY_EXTENDED::agent_completed payload /properties/status/enum`,
    );

    const junit = cli('registry', 'check', '--format', 'junit');
    expect(junit.stdout).toContain('<testcase classname="registry.check" name="agent_completed">');
    expect(junit.stdout).toMatch(/<failure message="2 problem\(s\)">ENUM_ARRAY_EXTENDED/);

    const json = JSON.parse(cli('registry', 'check', '--json').stdout) as {
      ok: boolean;
      changes: { kind: string; breaking: boolean; message: string }[];
    };
    expect(json.ok).toBe(false);
    expect(json.changes).toContainEqual(
      expect.objectContaining({ kind: 'ENUM_ARRAY_EXTENDED', breaking: true, message: 'agent_completed' }),
    );

    const refused = cli('registry', 'register');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('agent_completed /properties/status/enum: ENUM_ARRAY_EXTENDED');
    expect(refused.stderr).toContain('netra-contracts: INCOMPATIBLE_CHANGE:');
    expect(readRegistry(registryDir()).messages.agent_completed.versions).toHaveLength(1);
  }, 120_000);

  it('fails on a compatible edit until it is registered, then passes', async () => {
    git('checkout', '-q', '--', 'asyncapi.yaml');
    edit((doc) => {
      doc.info.version = '1.1.0';
      doc.components.schemas.AgentError.properties.retry_after_ms = { type: 'integer', minimum: 0 };
      doc.components.schemas.StartAgent.properties.priority = { type: 'string', enum: ['low', 'high'] };
    });
    const before = await checkRegistry({ spec: spec(), registryDir: registryDir() });
    expect(before).toMatchObject({ ok: false, compatible: true, upToDate: false });
    expect(before.changes.map((c) => [c.message, c.kind])).toEqual([
      ['start_agent', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
      ['agent_error', 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
    ]);
    expect(before.drift.map((d) => d.detail)).toEqual([
      "'start_agent' changed since v1; v2 is not registered",
      "'agent_error' changed since v1; v2 is not registered",
    ]);
    const text = cli('registry', 'check');
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('run `netra-contracts registry register` to record them');

    const registered = await registerSpec({ spec: spec(), registryDir: registryDir(), date: '2026-01-02' });
    expect(registered.registered.map((r) => `${r.message} v${r.version}`)).toEqual([
      'start_agent v2',
      'agent_error v2',
    ]);
    expect(cli('registry', 'check').status).toBe(0);

    const history = registryHistory(registryDir(), 'agent_error');
    expect(history.messages[0].versions.map((v) => [v.version, v.verdict, v.spec_version, v.date])).toEqual([
      [1, 'initial', '1.0.0', '2026-01-01'],
      [2, 'compatible', '1.1.0', '2026-01-02'],
    ]);
    expect(cli('registry', 'log', 'agent_error').stdout).toContain(
      'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /properties/retry_after_ms',
    );
  }, 120_000);

  it('accepts a breaking change with --force --reason, records the reason, and checks later changes from there', async () => {
    edit((doc) => {
      doc.info.version = '2.0.0';
      doc.components.schemas.AgentThinking.properties.reasoning.maxLength = 8000;
    });
    const noReason = cli('registry', 'register', '--force');
    expect(noReason.status).toBe(2);
    expect(noReason.stderr).toContain('FORCE_NEEDS_REASON');

    const forced = await registerSpec({
      spec: spec(),
      registryDir: registryDir(),
      force: true,
      reason: 'every client since 1.4 reads up to 8000',
      date: '2026-01-03',
    });
    expect(forced.forced.map((c) => c.kind)).toEqual(['MAX_LENGTH_INCREASED']);
    const registry = readRegistry(registryDir());
    expect(registry.messages.agent_thinking.versions[1]).toMatchObject({
      version: 2,
      forced_reason: 'every client since 1.4 reads up to 8000',
    });
    expect(registry.forced?.[0]).toMatchObject({
      reason: 'every client since 1.4 reads up to 8000',
      changes: ['agent_thinking MAX_LENGTH_INCREASED /properties/reasoning/maxLength'],
    });
    // FORWARD_TRANSITIVE compares with every version since the forced one, so v1 no longer fails the gate.
    expect((await checkRegistry({ spec: spec(), registryDir: registryDir() })).ok).toBe(true);
  }, 120_000);

  it('treats a tampered stored schema as a failed check', async () => {
    const file = path.join(registryDir(), 'resume', 'v1.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"minimum": 0', '"minimum": 1'));
    try {
      const result = await checkRegistry({ spec: spec(), registryDir: registryDir() });
      expect(result.ok).toBe(false);
      expect(result.integrity[0]).toContain('resume');
      expect(result.integrity[0]).toContain('does not match its fingerprint');
    } finally {
      writeFileSync(file, original);
    }
  }, 60_000);

  it('says clearly when there is nothing to compare at a ref, and fails on an unknown ref', async () => {
    // A commit whose tree is empty: the spec did not exist yet.
    const emptyTree = git('hash-object', '-t', 'tree', '/dev/null').stdout.trim();
    const empty = git('commit-tree', emptyTree, '-m', 'before the spec').stdout.trim();
    expect(empty).toMatch(/^[0-9a-f]{40}$/);
    const none = await checkRegistry({ spec: spec(), registryDir: registryDir(), against: `git:${empty}` });
    expect(none.against).toEqual({
      label: `git:${empty}:asyncapi.yaml`,
      missing: `asyncapi.yaml does not exist at ${empty}`,
    });
    const unknown = cli('registry', 'check', '--against', 'git:no-such-branch');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("netra-contracts: GIT_REF_UNKNOWN: git does not know the ref 'no-such-branch'");
  }, 120_000);
});
