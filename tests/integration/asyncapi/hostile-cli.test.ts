// Every command that reads a document ends, on a hostile one, with a one-line typed error and exit 2 (issue 12,
// items 10-12), through the real CLI. Each case is the attack itself.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'bin', 'netra-contracts.js');
let work: string;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const HEAD = 'asyncapi: 3.0.0\ninfo:\n  title: Hostile\n  version: 1.0.0\n';
const CHANNEL =
  'channels:\n  c:\n    address: /c\n    messages:\n      m:\n        payload: { $ref: "#/components/schemas/A" }\n';

function attacks(): Record<string, { file: string; code: string }> {
  const bomb = ['x-bomb:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  let previous = 'a';
  for (const name of 'bcdefghi') {
    bomb.push(`  ${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    previous = name;
  }
  const files = {
    'alias bomb': { text: `${HEAD}${bomb.join('\n')}\n`, code: 'SPEC_TOO_COMPLEX' },
    'unused $ref cycle': {
      text: `${HEAD}components:\n  schemas:\n    A: { $ref: '#/components/schemas/B' }\n    B: { $ref: '#/components/schemas/A' }\n`,
      code: 'SPEC_REF_CYCLE',
    },
    '$ref outside the folder': {
      text: `${HEAD}${CHANNEL}components:\n  schemas:\n    A: { $ref: '../../../../../../../../etc/passwd' }\n`,
      code: 'SPEC_REF_OUTSIDE',
    },
    'binary file': {
      text: Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(2048)]),
      code: 'SPEC_NOT_TEXT',
    },
  };
  const out: Record<string, { file: string; code: string }> = {};
  for (const [name, { text, code }] of Object.entries(files)) {
    const file = path.join(work, 'docs', `${name.replace(/[^a-z]+/gi, '-')}.yaml`);
    writeFileSync(file, text);
    out[name] = { file, code };
  }
  const big = path.join(work, 'docs', 'fifty-mb.yaml');
  writeFileSync(big, HEAD);
  truncateSync(big, 50 * 1024 * 1024);
  out['50 MB document'] = { file: big, code: 'SPEC_TOO_LARGE' };
  return out;
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'netra-hostile-cli-'));
  mkdirSync(path.join(work, 'docs'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function expectOneLineRefusal(result: { code: number; stderr: string }, code: string): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^netra-contracts: ${code}: `));
}

describe('commands that read a document, on hostile documents', () => {
  it('generate, docs, registry diff and registry check each end with one typed line and exit 2', async () => {
    const cases = Object.entries(attacks());
    const commands = (file: string): string[][] => [
      ['generate', '--spec', file, '--out', path.join(work, 'out')],
      ['docs', '--spec', file, '--out', path.join(work, 'site')],
      ['registry', 'diff', file, file],
      ['registry', 'check', '--spec', file],
    ];
    const jobs = cases.flatMap(([name, attack]) => commands(attack.file).map((args) => ({ name, args, attack })));
    const results: { name: string; args: string[]; code: string; result: Awaited<ReturnType<typeof run>> }[] = [];
    // Three at a time: the machine is shared. A pool, not batches: one slow hostile document does not hold back the
    // two other lanes.
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < jobs.length; i = next++) {
        results[i] = { ...jobs[i], code: jobs[i].attack.code, result: await run(jobs[i].args) };
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    for (const { name, args, code, result } of results) {
      try {
        expectOneLineRefusal(result, code);
      } catch (err) {
        throw new Error(`${name}: netra-contracts ${args.join(' ')}: ${(err as Error).message}\n${result.stderr}`);
      }
    }
  });

  it('generate --out naming a file says so (OUTPUT_NOT_A_FOLDER) and leaves the file as it was', async () => {
    const file = path.join(work, 'not-a-folder.txt');
    writeFileSync(file, 'keep me\n');
    const result = await run(['generate', '--out', file]);
    expectOneLineRefusal(result, 'OUTPUT_NOT_A_FOLDER');
    expect(result.stderr).toContain('is a file, not a folder');
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('--allow-ref-outside lets a document use a file beside its folder', async () => {
    mkdirSync(path.join(work, 'mono', 'service'), { recursive: true });
    writeFileSync(
      path.join(work, 'mono', 'shared.yaml'),
      'A:\n  type: object\n  properties:\n    type: { const: m }\n',
    );
    const doc = path.join(work, 'mono', 'service', 'asyncapi.yaml');
    writeFileSync(doc, `${HEAD}${CHANNEL}components:\n  schemas:\n    A: { $ref: '../shared.yaml#/A' }\n`);
    expectOneLineRefusal(await run(['registry', 'diff', doc, doc]), 'SPEC_REF_OUTSIDE');
    const allowed = await run(['registry', 'diff', doc, doc, '--allow-ref-outside']);
    expect(allowed.code).toBe(0);
  });
});
