// The most concurrent authenticated idle connections one provider process holds, and its memory per connection.
// The provider (auth service + WebSocket provider, startStack) runs in its own process so its RSS and heap are its
// own; this process opens the connections in steps (each with its own user's development token, source addresses
// spread over 127.0.0.2..254), and after each step asks the provider for a GC'd memory reading.
// Run: npm run bench:connections [-- --max 15000]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { startRoleProcess, type RoleProcess } from './support/role-process';
import { fetchDevToken } from '../src/verify/auth';
import { startStack } from '../src/provider';

const args = process.argv.slice(3);
// --json: the human table goes to stderr and stdout carries one JSON object (with `ratios`).
const JSON_OUT = args.includes('--json');
const say = (...parts: unknown[]): void => (JSON_OUT ? console.error(...parts) : console.log(...parts));
const role = args.includes('--role') ? args[args.indexOf('--role') + 1] : 'main';
const flag = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(args[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const STEPS = [1_000, 2_000, 5_000, 10_000, 15_000, 19_000];
const DEADLINE_MS = 240_000;
const HANDSHAKES_IN_FLIGHT = 64;
const TOKENS_IN_FLIGHT = 32;

// ---- provider process ------------------------------------------------------------------------------------------

async function serveProvider(): Promise<void> {
  // Long-lived tokens and default heartbeat: the connections stay authenticated and idle for the whole bench.
  const stack = await startStack({ auth: { accessTtlS: 3_600 } });
  const gc = (globalThis as { gc?: () => void }).gc;
  const reading = (): Record<string, number> => {
    gc?.();
    const mem = process.memoryUsage();
    const stats = stack.provider.stats();
    return {
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      connections: stats.connections,
      sockets: stats.sockets,
    };
  };
  process.stdout.write(
    `${JSON.stringify({ ready: true, wsUrl: stack.wsUrl, authUrl: stack.authUrl, gc: gc !== undefined, fdLimit: fdLimit() })}\n`,
  );
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'mem') process.stdout.write(`${JSON.stringify(reading())}\n`);
    else if (line === 'stop') void stack.close().then(() => process.exit(0));
  });
}

function fdLimit(): number | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /Max open files\s+(\d+)/.exec(limits);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

function startProvider(): Promise<RoleProcess> {
  return startRoleProcess('connections', 30_000);
}

// ---- clients ---------------------------------------------------------------------------------------------------

/** Runs `task` over items with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const provider = await startProvider();
  const sockets: WebSocket[] = [];
  let failures = 0;
  const failureCodes = new Map<string, number>();
  try {
    const { wsUrl, authUrl } = provider.ready;
    const providerFds = provider.ready.fdLimit as number | null;
    const ownFds = fdLimit();
    // Each connection costs one descriptor in each process; keep a margin for listeners, the auth service, stdio.
    const fdCap = Math.min(providerFds ?? Infinity, ownFds ?? Infinity) - 300;
    const max = Math.min(flag('max', 15_000), fdCap);
    const steps = [...STEPS.filter((s) => s < max), max];
    say(
      `bench:connections  up to ${max} connections (open-files limit: provider ${providerFds}, clients ${ownFds}; one descriptor per connection on each side), node ${process.version}, ${os.cpus().length} cpus, loadavg ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const baseline = await provider.ask('mem');
    say(`provider baseline after GC: rss ${mib(baseline.rss)} MiB, heap ${mib(baseline.heapUsed)} MiB`);
    say('');
    const header = [
      'connections',
      'open',
      'rss MiB',
      'heap MiB',
      'rss B/conn',
      'heap B/conn',
      'ext B/conn',
      'step s',
      'failures',
    ];
    say(header.join('\t'));
    let held = 0;
    let best: string[] | undefined;
    let index = 0;
    for (const target of steps) {
      if (Date.now() - started > DEADLINE_MS) {
        say('time budget spent; stopping');
        break;
      }
      const stepStart = Date.now();
      const ids = Array.from({ length: target - sockets.length }, () => index++);
      const stepFailuresBefore = failures;
      await pool(ids, TOKENS_IN_FLIGHT, async (i) => {
        let token: string;
        try {
          token = (await fetchDevToken(authUrl, `idle-${i}`, { ttlS: 3_600, timeoutMs: 20_000 })).access_token;
        } catch (err) {
          failures++;
          count(failureCodes, (err as { code?: string }).code ?? 'TOKEN_FAILED');
          return;
        }
        await openIdle(wsUrl, token, i).then(
          (ws) => void sockets.push(ws),
          (code: string) => {
            failures++;
            count(failureCodes, code);
          },
        );
      }).catch(() => undefined);
      // Handshakes are bounded separately from token fetches by the pool; let the provider settle, then read memory.
      await sleep(1_000);
      const open = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
      const mem = await provider.ask('mem');
      const conns = Math.max(1, mem.connections);
      const row = [
        String(target),
        String(mem.connections),
        mib(mem.rss),
        mib(mem.heapUsed),
        String(Math.round((mem.rss - baseline.rss) / conns)),
        String(Math.round((mem.heapUsed - baseline.heapUsed) / conns)),
        String(Math.round((mem.external + mem.arrayBuffers - baseline.external - baseline.arrayBuffers) / conns)),
        ((Date.now() - stepStart) / 1000).toFixed(1),
        String(failures - stepFailuresBefore),
      ];
      say(row.join('\t'));
      if (open < target * 0.99 || mem.connections < target * 0.99) {
        say(`only ${open} client sockets / ${mem.connections} provider connections open of ${target}; stopping`);
        held = Math.max(held, Math.min(open, mem.connections));
        break;
      }
      held = mem.connections;
      best = row;
    }
    say('');
    if (failureCodes.size > 0) say(`failures: ${[...failureCodes.entries()].map(([c, n]) => `${c} x${n}`).join(', ')}`);
    say(
      best === undefined
        ? `held ${held} connections`
        : `most connections held by one provider process: ${held} (authenticated, idle); memory per connection: ${best[4]} B RSS, ${best[5]} B heap (over the ${mib(baseline.rss)} MiB baseline)`,
    );
    say(`elapsed ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (JSON_OUT) {
      const report = {
        requested: max,
        held,
        rss_bytes_per_connection: best === undefined ? null : Number(best[4]),
        heap_bytes_per_connection: best === undefined ? null : Number(best[5]),
        failures: Object.fromEntries(failureCodes),
        loadavg: os.loadavg(),
        ratios: { connections_held_vs_requested: Number((held / max).toFixed(3)) },
      };
      process.stdout.write(`${JSON.stringify(report)}\n`);
    }
  } finally {
    for (const ws of sockets) ws.terminate();
    provider.child.stdin.write('stop\n');
    setTimeout(() => provider.child.kill(), 10_000).unref();
  }
}

let handshakes = 0;
const handshakeWaiters: (() => void)[] = [];

/** Opens one connection and resolves once connection_established arrived; rejects with a short code. */
async function openIdle(wsUrl: string, token: string, i: number): Promise<WebSocket> {
  if (handshakes >= HANDSHAKES_IN_FLIGHT) await new Promise<void>((resolve) => handshakeWaiters.push(resolve));
  handshakes++;
  try {
    return await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, {
        headers: { Authorization: `Bearer ${token}` },
        perMessageDeflate: false,
        handshakeTimeout: 20_000,
        localAddress: `127.0.0.${2 + (i % 253)}`,
      } as WebSocket.ClientOptions);
      const timer = setTimeout(() => {
        ws.terminate();
        reject('ESTABLISHED_TIMEOUT');
      }, 30_000);
      ws.once('message', (data: Buffer) => {
        clearTimeout(timer);
        if (data.toString().startsWith('{"type":"connection_established"')) resolve(ws);
        else {
          ws.terminate();
          reject('REFUSED');
        }
      });
      ws.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(err.code ?? 'SOCKET_ERROR');
      });
    });
  } finally {
    handshakes--;
    handshakeWaiters.shift()?.();
  }
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const done = (promise: Promise<void>): void => {
  promise.catch((err: unknown) => {
    console.error(`bench:connections failed: ${(err as Error).message}`);
    process.exitCode = 1;
  });
};
if (role === 'provider') done(serveProvider());
else done(main());
