// The Python provider (interop/python-provider) as a child process on an ephemeral loopback port: one way to start it
// for every test that needs it (the interop tier, the verify and conformance tests). Tokens are the caller's: it
// hands the HS256 secret over in the environment and mints with it.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');
const PROVIDER = path.join(ROOT, 'interop/python-provider/provider.py');
/** The interpreter: NETRA_INTEROP_PYTHON, as for `npm run conformance:python`. */
export const PYTHON = process.env.NETRA_INTEROP_PYTHON ?? '/usr/bin/python3';

export interface PythonProcess {
  proc: ChildProcess;
  /** `ws://127.0.0.1:<port>/ws`, from its `listening` line. */
  url: string;
  port: number;
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGTERM (it drains), SIGKILL after `graceMs`; the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/**
 * Starts provider.py with `--host 127.0.0.1 --port 0 ...args` and `NETRA_JWT_SECRET=secret` (and nothing else from
 * this environment but PATH), and resolves once its first stdout line, `{"event":"listening","url":...}`, is read.
 *
 * @example
 * const py = await spawnPython(secret, ['--think-ms', '20']);
 * await py.stop();
 */
export async function spawnPython(
  secret: string,
  args: string[] = [],
  listenTimeoutMs = 20_000,
): Promise<PythonProcess> {
  const proc = spawn(PYTHON, [PROVIDER, '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NETRA_JWT_SECRET: secret, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const kill = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  const stop = async (graceMs = 15_000): Promise<number | null> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(killer);
    return code;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Python provider did not listen within ${listenTimeoutMs} ms: ${stderr}`)),
        listenTimeoutMs,
      );
      let first = true;
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (!first) return;
        first = false;
        try {
          const event = JSON.parse(line) as { event?: string; url?: string };
          if (event.event === 'listening' && typeof event.url === 'string') resolve(event.url);
          else reject(new Error(`unexpected first stdout line: ${line}`));
        } catch {
          reject(new Error(`the first stdout line is not JSON: ${line}`));
        }
      });
      void exited.then((code) => reject(new Error(`the Python provider exited (${code}) before listening: ${stderr}`)));
    }).finally(() => clearTimeout(timer));
    return { proc, url, port: Number(new URL(url).port), stderr: () => stderr, exited, stop, kill };
  } catch (err) {
    await kill();
    throw err;
  }
}
