// For tests/integration/verify/load/targets.test.ts once src/verify/targets (auth helper) is on main and
// .helpers/load-targets-flags.patch is applied to src/cli/commands/load.ts. Checks the targets-file path of `load`:
// a loopback dev target runs; its limits are hard caps; a non-loopback host without remote: true is refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LoadReport } from '../../../../src/verify/load';
import { killAllServe, runCli, spawnServe, type CliResult, type ServeProcess } from '../../../support';

let serve: ServeProcess;
let dir: string;
let targets: string;

const cli = (args: string[]): Promise<CliResult> => runCli(args);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-load-targets-'));
  serve = await spawnServe({ thinkMs: 10, toolMs: 10, jitter: 0 });
  targets = path.join(dir, 'targets.yaml');
  writeFileSync(
    targets,
    [
      'targets:',
      '  local:',
      `    url: ${serve.wsUrl}`,
      `    auth: { kind: dev, url: ${serve.authUrl} }`,
      '    limits: { max_users: 3, max_duration_s: 10 }',
      '  elsewhere:',
      '    url: ws://192.0.2.10:8000/ws',
      `    auth: { kind: dev, url: ${serve.authUrl} }`,
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await serve?.stop();
  await killAllServe();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

test('load --targets FILE --target NAME runs against that target with its token source', async () => {
  const report = path.join(dir, 'r.json');
  const args = ['--users', '3', '--duration', '2', '--mix', 'ci', '--no-progress', '--report', report];
  const result = await cli(['load', '--targets', targets, '--target', 'local', ...args]);
  expect(result.status).toBe(0);
  const r = JSON.parse(readFileSync(report, 'utf8')) as LoadReport;
  expect(r.target).toMatchObject({ name: 'local', url: serve.wsUrl, auth: 'dev' });
  expect(r.events.delivered).toBe(r.events.expected);
});

test("the target's limits are hard caps, and a remote host needs remote: true", async () => {
  const over = await cli(['load', '--targets', targets, '--target', 'local', '--users', '4', '--duration', '2']);
  expect(over.status).toBe(2);
  expect(over.stderr).toMatch(/^netra-contracts: TARGET_LIMIT: target local allows at most 3 users/);
  const remote = await cli(['load', '--targets', targets, '--target', 'elsewhere', '--users', '1', '--duration', '1']);
  expect(remote.status).toBe(2);
  expect(remote.stderr).toMatch(/NOT_LOOPBACK/);
});
