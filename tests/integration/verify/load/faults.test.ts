import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLoad, type LoadReport } from '../../../../src/verify/load';
import { startStack, type Stack } from '../../../../src/provider';
import { loadEmbedded, quickMix } from './helpers';

const repo = path.resolve(__dirname, '../../../..');

describe('a provider whose agents produce invalid events', () => {
  // TEST-ONLY fault injection: every agent_thinking is built with empty reasoning, which the provider refuses to
  // send; each run then ends with agent_error CONTRACT_VIOLATION. The load tool must count those runs as failed.
  let stack: Stack;
  let report: LoadReport;
  let broken: string[];

  beforeAll(async () => {
    stack = await startStack({
      provider: {
        thinkMs: 5,
        toolMs: 5,
        jitter: 0,
        faultInjection: {
          corruptEvent: (event) => (event.type === 'agent_thinking' ? { ...event, reasoning: '' } : event),
        },
      },
    });
    const result = await runLoad({
      url: stack.wsUrl,
      authUrl: stack.authUrl,
      users: 2,
      durationS: 2,
      rampS: 0,
      profile: 'ci',
      mix: quickMix(),
    });
    report = result.report;
    broken = result.broken.map((t) => t.threshold);
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  test('runs fail with the agent_error code, and the failure-ratio threshold breaks', () => {
    expect(report.target.embedded).toBe(false);
    expect(report.runs.started).toBeGreaterThan(0);
    expect(report.runs.failed).toBe(report.runs.started);
    expect(report.runs.completed).toBe(0);
    expect(report.errors.CONTRACT_VIOLATION).toBe(report.runs.failed);
    expect(broken).toContain('run_failure_ratio <= 0.01');
    // The events that were sent still arrived exactly once.
    expect(report.events.delivered).toBe(report.events.expected);
  });
});

test('a loopback target where nothing listens fails fast with TARGET_UNAVAILABLE', async () => {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    });
  });
  const started = Date.now();
  await expect(
    runLoad({ url: `ws://127.0.0.1:${port}/ws`, authUrl: `http://127.0.0.1:${port}`, users: 5, durationS: 60 }),
  ).rejects.toMatchObject({
    code: 'TARGET_UNAVAILABLE',
    exitCode: 2,
  });
  expect(Date.now() - started).toBeLessThan(15_000);
}, 30_000);

test('the CLI prints the k6-style summary, writes both reports, and exits 1 on a broken threshold', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netra-load-cli-'));
  try {
    const json = path.join(dir, 'r.json');
    const html = path.join(dir, 'r.html');
    const result = spawnSync(
      process.execPath,
      [
        'bin/netra-contracts.js',
        'load',
        '--users',
        '2',
        '--duration',
        '2',
        '--profile',
        'ci',
        '--mix',
        'ci',
        '--think-ms',
        '5',
        '--tool-ms',
        '5',
        '--report',
        json,
        '--report',
        html,
        '--threshold',
        'first_event_ms.p99 < 0.001',
        '--no-progress',
      ],
      { cwd: repo, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/first_event_ms\.+ p50=/);
    expect(result.stdout).toContain('\u2717 first_event_ms.p99 < 0.001');
    expect(result.stderr).toMatch(/^netra-contracts: THRESHOLDS_BROKEN: first_event_ms\.p99 < 0\.001/m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    expect(report.users).toBe(2);
    expect(report.thresholds.find((t) => t.threshold === 'first_event_ms.p99 < 0.001')?.ok).toBe(false);
    expect(readFileSync(html, 'utf8')).toContain('<svg');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('runs whose terminal event never comes fail with CLIENT_TIMEOUT, one after the other on each tab', async () => {
  // The agent thinks far longer than the load's run timeout: every run the tabs start is given up by the client.
  const { report } = await loadEmbedded(
    { users: 2, durationS: 3, rampS: 0, drainS: 5, runTimeoutS: 1, profile: 'ci', mix: quickMix() },
    { thinkMs: 60_000, toolMs: 5, jitter: 0 },
  );
  // Each tab loops: start, time out after 1 s, think, start again; the last run in flight times out in the drain.
  expect(report.runs.started).toBeGreaterThanOrEqual(4);
  expect(report.runs.failed).toBe(report.runs.started);
  expect(report.runs.completed).toBe(0);
  expect(report.errors.CLIENT_TIMEOUT).toBe(report.runs.started);
}, 60_000);
