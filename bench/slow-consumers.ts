// Memory a provider holds for slow consumers (issue 12 item 5): RSS growth per client that stops reading, against the
// documented per-connection limit (`max_send_buffer_bytes`). The provider (auth service + WebSocket provider) runs in
// its own process. Two phases, each in a fresh provider, with the same workload: N users each start the same runs
// from a reading tab while a second tab of theirs also reads (phase "fast") or has stopped reading (phase "slow").
// The peak RSS difference between the phases, per slow consumer, is what a slow consumer costs; it should be about
// the limit (the app-level send buffer), not a multiple of it. Kernel socket buffers are not process memory.
// Then one greedy user (issue 12 item 4): a bystander's first-event p99 (start_agent -> agent_started) against a
// `serve` process with the spec's limits, without and with a greedy user at its caps (tests/stress/greedy-worker.ts,
// its own process), in alternating blocks so that a shared machine's load falls on both alike; each phase's p99 is the
// median of its blocks'. The target (greedy within 2x of baseline) is a ratio here, not a timed test.
// Run: npm run bench:slow-consumers [-- --consumers 10 --runs 200 --greedy-samples 150] [--json]
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { startRoleProcess, type RoleProcess } from './support/role-process';
import { loadProtocol } from '../src/protocol';
import { startStack } from '../src/provider';
import { fetchDevToken } from '../src/verify/auth';

const args = process.argv.slice(3);
const json = args.includes('--json');
const role = args.includes('--role') ? args[args.indexOf('--role') + 1] : 'main';
const flag = (name: string, fallback: number): number => {
  const index = args.indexOf(`--${name}`);
  const value = index === -1 ? fallback : Number(args[index + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const CONSUMERS = flag('consumers', 10);
const RUNS_PER_USER = flag('runs', 200);
const GREEDY_SAMPLES = flag('greedy-samples', 150);
const LIMITS = loadProtocol().limits;
const LIMIT = LIMITS.max_send_buffer_bytes;
const prices = require('../src/agents/pricing/prices.json') as { models: Record<string, unknown> };
// Every priced model: runs of ~16 events, ~22 KB each, so a stalled tab overflows its buffer fast.
const CONTEXT = {
  workload: Object.keys(prices.models).map((model, i) => ({
    model,
    requests_per_month: 1_000_000 + i * 1000,
    avg_input_tokens: 1500,
    avg_output_tokens: 300,
  })),
};

// ---- provider process ------------------------------------------------------------------------------------------

async function serveProvider(): Promise<void> {
  // The default send buffer (the contract's); only what makes the workload fast is changed: no simulated latency,
  // the frame rate, run and fan-out caps lifted so that a few tabs can produce megabytes quickly (a stalled tab must
  // overflow the loopback kernel buffers first, several MB), and retention kept small.
  const stack = await startStack({
    provider: {
      thinkMs: 0,
      toolMs: 0,
      maxRunsPerUser: 10_000,
      maxFanoutBytesPerUserPerSecond: 1024 ** 3,
      // Retention small: the run log would otherwise hold 64 MiB of this workload's events and bury the difference.
      maxRetainedBytes: 2 * 1024 * 1024,
      maxRetainedRuns: 100,
      // A stalled consumer's socket is held (with what it buffered) until the reading: the worst case, N at once.
      slowCloseGraceMs: 600_000,
      limits: { client_frames_per_second: 10_000, client_frames_burst: 10_000 },
    },
  });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  sampler.unref();
  const gc = (globalThis as { gc?: () => void }).gc;
  process.stdout.write(`${JSON.stringify({ ready: true, wsUrl: stack.wsUrl, authUrl: stack.authUrl })}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'mem') {
      gc?.();
      gc?.();
      const mem = process.memoryUsage();
      const stats = stack.provider.stats() as unknown as Record<string, number>;
      const reading = {
        rss: mem.rss,
        live: mem.heapUsed + mem.external,
        peak,
        slowCloses: stats.slowConsumerCloses,
        peakBuffered: stats.peakBufferedBytes,
      };
      process.stdout.write(`${JSON.stringify(reading)}\n`);
    } else if (line === 'reset-peak') {
      gc?.();
      peak = process.memoryUsage().rss;
      process.stdout.write(`${JSON.stringify({ peak })}\n`);
    } else if (line === 'stop') void stack.close().then(() => process.exit(0));
  });
}

function startProvider(): Promise<RoleProcess> {
  return startRoleProcess('slow-consumers', 60_000);
}

// ---- clients ---------------------------------------------------------------------------------------------------

function open(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false });
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** One user: a reading tab that starts RUNS_PER_USER runs and waits for all to end, and a second tab, stalled or not. */
async function user(
  wsUrl: string,
  authUrl: string,
  name: string,
  stall: boolean,
): Promise<{ second: WebSocket; first: WebSocket; done: Promise<void> }> {
  const token = (await fetchDevToken(authUrl, name, { ttlS: 3_600 })).access_token;
  const first = await open(wsUrl, token);
  const second = await open(wsUrl, token);
  if (stall) (second as unknown as { _socket: Socket })._socket.pause();
  let ended = 0;
  const done = new Promise<void>((resolve) => {
    first.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"type":"agent_completed"') || text.includes('"type":"agent_error"')) {
        if (++ended === RUNS_PER_USER) resolve();
      }
    });
  });
  for (let i = 0; i < RUNS_PER_USER; i++) {
    first.send(
      JSON.stringify({ type: 'start_agent', request_id: `r-${i}`, user_request: 'Cut my spend.', context: CONTEXT }),
    );
  }
  return { first, second, done };
}

async function phase(stall: boolean): Promise<Record<string, number>> {
  const provider = await startProvider();
  try {
    const { wsUrl, authUrl } = provider.ready;
    await provider.ask('reset-peak');
    const before = await provider.ask('mem');
    const users = await Promise.all(
      Array.from({ length: CONSUMERS }, (_, i) => user(wsUrl, authUrl, `${stall ? 'slow' : 'fast'}-${i}`, stall)),
    );
    await Promise.all(users.map((u) => u.done));
    const after = await provider.ask('mem');
    for (const u of users) {
      u.first.terminate();
      u.second.terminate();
    }
    return {
      baseline_rss: before.rss,
      rss: after.rss,
      baseline_live: before.live,
      live: after.live,
      peak_rss: after.peak,
      slow_closes: after.slowCloses,
      peak_buffered: after.peakBuffered,
    };
  } finally {
    await provider.ask('stop').catch(() => undefined);
    provider.child.kill();
  }
}

// ---- one greedy user -------------------------------------------------------------------------------------------

const ROOT = path.join(__dirname, '..');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Two bystanders alternate, each a start every 120 ms: under both the frame rate and the run limit. */
const BYSTANDER_GAP_MS = 60;

/** Starts `command` and resolves with its first stdout line parsed as JSON (`serve`'s listening line, the worker's). */
function firstLine(
  command: string[],
  stderr: 'inherit' | 'ignore' = 'inherit',
): Promise<{ child: ChildProcess; line: Record<string, any>; lines: string[] }> {
  const child = spawn(process.execPath, command, { cwd: ROOT, stdio: ['pipe', 'pipe', stderr] });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (lines.push(line) === 1) resolve({ child, line: JSON.parse(line) as Record<string, any>, lines });
    });
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited ${code}`)));
  });
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `count` first-event latencies (ms) of runs the bystanders start, one start every BYSTANDER_GAP_MS. */
async function latencies(bystanders: WebSocket[], count: number, tag: string): Promise<number[]> {
  const out: number[] = [];
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const ws = bystanders[i % bystanders.length];
    const requestId = `${tag}-${i}`;
    const sentAt = performance.now();
    pending.push(
      new Promise((resolve, reject) => {
        const onMessage = (data: WebSocket.RawData): void => {
          const m = JSON.parse(data.toString()) as Record<string, unknown>;
          if (m.request_id !== requestId) return;
          ws.off('message', onMessage);
          if (m.type !== 'agent_started') return reject(new Error(`bystander start refused: ${JSON.stringify(m)}`));
          out.push(performance.now() - sentAt);
          resolve();
        };
        ws.on('message', onMessage);
      }),
    );
    ws.send(JSON.stringify({ type: 'start_agent', request_id: requestId, user_request: 'Optimise my AI costs.' }));
    await sleep(BYSTANDER_GAP_MS);
  }
  await Promise.all(pending);
  return out;
}

/** Bystander first-event p99 without and with the greedy user, against one `serve` with the spec's limits. */
async function greedyUser(): Promise<Record<string, unknown>> {
  // serve's human banner (stderr) is not the benchmark's output.
  const serve = await firstLine(['bin/netra-contracts.js', 'serve', '--port', '0', '--auth-port', '0'], 'ignore');
  const { ws_url: wsUrl, auth_url: authUrl } = serve.line as { ws_url: string; auth_url: string };
  const tries = String(LIMITS.max_connections_per_user + 3);
  const worker = await firstLine(['-r', 'tsx/cjs', 'tests/stress/greedy-worker.ts', wsUrl, authUrl, tries]);
  try {
    const bystanders = await Promise.all(
      ['by-1', 'by-2'].map(async (name) => open(wsUrl, (await fetchDevToken(authUrl, name)).access_token)),
    );
    await latencies(bystanders, 20, 'warm'); // JIT, token caches
    const baseline: number[] = [];
    const greed: number[] = [];
    for (const block of [0, 1, 2]) {
      worker.child.stdin!.write('off\n');
      await sleep(2_500); // the greedy user's runs end (about 1 s each)
      baseline.push(p99(await latencies(bystanders, Math.ceil(GREEDY_SAMPLES / 3), `base-${block}`)));
      worker.child.stdin!.write('on\n');
      await sleep(2_000); // the greedy user reaches its run cap
      greed.push(p99(await latencies(bystanders, Math.ceil(GREEDY_SAMPLES / 3), `greed-${block}`)));
    }
    for (const ws of bystanders) ws.terminate();
    const ended = new Promise((resolve) => worker.child.once('exit', resolve));
    worker.child.kill('SIGTERM');
    await ended;
    const round = (ms: number): number => Math.round(ms * 100) / 100;
    return {
      samples_per_phase: 3 * Math.ceil(GREEDY_SAMPLES / 3),
      baseline_p99_ms: round(median(baseline)),
      greed_p99_ms: round(median(greed)),
      block_p99s_ms: { baseline: baseline.map(round), greed: greed.map(round) },
      greedy: JSON.parse(worker.lines[worker.lines.length - 1]) as Record<string, number>,
    };
  } finally {
    worker.child.kill();
    serve.child.kill();
  }
}

async function main(): Promise<void> {
  const fast = await phase(false);
  const slow = await phase(true);
  const greedy = await greedyUser();
  // After the workload, with the stalled sockets still held, GC'd: RSS and live memory (heap + external: buffers).
  const growthFast = fast.rss - fast.baseline_rss;
  const growthSlow = slow.rss - slow.baseline_rss;
  const perConsumer = Math.max(0, growthSlow - growthFast) / CONSUMERS;
  const liveFast = fast.live - fast.baseline_live;
  const liveSlow = slow.live - slow.baseline_live;
  const livePerConsumer = Math.max(0, liveSlow - liveFast) / CONSUMERS;
  const result = {
    bench: 'slow-consumers',
    consumers: CONSUMERS,
    runs_per_user: RUNS_PER_USER,
    limit_bytes: LIMIT,
    fast: { ...fast, growth_rss: growthFast },
    slow: { ...slow, growth_rss: growthSlow },
    rss_per_slow_consumer_bytes: Math.round(perConsumer),
    live_per_slow_consumer_bytes: Math.round(livePerConsumer),
    greedy_user: greedy,
    ratios: {
      // What one slow consumer costs, in units of the documented per-connection limit: about 1 is the goal.
      rss_per_slow_consumer_vs_limit: Math.round((perConsumer / LIMIT) * 100) / 100,
      live_per_slow_consumer_vs_limit: Math.round((livePerConsumer / LIMIT) * 100) / 100,
      // A bystander's first-event p99 with a greedy user at its caps over without: at most 2 is the goal.
      greedy_vs_baseline_first_event_p99:
        Math.round(((greedy.greed_p99_ms as number) / (greedy.baseline_p99_ms as number)) * 100) / 100,
    },
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
    process.stdout.write(
      `slow consumers: ${CONSUMERS} users x ${RUNS_PER_USER} runs; RSS growth ${mb(growthFast)} with reading tabs, ` +
        `${mb(growthSlow)} with stalled tabs (${slow.slow_closes} closed 1013, peak buffered ${mb(slow.peak_buffered)}); ` +
        `${mb(perConsumer)} RSS (${mb(livePerConsumer)} live) per slow consumer = ` +
        `${result.ratios.rss_per_slow_consumer_vs_limit} x (${result.ratios.live_per_slow_consumer_vs_limit} x) the ${mb(LIMIT)} limit\n` +
        `greedy user: bystander first-event p99 ${String(greedy.baseline_p99_ms)} ms without, ` +
        `${String(greedy.greed_p99_ms)} ms with a greedy user at its caps = ` +
        `${result.ratios.greedy_vs_baseline_first_event_p99} x (goal <= 2)\n`,
    );
  }
}

if (role === 'provider') void serveProvider();
else
  main().catch((err: unknown) => {
    process.stderr.write(`bench slow-consumers failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
