// `netra-contracts serve` as a child process: the CLI-level stack (easy tier) and a provider that can really crash
// (SIGKILL) and be started again on the same ports with the same durable event log (hard tier).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ConnectTarget } from './client';

const BIN = path.resolve(__dirname, '../../bin/netra-contracts.js');
const START_TIMEOUT_MS = 30_000;

const running = new Set<ServeProcess>();

export interface ServeOptions {
  /** 0 (default): any free port. */
  port?: number;
  authPort?: number;
  thinkMs?: number;
  toolMs?: number;
  jitter?: number;
  eventLog?: string;
  graceS?: number;
  /** Extra CLI flags. */
  args?: string[];
  /** `--log-level` (default warn); null passes none, so serve logs at its own default (tests that read its logs). */
  logLevel?: string | null;
  /** A command that runs node, e.g. `['prlimit', '--fsize=65536', '--']` for a size-limited process. */
  prefix?: string[];
}

/** A running `serve` process. */
export interface ServeProcess extends ConnectTarget {
  proc: ChildProcess;
  wsPort: number;
  authPort: number;
  /** The `listening` line as printed (its URLs and ports). */
  listening: { ws_url: string; auth_url: string; ws_port: number; auth_port: number };
  /** Every stdout line (JSON logs). */
  lines: string[];
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGTERM (drain) and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, nothing is drained. */
  kill(): Promise<void>;
}

/**
 * Spawns `node bin/netra-contracts.js serve ...` and waits for its `listening` line (the first JSON line on stdout,
 * which carries the real ports).
 *
 * @example
 * const serve = await spawnServe({ thinkMs: 10, toolMs: 10 });
 * const alice = await connectUser(session, serve, 'alice');
 * await serve.stop();
 */
export async function spawnServe(opts: ServeOptions = {}): Promise<ServeProcess> {
  const args = ['serve', '--port', String(opts.port ?? 0), '--auth-port', String(opts.authPort ?? 0)];
  const logLevel = opts.logLevel === undefined ? 'warn' : opts.logLevel;
  if (logLevel !== null) args.push('--log-level', logLevel);
  if (opts.thinkMs !== undefined) args.push('--think-ms', String(opts.thinkMs));
  if (opts.toolMs !== undefined) args.push('--tool-ms', String(opts.toolMs));
  if (opts.jitter !== undefined) args.push('--jitter', String(opts.jitter));
  if (opts.eventLog !== undefined) args.push('--event-log', opts.eventLog);
  if (opts.graceS !== undefined) args.push('--grace-s', String(opts.graceS));
  args.push(...(opts.args ?? []));
  const command = [...(opts.prefix ?? []), process.execPath, BIN, ...args];
  const proc = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let timer: NodeJS.Timeout | undefined;
  const listening = await new Promise<{ ws_url: string; auth_url: string; ws_port: number; auth_port: number }>(
    (resolve, reject) => {
      timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`serve did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
      }, START_TIMEOUT_MS);
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        lines.push(line);
        if (lines.length === 1) {
          try {
            resolve(JSON.parse(line));
          } catch {
            reject(new Error(`serve printed a first line that is not JSON: ${line}`));
          }
        }
      });
      void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
    },
  ).finally(() => clearTimeout(timer));
  const serve: ServeProcess = {
    proc,
    wsUrl: listening.ws_url,
    authUrl: listening.auth_url,
    wsPort: listening.ws_port,
    authPort: listening.auth_port,
    listening,
    lines,
    stderr: () => stderr,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(killer);
      running.delete(serve);
      return code;
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
      running.delete(serve);
    },
  };
  running.add(serve);
  return serve;
}

/** Kills every serve process a test file left running (afterAll safety net). */
export async function killAllServe(): Promise<void> {
  await Promise.all([...running].map((s) => s.kill()));
}
