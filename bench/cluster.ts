// One provider node vs three on one Redis, on this machine: events per second delivered to clients, first-event
// latency (start_agent -> agent_started on the starting tab), fan-out latency (the same event on the user's tab on
// ANOTHER node, after it reached the starting tab on the owner node), and the Redis cost per event (INFO
// commandstats and stats deltas: commands and bytes). Each layout gets its own private redis-server (nothing on
// disk) so that other Redis traffic on the machine does not count. On a 2-core machine three nodes are not faster:
// the point is what the cluster costs per event. Run: npm run bench:cluster [-- --users 30 --runs 3 --json]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair } from 'jose';
import WebSocket from 'ws';
import { UserFanout } from '../src/provider/cluster/fanout';
import { RedisLink } from '../src/provider/cluster/redis-link';
import { RunLog } from '../src/provider/cluster/run-log';
import { Subscriptions } from '../src/provider/cluster/subscriptions';
import { silentLogger } from '../src/provider/logger';
import { fetchDevToken } from '../src/verify/auth';

const args = process.argv.slice(2);
const JSON_OUTPUT = args.includes('--json');
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(args[i + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const USERS = flag('users', 30);
const RUNS = flag('runs', 3);
const BIN = path.resolve(__dirname, '../bin/netra-contracts.js');
const say = (line: string): void => {
  if (!JSON_OUTPUT) console.log(line);
};

interface Layout {
  nodes: number;
  events: number;
  seconds: number;
  eventsPerS: number;
  firstEvent: Percentiles;
  fanout: Percentiles;
  redisCommandsPerEvent: number;
  redisBytesPerEvent: number;
  /** Redis CPU (user + sys) per committed event, microseconds. */
  redisCpuUsPerEvent: number;
  commands: Record<string, number>;
}

interface Percentiles {
  p50: number;
  p99: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: Number(at(0.5).toFixed(2)), p99: Number(at(0.99).toFixed(2)) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function startRedis(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    const ok = await client.connect().then(
      () => true,
      () => false,
    );
    client.disconnect();
    if (ok) return { url, proc };
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error('redis-server did not start (is it installed? apt-get install redis-server)');
}

interface Node {
  proc: ChildProcess;
  wsUrl: string;
  authUrl: string;
}

function startNode(redisUrl: string, keyFile: string, index: number): Promise<Node> {
  const proc = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--port',
      '0',
      '--auth-port',
      '0',
      '--log-level',
      'error',
      '--think-ms',
      '5',
      '--tool-ms',
      '5',
      '--jitter',
      '0',
      '--redis',
      redisUrl,
      '--node-id',
      `bench-${index}`,
      '--signing-key-file',
      keyFile,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start')), 30_000);
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      const info = JSON.parse(line) as { ws_url: string; auth_url: string };
      resolve({ proc, wsUrl: info.ws_url, authUrl: info.auth_url });
    });
  });
}

async function redisSnapshot(url: string): Promise<{ calls: Record<string, number>; bytes: number; cpuS: number }> {
  const client = new Redis(url);
  const [commandstats, stats, cpu] = await Promise.all([
    client.info('commandstats'),
    client.info('stats'),
    client.info('cpu'),
  ]);
  await client.quit();
  const cpuS =
    Number(/used_cpu_user:([\d.]+)/.exec(cpu)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(cpu)?.[1] ?? 0);
  const calls: Record<string, number> = {};
  for (const match of commandstats.matchAll(/cmdstat_([a-z|_-]+):calls=(\d+)/g)) calls[match[1]] = Number(match[2]);
  const num = (name: string): number => Number(new RegExp(`${name}:(\\d+)`).exec(stats)?.[1] ?? 0);
  return { calls, bytes: num('total_net_input_bytes') + num('total_net_output_bytes'), cpuS };
}

interface Tab {
  ws: WebSocket;
  /** event key (run_id:seq) -> arrival time (ms, performance.now). */
  seen: Map<string, number>;
  count: number;
}

function openTab(
  url: string,
  token: string,
  onMessage?: (msg: Record<string, unknown>, at: number) => void,
): Promise<Tab> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false });
    const tab: Tab = { ws, seen: new Map(), count: 0 };
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (msg.type === 'connection_established') return resolve(tab);
      if (typeof msg.seq === 'number') {
        tab.count++;
        tab.seen.set(`${String(msg.run_id)}:${msg.seq}`, at);
      }
      onMessage?.(msg, at);
    });
    ws.once('error', reject);
  });
}

/** One user: tab A on the owner node starts RUNS runs one after another; tab B sits on another node. */
async function user(nodes: Node[], i: number, firstEvent: number[], fanout: number[]): Promise<number> {
  const token = (await fetchDevToken(nodes[0].authUrl, `bench-${i}`, { ttlS: 3600 })).access_token;
  let waiting: { requestId: string; sentAt: number; resolve: () => void; runId?: string } | undefined;
  const a = await openTab(nodes[i % nodes.length].wsUrl, token, (msg, at) => {
    if (waiting === undefined) return;
    if (msg.type === 'agent_started' && msg.request_id === waiting.requestId) {
      firstEvent.push(at - waiting.sentAt);
      waiting.runId = String(msg.run_id);
    }
    if ((msg.type === 'agent_completed' || msg.type === 'agent_error') && msg.run_id === waiting.runId)
      waiting.resolve();
  });
  const b = await openTab(nodes[(i + 1) % nodes.length].wsUrl, token);
  await new Promise((r) => setTimeout(r, 200));
  let events = 0;
  for (let r = 0; r < RUNS; r++) {
    const requestId = `bench-${i}-${r}`;
    await new Promise<void>((resolve) => {
      waiting = { requestId, sentAt: performance.now(), resolve };
      a.ws.send(JSON.stringify({ type: 'start_agent', request_id: requestId, user_request: 'Optimise my AI costs.' }));
    });
  }
  // B's copies arrive a little later (another node): wait until B has as many as A.
  for (let k = 0; k < 100 && b.count < a.count; k++) await new Promise((r) => setTimeout(r, 20));
  for (const [key, atA] of a.seen) {
    const atB = b.seen.get(key);
    if (atB !== undefined) fanout.push(atB - atA);
  }
  events = a.count + b.count;
  a.ws.close();
  b.ws.close();
  return events;
}

async function layout(nodeCount: number, keyFile: string): Promise<Layout> {
  const redis = await startRedis();
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < nodeCount; i++) nodes.push(await startNode(redis.url, keyFile, i));
    const before = await redisSnapshot(redis.url);
    const firstEvent: number[] = [];
    const fanout: number[] = [];
    const started = performance.now();
    const delivered = await Promise.all(Array.from({ length: USERS }, (_, i) => user(nodes, i, firstEvent, fanout)));
    const seconds = (performance.now() - started) / 1000;
    const after = await redisSnapshot(redis.url);
    const events = delivered.reduce((a, b) => a + b, 0);
    // Committed events (each delivered to two tabs).
    const committed = events / 2;
    const commands: Record<string, number> = {};
    let total = 0;
    for (const [name, calls] of Object.entries(after.calls)) {
      const delta = calls - (before.calls[name] ?? 0);
      if (delta > 0 && name !== 'info') {
        commands[name] = delta;
        total += delta;
      }
    }
    return {
      nodes: nodeCount,
      events,
      seconds: Number(seconds.toFixed(2)),
      eventsPerS: Math.round(events / seconds),
      firstEvent: percentiles(firstEvent),
      fanout: percentiles(fanout),
      redisCommandsPerEvent: Number((total / committed).toFixed(2)),
      redisBytesPerEvent: Math.round((after.bytes - before.bytes) / committed),
      redisCpuUsPerEvent: Number((((after.cpuS - before.cpuS) * 1e6) / committed).toFixed(1)),
      commands,
    };
  } finally {
    for (const node of nodes) node.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    for (const node of nodes) node.proc.kill('SIGKILL');
    redis.proc.kill('SIGKILL');
  }
}

/**
 * What one Redis shard (one core) sustains on the owner's write path alone: runs appending their events through the
 * append script (XADD + PUBLISH to a channel with one subscriber) in pipelined batches, as owners' outboxes do.
 * Answers events per second from one client and Redis CPU per event (the shard's ceiling is 1 / that).
 */
async function shardCapacity(): Promise<{ eventsPerS: number; redisCpuUsPerEvent: number; events: number }> {
  const redis = await startRedis();
  const writer = new RedisLink({ url: redis.url, keyPrefix: 'cap:', logger: silentLogger });
  const reader = new RedisLink({ url: redis.url, keyPrefix: 'cap:', logger: silentLogger });
  try {
    await Promise.all([writer.connect(), reader.connect()]);
    const log = new RunLog(writer, { retentionMs: 60_000, liveTtlMs: 600_000, maxEvents: 10_000 });
    const fanout = new UserFanout(writer, new Subscriptions(writer, silentLogger), 'w', () => undefined);
    let received = 0;
    const sub = new UserFanout(reader, new Subscriptions(reader, silentLogger), 'r', () => received++);
    const RUNS_AT_ONCE = 64;
    const EVENTS = 200;
    const BATCH = 8;
    await Promise.all(Array.from({ length: RUNS_AT_ONCE }, (_, i) => sub.follow(`u${i}`)));
    const text = JSON.stringify({ type: 'agent_thinking', thought: 'x'.repeat(300), seq: 0 });
    const before = await redisSnapshot(redis.url);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: RUNS_AT_ONCE }, async (_, i) => {
        for (let from = 1; from <= EVENTS; from += BATCH) {
          const items = Array.from({ length: BATCH }, (_, k) => ({
            event: { seq: from + k, text },
            terminal: from + k === EVENTS,
            publish: fanout.publishOf(`u${i}`, `run${i}`, from + k, text),
          }));
          await log.appendBatch(`u${i}`, `run${i}`, items);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await redisSnapshot(redis.url);
    const events = RUNS_AT_ONCE * EVENTS;
    for (let k = 0; k < 100 && received < events; k++) await new Promise((r) => setTimeout(r, 20));
    if (received < events) throw new Error(`subscriber got ${received} of ${events} events`);
    return {
      events,
      eventsPerS: Math.round(events / seconds),
      redisCpuUsPerEvent: Number((((after.cpuS - before.cpuS) * 1e6) / events).toFixed(1)),
    };
  } finally {
    await Promise.all([writer.close(), reader.close()]);
    redis.proc.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netra-bench-cluster-'));
  const keyFile = path.join(dir, 'signing.jwk');
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  writeFileSync(keyFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bench', alg: 'EdDSA' }), {
    mode: 0o600,
  });
  try {
    say(
      `bench:cluster  ${USERS} users x ${RUNS} runs, two tabs per user (the second on another node), node ${process.version}, ${os.cpus().length} cpus, loadavg ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const one = await layout(1, keyFile);
    const three = await layout(3, keyFile);
    const shard = await shardCapacity();
    say('');
    say(
      [
        'nodes',
        'events',
        's',
        'events/s',
        'first p50 ms',
        'first p99 ms',
        'fan-out p50 ms',
        'fan-out p99 ms',
        'redis cmds/event',
        'redis B/event',
        'redis CPU us/event',
      ].join('\t'),
    );
    for (const l of [one, three]) {
      say(
        [
          l.nodes,
          l.events,
          l.seconds,
          l.eventsPerS,
          l.firstEvent.p50,
          l.firstEvent.p99,
          l.fanout.p50,
          l.fanout.p99,
          l.redisCommandsPerEvent,
          l.redisBytesPerEvent,
          l.redisCpuUsPerEvent,
        ].join('\t'),
      );
    }
    say('');
    say(
      `one Redis shard, owner write path only (append script + PUBLISH, pipelined): ${shard.eventsPerS} events/s from one client, ${shard.redisCpuUsPerEvent} us Redis CPU per event (ceiling ~${Math.round(1e6 / Math.max(0.1, shard.redisCpuUsPerEvent))} events/s per core)`,
    );
    say(
      `redis commands (3 nodes): ${Object.entries(three.commands)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    if (JSON_OUTPUT) {
      const report = {
        bench: 'cluster',
        node: process.version,
        cpus: os.cpus().length,
        users: USERS,
        runs_per_user: RUNS,
        layouts: { one, three },
        shard,
        // Three nodes vs one on the same machine: > 1 means three nodes cost more (latency) or deliver more (events/s).
        ratios: {
          three_vs_one_events_per_s: Number((three.eventsPerS / one.eventsPerS).toFixed(3)),
          three_vs_one_first_event_p50: Number((three.firstEvent.p50 / Math.max(0.01, one.firstEvent.p50)).toFixed(3)),
          three_vs_one_first_event_p99: Number((three.firstEvent.p99 / Math.max(0.01, one.firstEvent.p99)).toFixed(3)),
          shard_ceiling_events_per_s_per_core: Math.round(1e6 / Math.max(0.1, shard.redisCpuUsPerEvent)),
          three_vs_one_redis_commands_per_event: Number(
            (three.redisCommandsPerEvent / Math.max(0.01, one.redisCommandsPerEvent)).toFixed(3),
          ),
        },
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
