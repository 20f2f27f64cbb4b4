// Memory a provider holds for slow consumers (issue 12 item 5): RSS growth per client that stops reading, against the
// documented per-connection limit (`max_send_buffer_bytes`). The provider (auth service + WebSocket provider) runs in
// its own process. Two phases, each in a fresh provider, with the same workload: N users each start the same runs
// from a reading tab while a second tab of theirs also reads (phase "fast") or has stopped reading (phase "slow").
// The peak RSS difference between the phases, per slow consumer, is what a slow consumer costs; it should be about
// the limit (the app-level send buffer), not a multiple of it. Kernel socket buffers are not process memory.
// Run: npm run bench:slow-consumers [-- --consumers 10 --runs 200] [--json]
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
const LIMIT = loadProtocol().limits.max_send_buffer_bytes;
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

async function main(): Promise<void> {
  const fast = await phase(false);
  const slow = await phase(true);
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
    ratios: {
      // What one slow consumer costs, in units of the documented per-connection limit: about 1 is the goal.
      rss_per_slow_consumer_vs_limit: Math.round((perConsumer / LIMIT) * 100) / 100,
      live_per_slow_consumer_vs_limit: Math.round((livePerConsumer / LIMIT) * 100) / 100,
    },
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
    process.stdout.write(
      `slow consumers: ${CONSUMERS} users x ${RUNS_PER_USER} runs; RSS growth ${mb(growthFast)} with reading tabs, ` +
        `${mb(growthSlow)} with stalled tabs (${slow.slow_closes} closed 1013, peak buffered ${mb(slow.peak_buffered)}); ` +
        `${mb(perConsumer)} RSS (${mb(livePerConsumer)} live) per slow consumer = ` +
        `${result.ratios.rss_per_slow_consumer_vs_limit} x (${result.ratios.live_per_slow_consumer_vs_limit} x) the ${mb(LIMIT)} limit\n`,
    );
  }
}

if (role === 'provider') void serveProvider();
else
  main().catch((err: unknown) => {
    process.stderr.write(`bench slow-consumers failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
