// Cold start of the CLI as CI runs it: `netra-contracts --help`, and `registry diff` of two small documents, each a
// new `node bin/netra-contracts.js` process, median wall time of N runs. Run both ways in one run: from the compiled
// dist/ (what `npm ci` builds; built first if stale) and from the TypeScript sources through tsx
// (NETRA_FROM_SOURCE=1, what the bin falls back to after an edit).
// Run: npm run bench:cli [-- --json] [-- --runs 10]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadavg } from 'node:os';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'netra-contracts.js');
const args = process.argv.slice(3);
const JSON_OUT = args.includes('--json');
const runsAt = args.indexOf('--runs');
const RUNS = runsAt === -1 ? 10 : Math.max(1, Math.min(50, Number(args[runsAt + 1]) || 10));

function doc(version: string, extra: string): string {
  return `asyncapi: 3.0.0
info: { title: Small, version: ${version} }
channels:
  socket:
    address: /ws
    messages:
      ping: { $ref: '#/components/messages/ping' }
      hello: { $ref: '#/components/messages/hello' }
operations:
  receivePing: { action: receive, channel: { $ref: '#/channels/socket' }, messages: [{ $ref: '#/channels/socket/messages/ping' }] }
  sendHello: { action: send, channel: { $ref: '#/channels/socket' }, messages: [{ $ref: '#/channels/socket/messages/hello' }] }
components:
  messages:
    ping:
      payload: { type: object, additionalProperties: false, required: [type], properties: { type: { const: ping }${extra} } }
    hello:
      payload: { type: object, required: [type], properties: { type: { const: hello } } }
`;
}

/** Median wall ms of RUNS cold starts; throws when the command does not exit as expected. */
function median(argv: string[], env: NodeJS.ProcessEnv, expected: number): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, ...argv], { env, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== expected) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr.slice(0, 300)}`);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]);
}

function main(): void {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'build-dist.js')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cli-'));
  try {
    const v1 = path.join(dir, 'v1.yaml');
    const v2 = path.join(dir, 'v2.yaml');
    writeFileSync(v1, doc('1.0.0', ''));
    writeFileSync(v2, doc('1.1.0', ', note: { type: string }'));
    const compiled = { ...process.env, NETRA_FROM_SOURCE: '0' };
    const source = { ...process.env, NETRA_FROM_SOURCE: '1' };
    const diff = ['registry', 'diff', v1, v2];
    const ms = {
      help_ms: median(['--help'], compiled, 0),
      help_from_source_ms: median(['--help'], source, 0),
      registry_diff_ms: median(diff, compiled, 0),
      registry_diff_from_source_ms: median(diff, source, 0),
      node_empty_ms: 0,
    };
    const empty: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0']);
      empty.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    ms.node_empty_ms = Math.round(empty.sort((a, b) => a - b)[Math.floor(RUNS / 2)]);
    const result = {
      bench: 'cli',
      runs: RUNS,
      ms,
      ratios: {
        help_vs_target_0_3s: Math.round((ms.help_ms / 300) * 100) / 100,
        registry_diff_vs_target_0_8s: Math.round((ms.registry_diff_ms / 800) * 100) / 100,
        help_compiled_vs_source: Math.round((ms.help_ms / ms.help_from_source_ms) * 100) / 100,
      },
      loadavg: loadavg(),
    };
    if (JSON_OUT) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `cold CLI (median of ${RUNS}): --help ${ms.help_ms} ms (from source ${ms.help_from_source_ms} ms), ` +
          `registry diff ${ms.registry_diff_ms} ms (from source ${ms.registry_diff_from_source_ms} ms), ` +
          `node -e 0 ${ms.node_empty_ms} ms\n`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
