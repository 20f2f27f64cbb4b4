// A benchmark's provider in its own process (`node bench/run.js <bench> --role provider`), spoken to over stdin/stdout
// in JSON lines: the first line it prints is `ready`, then each command written to stdin gets one JSON answer.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export type RoleChild = ChildProcessByStdio<Writable, Readable, null>;

export interface RoleProcess {
  child: RoleChild;
  /** What the process printed first (its URLs, limits...). */
  ready: Record<string, any>;
  /** Writes `cmd` and resolves with the next JSON line the process prints. */
  ask(cmd: string): Promise<Record<string, number>>;
}

/**
 * Starts `bench/run.js <bench> --role provider` with `--expose-gc` (the role reads memory after a full GC).
 *
 * @example
 * const provider = await startRoleProcess('connections', 30_000);
 * const mem = await provider.ask('mem');
 */
export function startRoleProcess(bench: string, answerTimeoutMs: number): Promise<RoleProcess> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', path.join(__dirname, '..', 'run.js'), bench, '--role', 'provider'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const waiting: ((value: Record<string, any>) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      waiting.shift()?.(JSON.parse(line));
    } catch {
      // a log line, not an answer
    }
  });
  const next = (): Promise<Record<string, any>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('provider process did not answer')), answerTimeoutMs);
      waiting.push((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  return next().then((ready) => ({
    child,
    ready,
    ask(cmd) {
      const answer = next();
      child.stdin.write(`${cmd}\n`);
      return answer;
    },
  }));
}
