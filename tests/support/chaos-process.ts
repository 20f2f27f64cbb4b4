// `netra-contracts chaos` as a child process: the fault proxy in its own process, so that a long stress run does not
// share an event loop (and its pauses) with the clients whose clock the rules engine reads.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const BIN = path.resolve(__dirname, '../../bin/netra-contracts.js');

export interface ChaosProcessOptions {
  upstreamPort: number;
  /** CLI toxic specs, e.g. `latency:ms=25,jitter=15,stream=down`. */
  toxics: string[];
  seed?: number;
  /** The proxy stops by itself after this long (a safety net; stop() ends it earlier). */
  durationS: number;
}

/** The counters of the proxy's last stats line. */
export interface ChaosCounters {
  connections: number;
  active: number;
  bytesUp: number;
  bytesDown: number;
  resets: number;
  stalls: number;
  upstreamErrors: number;
  seed: number;
}

export interface ChaosProcess {
  proc: ChildProcess;
  port: number;
  /** `scheme://127.0.0.1:port path`. */
  url(scheme: string, pathname?: string): string;
  /** SIGTERM; resolves with the final counters the proxy printed. */
  stop(): Promise<ChaosCounters>;
}

/**
 * Spawns `node bin/netra-contracts.js chaos --upstream 127.0.0.1:PORT --toxic ...` and waits until it listens.
 *
 * @example
 * const chaos = await spawnChaos({ upstreamPort: serve.wsPort, toxics: ['latency:ms=25'], durationS: 300 });
 * await runLoad({ url: chaos.url('ws', '/ws'), ... });
 * const { resets } = await chaos.stop();
 */
export async function spawnChaos(opts: ChaosProcessOptions): Promise<ChaosProcess> {
  const args = [
    'chaos',
    '--upstream',
    `127.0.0.1:${opts.upstreamPort}`,
    '--listen',
    '127.0.0.1:0',
    '--duration',
    String(opts.durationS),
    '--stats-every',
    '3600',
  ];
  for (const toxic of opts.toxics) args.push('--toxic', toxic);
  if (opts.seed !== undefined) args.push('--seed', String(opts.seed));
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let last: Record<string, unknown> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`chaos did not start: ${stderr}`));
    }, 30_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.event === 'listening') resolve(event.port as number);
      if (event.event === 'stats' || event.event === 'stopped') last = event;
    });
    void exited.then((code) => reject(new Error(`chaos exited (${code}) before listening: ${stderr}`)));
  }).finally(() => clearTimeout(timer));
  return {
    proc,
    port,
    url: (scheme, pathname = '') => `${scheme}://127.0.0.1:${port}${pathname}`,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      if (!last) throw new Error(`chaos printed no stats: ${stderr}`);
      return last as unknown as ChaosCounters;
    },
  };
}
