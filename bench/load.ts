// The load tool's cost per received frame, beside a bare `ws` client that only JSON.parses the same traffic, and the
// first-event latency the load tool measures at 100, 1,000 and 10,000 users. The reference provider runs in its OWN
// process (`netra-contracts serve` on free loopback ports, think/tool 10 ms); each client runs in its own process
// too, one after the other, so the figures are each client's own CPU (process.cpuUsage over its run) divided by the
// frames it received. Both clients drive the same pattern: every user gets a development token, opens one connection
// (Bearer header), sends start_agent, reads every frame of the run, pauses think_ms after its terminal event, repeats.
// The load tool also checks every frame with the rules engine, counts delivery exactly once and records latencies.
// --together runs the two clients of a round at the same time against the same provider (each with its own users):
// both then meet the same moment of a shared machine, and the ratio moves far less from round to round (1.65-1.77
// over two runs of four rounds, against 1.33-2.14 one after the other, on the same machine the same hour).
// Run: npm run bench:load [-- --json] [-- --users 200 --seconds 20 --rounds 2 --scale 100,1000,10000 --together]
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { fetchDevToken } from '../src/verify/auth';
import type { Mix } from '../src/verify/load';

const ROOT = path.join(__dirname, '..');
/**
 * The load tool as `netra-contracts load` runs it: the compiled dist/ when it matches src/ (bin/dist-stamp.js, the
 * CLI's own test), else the sources through tsx. Loaded by the load role only: the bare client never loads it.
 */
function loadToolModule(): typeof import('../src/verify/load') {
  const { distIsFresh } = require('../bin/dist-stamp') as { distIsFresh: (src: string, dist: string) => boolean };
  return distIsFresh(path.join(ROOT, 'src'), path.join(ROOT, 'dist'))
    ? (require('../dist/src/verify/load') as typeof import('../src/verify/load'))
    : (require('../src/verify/load') as typeof import('../src/verify/load'));
}

const args = process.argv.slice(3);
const option = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? undefined : args[index + 1];
};
const number = (name: string, fallback: number, min: number, max: number): number => {
  const raw = option(name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be from ${min} to ${max}`);
  return value;
};
const JSON_OUT = args.includes('--json');
const ROLE = option('role') ?? 'main';
const USERS = number('users', 200, 1, 10_000);
const SECONDS = number('seconds', 20, 2, 120);
const ROUNDS = number('rounds', 2, 1, 5);
const TOGETHER = args.includes('--together');
const SCALE = (option('scale') ?? '100,1000,10000')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 10_000);
/** Think time of the CPU comparison: short, so the 20 s carry many runs. */
const THINK = { min: 50, max: 150 };
/**
 * The latency points: N users connected, each asking again after a pause of N/200 to 3N/200 seconds, so the steady
 * rate stays about 100 runs/s whatever N (10,000 people do not all ask an agent every few seconds); users ramp up at
 * 250 a second, then 20 s more.
 */
const scalePoint = (users: number): Pattern => {
  const rampS = Math.max(1, users / 250);
  return { users, rampS, seconds: Math.ceil(rampS + 20), think: { min: users * 5, max: users * 15 } };
};
const REQUEST = 'What is our biggest AI cost driver?';

interface ClientFigures {
  cpu_ms: number;
  frames: number;
  runs: number;
  us_per_frame: number;
  first_event_p50_ms: number | null;
  first_event_p99_ms: number | null;
  violations?: Record<string, number>;
  connections?: { opened: number; connect_failures: number };
  failed_runs?: number;
  event_loop_lag_p99_ms?: number;
}

interface Pattern {
  users: number;
  seconds: number;
  rampS: number;
  think: { min: number; max: number };
}

// ---- the provider ----------------------------------------------------------------------------------------------

interface Serve {
  wsUrl: string;
  authUrl: string;
  stop(): Promise<void>;
}

async function startServe(): Promise<Serve> {
  const bin = path.join(__dirname, '..', 'bin', 'netra-contracts.js');
  const flags = ['--port', '0', '--auth-port', '0', '--think-ms', '10', '--tool-ms', '10', '--jitter', '0'];
  const child = spawn(process.execPath, [bin, 'serve', ...flags, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2_000)));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
  });
  child.stdout.resume();
  const listening = JSON.parse(line) as { ws_url: string; auth_url: string };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    wsUrl: listening.ws_url,
    authUrl: listening.auth_url,
    stop: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

// ---- the clients (each in its own process) ----------------------------------------------------------------------

function benchMix(loadMix: (name: string) => Mix, think: { min: number; max: number }): Mix {
  return {
    ...loadMix('ci'),
    name: 'bench',
    thinkMs: think,
    secondTabShare: 0,
    subprotocolShare: 0,
    workloads: [],
    requests: [{ name: 'question', weight: 1, userRequests: [REQUEST] }],
  };
}

async function loadTool(ws: string, auth: string, pattern: Pattern): Promise<void> {
  // Loaded before the CPU count starts, as the bare client's modules are (start-up is not per-frame work).
  const { runLoad, loadMix } = loadToolModule();
  const cpu0 = process.cpuUsage();
  const { report } = await runLoad({
    url: ws,
    authUrl: auth,
    users: pattern.users,
    durationS: pattern.seconds,
    rampS: pattern.rampS,
    drainS: 30,
    profile: 'ci',
    mix: benchMix(loadMix, pattern.think),
  });
  // Measured around the whole run, as for the bare client (tokens and connections included).
  const used = process.cpuUsage(cpu0);
  const cpu = Math.round((used.user + used.system) / 1000);
  // Every frame received: run events plus connection_established (and any error_message) per connection.
  const frames = report.frames?.received ?? report.events.received + report.connections.opened;
  const figures: ClientFigures = {
    cpu_ms: cpu,
    frames,
    runs: report.runs.started,
    us_per_frame: round2((cpu * 1000) / Math.max(1, frames)),
    first_event_p50_ms: report.first_event_ms.p50,
    first_event_p99_ms: report.first_event_ms.p99,
    violations: report.violations,
    connections: { opened: report.connections.opened, connect_failures: report.connections.connect_failures },
    failed_runs: report.runs.failed,
    event_loop_lag_p99_ms: report.environment.event_loop_delay_ms.p99,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** The baseline: the same request pattern, and nothing done with a frame but JSON.parse (and noticing the end). */
async function bareClient(ws: string, auth: string, pattern: Pattern): Promise<void> {
  const { users, seconds, think } = pattern;
  const cpu0 = process.cpuUsage();
  const rampMs = pattern.rampS * 1000;
  let frames = 0;
  let runs = 0;
  let stopping = false;
  let inFlight = 0;
  const sockets: WebSocket[] = [];
  const starts = Array.from({ length: users }, async (_, u) => {
    await sleep((u * rampMs) / users);
    const { access_token } = await fetchDevToken(auth, `bare-${process.pid}-u${u}`, { ttlS: 3_600 });
    const socket = new WebSocket(ws, {
      headers: { Authorization: `Bearer ${access_token}` },
      perMessageDeflate: false,
    });
    sockets.push(socket);
    let request = 0;
    const start = (): void => {
      if (stopping || socket.readyState !== WebSocket.OPEN) return;
      runs++;
      inFlight++;
      socket.send(JSON.stringify({ type: 'start_agent', request_id: `u${u}-r${++request}`, user_request: REQUEST }));
    };
    socket.on('message', (data: Buffer) => {
      frames++;
      const msg = JSON.parse(data.toString('utf8')) as { type?: string };
      if (msg.type === 'connection_established') start();
      else if (msg.type === 'agent_completed' || msg.type === 'agent_error') {
        inFlight--;
        setTimeout(start, think.min + Math.random() * (think.max - think.min));
      }
    });
  });
  await Promise.all(starts);
  await sleep(seconds * 1000 - rampMs);
  stopping = true;
  const drainUntil = Date.now() + 30_000;
  while (inFlight > 0 && Date.now() < drainUntil) await sleep(20);
  for (const socket of sockets) socket.close();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const figures: ClientFigures = {
    cpu_ms: Math.round(cpuMs),
    frames,
    runs,
    us_per_frame: round2((cpuMs * 1000) / Math.max(1, frames)),
    first_event_p50_ms: null,
    first_event_p99_ms: null,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

async function runClient(role: 'load' | 'bare', serve: Serve, pattern: Pattern) {
  // BENCH_PROF=DIR: each client writes a CPU profile there (node --cpu-prof), as bench:provider's servers do.
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : [];
  const child = spawn(
    process.execPath,
    [
      ...prof,
      path.join(__dirname, 'run.js'),
      'load',
      '--role',
      role,
      '--ws',
      serve.wsUrl,
      '--auth',
      serve.authUrl,
      '--users',
      String(pattern.users),
      '--seconds',
      String(pattern.seconds),
      '--ramp',
      String(pattern.rampS),
      '--think',
      `${pattern.think.min},${pattern.think.max}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`${role} client failed (exit ${code}): ${out.slice(-500)}`);
  return JSON.parse(line) as ClientFigures;
}

// ---- main ------------------------------------------------------------------------------------------------------

/** One round of the CPU comparison: the bare client then the load tool, or both at once (`--together`). */
async function cpuRound(
  round: number,
  serve: Serve,
  pattern: Pattern,
  log: (text: string) => void,
): Promise<[ClientFigures, ClientFigures]> {
  if (TOGETHER) {
    log(`round ${round}/${ROUNDS}: bare client and load tool together, ${USERS} users each, ${SECONDS} s ...`);
    return Promise.all([runClient('bare', serve, pattern), runClient('load', serve, pattern)]);
  }
  log(`round ${round}/${ROUNDS}: bare client, ${USERS} users, ${SECONDS} s ...`);
  const bare = await runClient('bare', serve, pattern);
  log(`round ${round}/${ROUNDS}: load tool, ${USERS} users, ${SECONDS} s ...`);
  return [bare, await runClient('load', serve, pattern)];
}

async function main(): Promise<void> {
  const rounds: { bare: ClientFigures; load: ClientFigures; ratio: number }[] = [];
  const log = (text: string): void => {
    if (!JSON_OUT) process.stderr.write(`${text}\n`);
  };
  const cpuPattern: Pattern = { users: USERS, seconds: SECONDS, rampS: Math.min(SECONDS / 2, 2), think: THINK };
  let serve = await startServe();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const [bare, load] = await cpuRound(round, serve, cpuPattern, log);
      rounds.push({ bare, load, ratio: round2(load.us_per_frame / bare.us_per_frame) });
    }
  } finally {
    await serve.stop();
  }
  const scale: (ClientFigures & Pattern)[] = [];
  for (const users of SCALE) {
    const pattern = scalePoint(users);
    log(`latency: load tool, ${users} users, ${pattern.seconds} s ...`);
    serve = await startServe();
    try {
      scale.push({ ...pattern, ...(await runClient('load', serve, pattern)) });
    } finally {
      await serve.stop();
    }
  }
  report(rounds, scale);
}

function report(
  rounds: { bare: ClientFigures; load: ClientFigures; ratio: number }[],
  scale: (ClientFigures & Pattern)[],
): void {
  const ratios = rounds.map((r) => r.ratio).sort((a, b) => a - b);
  const middle = ratios.length / 2;
  const median = round2(
    ratios.length % 2 === 1 ? ratios[Math.floor(middle)] : (ratios[middle - 1] + ratios[middle]) / 2,
  );
  const result = {
    ratios: { load_vs_bare_client_cpu_per_frame: median },
    cpu_per_frame: {
      users: USERS,
      seconds: SECONDS,
      think_ms: THINK,
      provider_think_tool_ms: 10,
      clients: TOGETHER ? 'together' : 'one after the other',
      rounds,
    },
    first_event_latency: scale.map((s) => ({
      users: s.users,
      seconds: s.seconds,
      ramp_s: s.rampS,
      think_ms: s.think,
      runs: s.runs,
      failed_runs: s.failed_runs,
      connections: s.connections,
      p50_ms: s.first_event_p50_ms,
      p99_ms: s.first_event_p99_ms,
      violations: s.violations,
      load_tool_us_per_frame: s.us_per_frame,
      load_tool_event_loop_lag_p99_ms: s.event_loop_lag_p99_ms,
    })),
    machine: { cpus: os.cpus().length, node: process.version, loadavg: os.loadavg().map(round2) },
  };
  if (JSON_OUT) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const lines = [
    `load tool vs bare ws client, CPU per received frame (${USERS} users, ${SECONDS} s, provider think/tool 10 ms, client think ${THINK.min}-${THINK.max} ms, clients ${TOGETHER ? 'together' : 'one after the other'}):`,
    ...rounds.map(
      (r, i) =>
        `  round ${i + 1}: bare ${r.bare.us_per_frame} us/frame (${r.bare.frames} frames, ${r.bare.cpu_ms} ms CPU)  load ${r.load.us_per_frame} us/frame (${r.load.frames} frames, ${r.load.cpu_ms} ms CPU)  ratio ${r.ratio}`,
    ),
    `  load_vs_bare_client_cpu_per_frame (median of ${rounds.length}): ${median}`,
    '',
    'first-event latency measured by the load tool (provider in its own process; users ramp at 250/s, each asks again after N/200..3N/200 s):',
    ...scale.map(
      (s) =>
        `  ${String(s.users).padStart(6)} users ${String(s.seconds).padStart(3)} s: ${String(s.runs).padStart(6)} runs (${s.failed_runs} failed), ${s.connections?.opened} connections (${s.connections?.connect_failures} failed)  p50 ${s.first_event_p50_ms} ms  p99 ${s.first_event_p99_ms} ms  violations ${JSON.stringify(s.violations)}  load tool ${s.us_per_frame} us CPU/frame, lag p99 ${s.event_loop_lag_p99_ms} ms`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

if (ROLE === 'main') {
  main().catch((err: unknown) => {
    process.stderr.write(`bench:load failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
} else {
  const [min, max] = (option('think') ?? '50,150').split(',').map(Number);
  const client = ROLE === 'bare' ? bareClient : loadTool;
  const pattern = { users: USERS, seconds: SECONDS, rampS: number('ramp', 2, 0, 120), think: { min, max } };
  client(option('ws') as string, option('auth') as string, pattern).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${ROLE} client failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
