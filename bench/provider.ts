// Events per second the reference provider delivers to many clients (every outgoing event validated by the
// generated validators, serialised once, fanned out), beside a bare `ws` server pushing the very same frames (same
// sizes, same count per run, recorded from the provider a moment earlier) to the same number of clients on the same
// machine in the same run: the practical ceiling. Each server runs in its own process; the clients run here. Each
// server's CPU time (process.cpuUsage, user + system, all threads) is read over exactly the measured window.
// Run: npm run bench:provider [-- --clients 200 --seconds 8] [--no-validate-outgoing]
// (--no-validate-outgoing: the provider as `serve --no-validate-outgoing` runs it, run invariants only; the issue's
// target row is the default, validation on.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket, { WebSocketServer } from 'ws';
import { fetchDevToken } from '../src/verify/auth';
import { startStack } from '../src/provider';
import { startRoleProcess, type RoleChild, type RoleProcess } from './support/role-process';

const args = process.argv.slice(3);
const flag = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(args[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
// --json: the human table goes to stderr and stdout carries one JSON object (with `ratios`).
const JSON_OUT = args.includes('--json');
const say = (...parts: unknown[]): void => (JSON_OUT ? console.error(...parts) : console.log(...parts));
const role = args.includes('--role') ? args[args.indexOf('--role') + 1] : 'main';
const CLIENTS = Math.min(2_000, flag('clients', 200));
const SECONDS = Math.min(20, flag('seconds', 8));
const WARMUP_S = 2;
const CAPTURE_RUNS = 30;
// Zero simulated latency: the provider emits as fast as its run loop allows. The per-connection client rate limit is
// lifted (ProviderOptions.limits, "load experiments only") because a client starting a new run the moment the last
// one ends exceeds 20 frames/s, and rate limiting is not what this measures.
const VALIDATE_OUTGOING = !args.includes('--no-validate-outgoing');
const PROVIDER = {
  validateOutgoing: VALIDATE_OUTGOING,
  thinkMs: 0,
  toolMs: 0,
  jitter: 0,
  limits: { client_frames_per_second: 100_000, client_frames_burst: 100_000 },
};

// ---- server processes ------------------------------------------------------------------------------------------

async function serveProvider(): Promise<void> {
  const stack = await startStack({ provider: PROVIDER });
  serveCommands({ wsUrl: stack.wsUrl, authUrl: stack.authUrl }, () => stack.close());
}

/** `paced`: one frame per event-loop turn (setImmediate), like a provider emitting events one at a time. */
async function serveBare(framesFile: string, paced: boolean): Promise<void> {
  const { established, runs } = JSON.parse(readFileSync(framesFile, 'utf8')) as {
    established: string;
    runs: string[][];
  };
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let next = 0;
  wss.on('connection', (ws) => {
    ws.send(established);
    ws.on('message', () => {
      const run = runs[next++ % runs.length];
      if (!paced) {
        for (const frame of run) ws.send(frame);
        return;
      }
      let i = 0;
      const step = (): void => {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(run[i++]);
        if (i < run.length) setImmediate(step);
      };
      step();
    });
  });
  const { port } = wss.address() as { port: number };
  serveCommands(
    { wsUrl: `ws://127.0.0.1:${port}/ws` },
    () => new Promise<void>((resolve) => wss.close(() => resolve())),
  );
}

/** stdin commands: `cpu` answers the CPU time used since the previous `cpu`; `stop` closes and exits. */
function serveCommands(ready: Record<string, unknown>, close: () => Promise<void>): void {
  let cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ ready: true, ...ready })}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'cpu') {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000 })}\n`);
    } else if (line === 'stop') {
      void close().then(() => process.exit(0));
    }
  });
}

function startServer(kind: string, extra: string[] = []): Promise<RoleProcess> {
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : [];
  return startRoleProcess('provider', 20_000, { role: kind, args: extra, nodeArgs: prof });
}

// ---- clients ---------------------------------------------------------------------------------------------------

interface Tally {
  events: number;
  bytes: number;
  runs: number;
  errors: number;
}

const TERMINAL = /^\{"type":"agent_(completed|error)"/;

/**
 * CLIENTS clients start a run, wait for its terminal event, start the next at once; counts what arrives in the window,
 * and the server's CPU time over that same window (not the handshakes, the warm-up or the closing, which are not
 * counted in events either and cost the two kinds of server differently).
 */
async function drive(
  wsUrl: string,
  tokens: string[],
  server: { ask(cmd: string): Promise<Record<string, number>> },
): Promise<Tally & { seconds: number; cpuMs: number }> {
  const tally: Tally = { events: 0, bytes: 0, runs: 0, errors: 0 };
  let measuring = false;
  let stopping = false;
  const sockets: WebSocket[] = [];
  await Promise.all(
    tokens.map(
      (token, i) =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(wsUrl, {
            headers: { Authorization: `Bearer ${token}` },
            perMessageDeflate: false,
            localAddress: `127.0.0.${2 + (i % 253)}`,
          } as WebSocket.ClientOptions);
          sockets.push(ws);
          let n = 0;
          const start = (): void => {
            if (stopping) return;
            ws.send(
              JSON.stringify({
                type: 'start_agent',
                request_id: `b${i}-${++n}`,
                user_request: 'Optimise my AI costs.',
              }),
            );
          };
          ws.on('message', (data: Buffer) => {
            const text = data.toString();
            if (text.startsWith('{"type":"connection_established"')) {
              resolve();
              return;
            }
            if (measuring) {
              tally.events++;
              tally.bytes += data.length;
            }
            if (TERMINAL.test(text)) {
              if (measuring) tally.runs++;
              start();
            } else if (text.startsWith('{"type":"error_message"')) {
              if (measuring) tally.errors++;
              start();
            }
          });
          ws.on('error', reject);
          (ws as WebSocket & { begin?: () => void }).begin = start;
        }),
    ),
  );
  for (const ws of sockets) (ws as WebSocket & { begin: () => void }).begin();
  await sleep(WARMUP_S * 1000);
  await server.ask('cpu'); // the server's CPU count starts with the measured window
  measuring = true;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  const { cpuMs } = await server.ask('cpu');
  stopping = true;
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close(1000);
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 2_000).unref();
        }),
    ),
  );
  return { ...tally, seconds, cpuMs };
}

/** Records what the provider sends for CAPTURE_RUNS runs, so the bare server can push exactly those frames. */
async function capture(wsUrl: string, token: string): Promise<{ established: string; runs: string[][] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { headers: { Authorization: `Bearer ${token}` } });
    let established = '';
    const runs: string[][] = [];
    let current: string[] = [];
    const start = (): void =>
      ws.send(
        JSON.stringify({
          type: 'start_agent',
          request_id: `cap-${runs.length}`,
          user_request: 'Optimise my AI costs.',
        }),
      );
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('{"type":"connection_established"')) {
        established = text;
        start();
        return;
      }
      current.push(text);
      if (!TERMINAL.test(text)) return;
      runs.push(current);
      current = [];
      if (runs.length < CAPTURE_RUNS) start();
      else {
        ws.close();
        resolve({ established, runs });
      }
    });
    ws.on('error', reject);
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netra-bench-provider-'));
  const servers: RoleChild[] = [];
  try {
    say(
      `bench:provider  ${CLIENTS} clients, ${WARMUP_S} s warm-up + ${SECONDS} s measured per server; node ${process.version}, ${os.cpus().length} cpus, loadavg ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const provider = await startServer('provider', VALIDATE_OUTGOING ? [] : ['--no-validate-outgoing']);
    servers.push(provider.child);
    const { wsUrl, authUrl } = provider.ready;
    const tokens = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => fetchDevToken(authUrl, `bench-${i}`).then((p) => p.access_token)),
    );
    const frames = await capture(wsUrl, (await fetchDevToken(authUrl, 'bench-capture')).access_token);
    const framesFile = path.join(dir, 'frames.json');
    writeFileSync(framesFile, JSON.stringify(frames));
    const perRun = frames.runs.reduce((sum, run) => sum + run.length, 0) / frames.runs.length;
    const bytesPerEvent =
      frames.runs.flat().reduce((sum, f) => sum + Buffer.byteLength(f), 0) / frames.runs.flat().length;
    say(
      `captured ${frames.runs.length} runs from the provider: ${perRun.toFixed(1)} events per run, ${bytesPerEvent.toFixed(0)} bytes per event on average`,
    );

    const viaProvider = await drive(wsUrl, tokens, provider);
    const providerCpu = viaProvider.cpuMs;
    provider.child.stdin.write('stop\n');

    const runBare = async (mode: string): Promise<[Tally & { seconds: number }, number]> => {
      const bare = await startServer(mode, [framesFile]);
      servers.push(bare.child);
      const tally = await drive(bare.ready.wsUrl, tokens, bare);
      bare.child.stdin.write('stop\n');
      return [tally, tally.cpuMs];
    };
    const [viaBare, bareCpu] = await runBare('bare');
    const [viaPaced, pacedCpu] = await runBare('bare-paced');

    const row = (name: string, t: Tally & { seconds: number }, cpuMs: number): string[] => [
      name,
      String(CLIENTS),
      String(t.runs),
      String(t.events),
      fmt(t.events / t.seconds),
      (t.bytes / t.seconds / 1024 / 1024).toFixed(1),
      `${((cpuMs / 1000 / t.seconds) * 100).toFixed(0)}%`,
      fmt(t.events / (cpuMs / 1000)),
      String(t.errors),
    ];
    const rows = [
      ['server', 'clients', 'runs', 'events', 'events/s', 'MiB/s', 'server CPU', 'events/CPU-s', 'errors'],
      row(`provider (validation ${VALIDATE_OUTGOING ? 'on' : 'off'})`, viaProvider, providerCpu),
      row('bare ws, same frames', viaBare, bareCpu),
      row('bare ws, 1 frame per tick', viaPaced, pacedCpu),
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    say('');
    for (const [i, r] of rows.entries()) {
      say(`| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`);
      if (i === 0) say(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    }
    const ratio = viaProvider.events / viaProvider.seconds / (viaBare.events / viaBare.seconds);
    const cpuRatio = viaProvider.events / providerCpu / (viaBare.events / bareCpu);
    say('');
    const pacedRatio = viaProvider.events / viaProvider.seconds / (viaPaced.events / viaPaced.seconds);
    say(
      `provider / bare ws: ${ratio.toFixed(3)} of the ceiling in events/s, ${cpuRatio.toFixed(3)} in events per server CPU-second`,
    );
    say(
      `provider / bare ws sending one frame per event-loop turn: ${pacedRatio.toFixed(3)} (the rest is validation, run bookkeeping and the agents' own work)`,
    );
    if (JSON_OUT) {
      const figures = (t: Tally & { seconds: number }, cpuMs: number) => ({
        runs: t.runs,
        events: t.events,
        events_per_s: Math.round(t.events / t.seconds),
        events_per_cpu_s: Math.round(t.events / (cpuMs / 1000)),
        server_cpu_ms: Math.round(cpuMs),
        errors: t.errors,
      });
      const report = {
        clients: CLIENTS,
        seconds: SECONDS,
        validate_outgoing: VALIDATE_OUTGOING,
        loadavg: os.loadavg(),
        provider: figures(viaProvider, providerCpu),
        bare_ws: figures(viaBare, bareCpu),
        bare_ws_paced: figures(viaPaced, pacedCpu),
        ratios: {
          provider_vs_bare_ws_per_cpu_s: Number(cpuRatio.toFixed(3)),
          provider_vs_bare_ws_events_per_s: Number(ratio.toFixed(3)),
          provider_vs_bare_ws_paced_events_per_s: Number(pacedRatio.toFixed(3)),
        },
      };
      process.stdout.write(`${JSON.stringify(report)}\n`);
    }
  } finally {
    for (const child of servers) if (child.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const done = (promise: Promise<void>): void => {
  promise.catch((err: unknown) => {
    console.error(`bench:provider failed: ${(err as Error).message}`);
    process.exitCode = 1;
  });
};
if (role === 'provider') done(serveProvider());
else if (role === 'bare' || role === 'bare-paced')
  done(serveBare(args[args.indexOf('--role') + 2], role === 'bare-paced'));
else done(main());
