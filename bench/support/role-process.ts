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

/** Which role of the bench to start, with what arguments and Node.js flags. */
export interface RoleOptions {
  /** Default `provider`. */
  role?: string;
  /** Arguments after `--role <role>`. */
  args?: string[];
  /** Node.js flags; default `--expose-gc` (the provider roles read memory after a full GC). */
  nodeArgs?: string[];
}

/**
 * Starts `bench/run.js <bench> --role <role>` in its own process.
 *
 * @example
 * const provider = await startRoleProcess('connections', 30_000);
 * const mem = await provider.ask('mem');
 */
export function startRoleProcess(bench: string, answerTimeoutMs: number, opts: RoleOptions = {}): Promise<RoleProcess> {
  const role = opts.role ?? 'provider';
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? ['--expose-gc']),
      path.join(__dirname, '..', 'run.js'),
      bench,
      '--role',
      role,
      ...(opts.args ?? []),
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const waiting: ((value: Record<string, any>) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    let answer: Record<string, any>;
    try {
      answer = JSON.parse(line);
    } catch {
      return; // a log line (a --trace-gc line, say), not an answer: the next ask still waits for its own
    }
    waiting.shift()?.(answer);
  });
  const next = (): Promise<Record<string, any>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${role} process did not answer`)), answerTimeoutMs);
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
