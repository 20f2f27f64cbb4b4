// A targets-file entry with `urls:` (three nodes of one cluster) and a scenario whose connections choose a node by
// index: `record` connects each connection to its node and the recorded session holds every rule.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killAllServe } from '../support';
import { startTestCluster, type TestCluster } from '../support/cluster';

const BIN = path.resolve(__dirname, '../../bin/netra-contracts.js');
let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'netra-cluster-targets-'));
  cluster = await startTestCluster({
    nodes: 3,
    serve: { thinkMs: 40, toolMs: 40, jitter: 0.2 },
    args: ['--log-level', 'debug'],
  });
}, 60_000);

afterAll(async () => {
  await cluster?.close();
  await killAllServe();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

it('record runs cluster-hop over a three-URL target: each connection on its node, every rule holds', async () => {
  const targets = path.join(dir, 'targets.yaml');
  const urls = cluster.nodes.map((n) => `      - ${n.wsUrl}`).join('\n');
  writeFileSync(
    targets,
    `targets:\n  cluster:\n    urls:\n${urls}\n    auth:\n      kind: dev\n      url: ${cluster.nodes[0].authUrl}\n`,
  );
  const out = path.join(dir, 'cluster-hop.session.jsonl');
  const result = await run([
    'record',
    '--scenario',
    'cluster-hop',
    '--targets',
    targets,
    '--target',
    'cluster',
    '--out',
    out,
  ]);
  // The whole output on failure: which step or rule failed.
  expect({ code: result.code, holds: /every rule holds/.test(result.out), out: result.out }).toMatchObject({
    code: 0,
    holds: true,
  });
  expect(readFileSync(out, 'utf8')).toContain('"scenario":"cluster-hop"');
  // The scenario puts nadia-1 on node 0, nadia-2 and nadia-4 on node 1, nadia-3 on node 2.
  const opened = cluster.nodes.map(
    (node) => node.lines.filter((l) => l.includes('"connection open"') && l.includes('nadia')).length,
  );
  expect(opened).toEqual([1, 2, 1]);
}, 60_000);
