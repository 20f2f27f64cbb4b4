import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLoad, type LoadReport } from '../../../../src/verify/load';
import { killAllServe, spawnChaos, spawnServe, type ChaosProcess, type ServeProcess } from '../../../support';
import { quickMix } from './helpers';

// `load --url U1 --url U2`: two real processes, the provider (`serve`) and a fault proxy (`chaos`, 1 ms latency) in
// front of it. Both URLs reach the SAME provider: the reference provider keeps its state in memory, so two provider
// processes could not resume each other's runs until the provider runs over Redis (issue 14). What this proves is the
// load tool's side: users spread round-robin over the URLs, every reconnect after a drop goes to the other URL, and
// delivery stays exactly-once across the move.
let serve: ServeProcess;
let chaos: ChaosProcess;
let report: LoadReport;
let dir: string;
let opens: { conn: string; t: number }[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-multi-url-'));
  serve = await spawnServe({ thinkMs: 15, toolMs: 15, jitter: 0 });
  chaos = await spawnChaos({ upstreamPort: serve.wsPort, toxics: ['latency:ms=1'], durationS: 120 });
  const recordFile = path.join(dir, 'load.session.jsonl');
  ({ report } = await runLoad({
    url: [serve.wsUrl, chaos.url('ws', '/ws')],
    authUrl: serve.authUrl,
    users: 6,
    durationS: 5,
    rampS: 0,
    drainS: 20,
    profile: 'ci',
    dropEveryS: 0.6,
    mix: quickMix({ requests: quickMix().requests.filter((r) => r.cancelAfterEvents === undefined) }),
    recordFile,
  }));
  opens = readFileSync(recordFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((r) => r.kind === 'open');
}, 90_000);

afterAll(async () => {
  await chaos?.stop().catch(() => undefined);
  await serve?.stop();
  await killAllServe();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

test('users spread round-robin over the URLs: tab t of user u starts on URL (u + t) mod 2', () => {
  const [direct, proxied] = report.target.urls;
  expect(report.target.urls).toHaveLength(2);
  expect(report.connections.per_url[direct]).toBeGreaterThan(0);
  expect(report.connections.per_url[proxied]).toBeGreaterThan(0);
  expect(report.connections.per_url[direct] + report.connections.per_url[proxied]).toBe(report.connections.opened);
  const firsts = opens.filter((o) => /\.c1\.n\d$/.test(o.conn));
  expect(firsts.length).toBeGreaterThanOrEqual(6);
  for (const { conn } of firsts) {
    const [, user, tab, node] = /^u(\d+)\.t(\d+)\.c1\.n(\d)$/.exec(conn)!.map(Number);
    expect(node).toBe((user + tab) % 2);
  }
});

test('every reconnect after a drop goes to the other URL', () => {
  expect(report.connections.drops).toBeGreaterThanOrEqual(4);
  expect(report.connections.connect_failures).toBe(0);
  const byTab = new Map<string, number[]>();
  for (const { conn } of opens) {
    const [, tab, gen, node] = /^(u\d+\.t\d+)\.c(\d+)\.n(\d)$/.exec(conn)!;
    byTab.set(tab, [...(byTab.get(tab) ?? []), Number(gen) * 10 + Number(node)]);
  }
  let moves = 0;
  for (const opened of byTab.values()) {
    const nodes = opened.sort((a, b) => a - b).map((x) => x % 10);
    for (let i = 1; i < nodes.length; i++) {
      expect(nodes[i]).not.toBe(nodes[i - 1]);
      moves++;
    }
  }
  expect(moves).toBeGreaterThan(0);
  expect(report.connections.reconnects_to_other_url).toBe(moves);
});

test('runs resumed on the other URL complete with every event exactly once, and the rules hold', () => {
  expect(report.runs.started).toBeGreaterThan(0);
  expect(report.runs.failed).toBe(0);
  expect(report.events.expected).toBeGreaterThan(0);
  expect(report.events.delivered).toBe(report.events.expected);
  expect(report.events.duplicates).toBe(0);
  expect(report.violations).toEqual({});
});
