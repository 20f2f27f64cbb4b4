import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validateInSandbox } from '../../../src/codegen/corpus/sandbox';

// `corpus` validates examples with validators generated from third-party documents. They run in a child process
// that may read only their folder and the installed packages: a validator that tries to write a file, start a
// process or read the environment gets nowhere, and nothing of it is ever loaded into the test's own process.

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');
let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'netra-sandbox-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function copyValidators(name: string, prelude = ''): string {
  const dir = path.join(work, name, 'validators');
  cpSync(path.join(ROOT, 'generated', 'validators'), dir, { recursive: true });
  const index = path.join(dir, 'index.js');
  writeFileSync(index, `${prelude}\n${readFileSync(index, 'utf8')}`);
  return dir;
}

const started = {
  type: 'agent_started',
  event_id: 'evt_a1b2c3d4e5f6',
  run_id: 'run_3k9d2m1x8q',
  thread_id: 'thr_5h6j7k8l9m',
  user_id: 'alice',
  agent_name: 'cost_optimizer',
  seq: 1,
  timestamp: '2026-11-24T10:15:31.004Z',
  request_id: 'req-7f3a9c',
};

describe('validateInSandbox', () => {
  it('validates examples with the generated validators, outside this process', async () => {
    const dir = copyValidators('plain');
    const outcomes = await validateInSandbox(dir, [
      { message: 'agent_started', payload: started },
      { message: 'agent_started', payload: { ...started, seq: 0 } },
    ]);
    expect(outcomes).toEqual([{ ok: true }, { ok: false, error: '/seq must be >= 1' }]);
    expect(Object.keys(require.cache).some((file) => file.startsWith(work))).toBe(false);
  });

  it('denies a hostile validator file writes, child processes and the environment', async () => {
    const marker = path.join(work, 'pwned');
    const attempts = [
      `try { require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); } catch {}`,
      `try { require('child_process').execSync('touch ${marker}-exec'); } catch {}`,
      `if (Object.keys(process.env).some((k) => k !== 'NODE_PATH')) throw new Error('env leaked');`,
    ].join('\n');
    const dir = copyValidators('hostile', attempts);
    await expect(validateInSandbox(dir, [{ message: 'agent_started', payload: started }])).resolves.toEqual([
      { ok: true },
    ]);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`${marker}-exec`)).toBe(false);
  });

  it('denies reading files outside its folder and says so as a typed failure of the column', async () => {
    const dir = copyValidators(
      'reader',
      `require('fs').readFileSync(${JSON.stringify(path.join(ROOT, 'package.json'))});`,
    );
    await expect(validateInSandbox(dir, [{ message: 'agent_started', payload: started }])).rejects.toThrow(
      /the validators failed in their sandbox \(exit 1\)/,
    );
  });
});
