// `verify` and `load` run with the checker's V8 settings (bin/relaunch.js): started without them, the launcher runs
// the command again in a child node that has them. These tests run the real launcher and look at the processes it
// starts through a preload (NODE_OPTIONS --require, inherited by the child) that writes each one's pid and flags.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { killAllServe, spawnServe } from '../../support';

const REPO = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(REPO, 'bin', 'netra-contracts.js');
const SESSION = path.join(REPO, 'contracts', 'fixtures', 'base', 'base.session.jsonl');
const { CHECKER_V8_FLAGS, missingFlags } = require(path.join(REPO, 'bin', 'relaunch.js')) as {
  CHECKER_V8_FLAGS: string[];
  missingFlags: (command: string, execArgv: string[], env: Record<string, string | undefined>) => string[];
};

let dir: string;
let preload: string;
let pidsFile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relaunch-'));
  preload = path.join(dir, 'note-pid.js');
  pidsFile = path.join(dir, 'pids.jsonl');
  writeFileSync(
    preload,
    `require('fs').appendFileSync(${JSON.stringify(pidsFile)}, JSON.stringify({ pid: process.pid, flags: process.execArgv }) + '\\n');`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => writeFileSync(pidsFile, ''));

const env = (): NodeJS.ProcessEnv => ({ ...process.env, NODE_OPTIONS: `--require ${preload}` });
const processes = (): { pid: number; flags: string[] }[] =>
  readFileSync(pidsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

describe('the launcher gives verify and load the checker V8 flags', () => {
  it('knows which flags are missing, from node flags and NODE_OPTIONS alike', () => {
    expect(missingFlags('verify', [], {})).toEqual(CHECKER_V8_FLAGS);
    expect(missingFlags('load', [], {})).toEqual(CHECKER_V8_FLAGS);
    expect(missingFlags('verify', ['--max-semi-space-size=32'], {})).toEqual([]); // the user's own choice wins
    expect(missingFlags('verify', [], { NODE_OPTIONS: '--max-semi-space-size=64' })).toEqual([]);
    expect(missingFlags('serve', [], {})).toEqual([]);
    expect(missingFlags('verify', [], { NETRA_RELAUNCHED: '1' })).toEqual([]);
  });

  it('runs verify in a child with the flags: same output and exit code as run directly', () => {
    const relaunched = spawnSync(process.execPath, [BIN, 'verify', SESSION, '--json'], {
      env: env(),
      encoding: 'utf8',
    });
    const seen = processes();
    expect(seen).toHaveLength(2);
    expect(seen[0].flags).toEqual([]);
    expect(seen[1].flags).toEqual(expect.arrayContaining(CHECKER_V8_FLAGS));
    writeFileSync(pidsFile, '');
    const direct = spawnSync(process.execPath, [...CHECKER_V8_FLAGS, BIN, 'verify', SESSION, '--json'], {
      env: env(),
      encoding: 'utf8',
    });
    expect(processes()).toHaveLength(1);
    expect(relaunched.status).toBe(0);
    expect(JSON.parse(relaunched.stdout).ok).toBe(true);
    expect(relaunched.stdout).toBe(direct.stdout);
    const failing = spawnSync(process.execPath, [BIN, 'verify', path.join(dir, 'missing.session.jsonl')], {
      encoding: 'utf8',
    });
    expect(failing.status).toBe(2);
    expect(failing.stderr).toMatch(/SESSION_UNREADABLE/);
  });

  it('does not relaunch other commands', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { env: env(), encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(processes()).toHaveLength(1);
  });

  // A session file that is a named pipe nobody writes: verify waits on it for ever, so the command is still running
  // when the signal comes.
  function startBlockedVerify(): ChildProcess {
    const fifo = path.join(dir, `blocked-${Date.now()}.session.jsonl`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    return spawn(process.execPath, [BIN, 'verify', fifo], { env: env(), stdio: 'ignore' });
  }

  it('passes a SIGTERM on to the child and dies of it too', async () => {
    const launcher = startBlockedVerify();
    const done = exited(launcher);
    await until(() => existsSync(pidsFile) && processes().length === 2);
    const child = processes()[1].pid;
    launcher.kill('SIGTERM');
    expect(await done).toEqual({ code: null, signal: 'SIGTERM' });
    await until(() => !alive(child));
  });

  it('starts load --workers with the flags: each worker runs at once, without a relaunch of its own', async () => {
    const serve = await spawnServe({ thinkMs: 10, toolMs: 10, jitter: 0 });
    try {
      writeFileSync(pidsFile, '');
      const args = ['load', '--url', serve.wsUrl, '--auth-url', serve.authUrl, '--users', '2', '--duration', '2'];
      const run = spawnSync(process.execPath, [BIN, ...args, '--ramp', '0', '--workers', '2', '--no-progress'], {
        env: env(),
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      const seen = processes();
      // The launcher, the relaunched `load`, and its two workers, which already have the flags.
      expect(seen).toHaveLength(4);
      for (const p of seen.slice(1)) expect(p.flags).toEqual(expect.arrayContaining(CHECKER_V8_FLAGS));
    } finally {
      await serve.stop();
      killAllServe();
    }
  }, 60_000);

  it('stops the child when the launcher is killed outright (SIGKILL)', async () => {
    const launcher = startBlockedVerify();
    const done = exited(launcher);
    await until(() => processes().length === 2);
    const child = processes()[1].pid;
    launcher.kill('SIGKILL');
    await done;
    await until(() => !alive(child));
  });
});
