import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LatencyRecorder, type LoadReport } from '../../../../src/verify/load';
import { killAllServe, runCli, spawnServe, type CliResult, type ServeProcess } from '../../../support';

// `load --workers N`, `load --shard i/n` and `load merge`, through the CLI, against the provider in its own process
// (`serve`). The shards of one run are two more processes, as on two machines.
let serve: ServeProcess;
let dir: string;

const cli = (args: string[]): Promise<CliResult> => runCli(args);

const read = (file: string): LoadReport => JSON.parse(readFileSync(file, 'utf8')) as LoadReport;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-scale-out-'));
  // A short mix file: workers and shards read the mix themselves.
  writeFileSync(
    path.join(dir, 'quick.yaml'),
    [
      'think_ms: { min: 20, max: 80 }',
      'requests:',
      '  - name: q',
      '    weight: 1',
      '    user_request: What is our biggest AI cost driver?',
    ].join('\n'),
  );
  serve = await spawnServe({ thinkMs: 10, toolMs: 10, jitter: 0 });
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await killAllServe();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const runArgs = (): string[] => [
  'load',
  '--url',
  serve.wsUrl,
  '--auth-url',
  serve.authUrl,
  '--users',
  '6',
  '--duration',
  '3',
  '--ramp',
  '0',
  '--drain',
  '20',
  '--profile',
  'ci',
  '--mix',
  path.join(dir, 'quick.yaml'),
  '--no-progress',
];

test('--workers 2 runs the users in two processes and reports them as one run', async () => {
  const file = path.join(dir, 'workers.json');
  const result = await cli([...runArgs(), '--workers', '2', '--report', file]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const report = read(file);
  expect(report.users).toBe(6);
  expect(report.environment.processes).toBe(2);
  expect(report.shard).toEqual({ count: 2, indexes: [1, 2], users_total: 6 });
  expect(report.auth.tokens).toBe(6);
  expect(report.runs.started).toBeGreaterThan(6);
  expect(report.runs.completed).toBe(report.runs.started);
  expect(report.first_event_ms.count).toBe(report.runs.started);
  expect(report.events.delivered).toBe(report.events.expected);
  expect(report.violations).toEqual({});
  expect(report.thresholds.every((t) => t.ok)).toBe(true);
  expect(result.stdout).toContain('shards 1,2 of 2, 2 processes');
}, 90_000);

test('--shard 1/2 and 2/2 (two machines) merge into one run: counts add up, histograms merge exactly', async () => {
  const [a, b, merged] = ['a.json', 'b.json', 'merged.json'].map((f) => path.join(dir, f));
  const shards = await Promise.all([
    cli([...runArgs(), '--shard', '1/2', '--report', a]),
    cli([...runArgs(), '--shard', '2/2', '--report', b]),
  ]);
  expect(shards.map((s) => s.status)).toEqual([0, 0]);
  const [ra, rb] = [read(a), read(b)];
  expect([ra.users, rb.users]).toEqual([3, 3]);
  const result = await cli(['load', 'merge', a, b, '--report', merged]);
  expect(result.status).toBe(0);
  const rm = read(merged);
  expect(rm.users).toBe(6);
  for (const key of ['started', 'completed', 'failed', 'cancelled', 'unfinished'] as const)
    expect(rm.runs[key]).toBe(ra.runs[key] + rb.runs[key]);
  for (const key of ['expected', 'delivered', 'duplicates', 'redelivered', 'missing', 'received'] as const)
    expect(rm.events[key]).toBe(ra.events[key] + rb.events[key]);
  expect(rm.connections.opened).toBe(ra.connections.opened + rb.connections.opened);
  expect(rm.frames.received).toBe(ra.frames.received + rb.frames.received);
  // The merged histogram is the shards' histograms added: the same as one histogram of every sample.
  const both = new LatencyRecorder();
  for (const r of [ra, rb])
    both.add(LatencyRecorder.fromSnapshot(r.latency_hdr.first_event_ms, r.histograms.first_event_ms)!);
  expect(rm.first_event_ms).toEqual(both.summary());
  expect(rm.first_event_ms.count).toBe(ra.first_event_ms.count + rb.first_event_ms.count);
  expect(rm.first_event_ms.max).toBe(Math.max(ra.first_event_ms.max!, rb.first_event_ms.max!));
  expect(rm.thresholds.map((t) => t.threshold)).toEqual(ra.thresholds.map((t) => t.threshold));
  expect(rm.violations).toEqual({});

  const twice = await cli(['load', 'merge', a, a]);
  expect(twice.status).toBe(2);
  expect(twice.stderr.trim()).toMatch(/^netra-contracts: MERGE_INVALID: shard 1\/2 is in both/);
  const partial = await cli(['load', 'merge', a]);
  expect(partial.status).toBe(2);
  expect(partial.stderr).toContain('2/2 are missing');
  const broken = await cli(['load', 'merge', a, b, '--threshold', 'runs.started < 1']);
  expect(broken.status).toBe(1);
  expect(broken.stderr).toMatch(/THRESHOLDS_BROKEN: runs\.started < 1/);
}, 120_000);

test('load --url without --auth-url, when the auth service is elsewhere, says which flag is missing', async () => {
  // serve's auth service is on a free port, not 8001; the provider listens on 127.0.0.1. 127.0.0.3 reaches it
  // through lo only if it were bound there; so use its real host and port, and rely on nothing listening at
  // 127.0.0.1:8001 ... unless something does: then the token comes from another issuer and the provider refuses it.
  const result = await cli(['load', '--url', serve.wsUrl, '--users', '1', '--duration', '1', '--no-progress']);
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^netra-contracts: TARGET_UNAVAILABLE: /);
  if (/AUTH_UNAVAILABLE/.test(result.stderr)) {
    expect(result.stderr).toContain('--auth-url was not given');
    expect(result.stderr).toContain('http://127.0.0.1:8001');
  }
}, 60_000);
