import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertLoopbackUrl, loadMix, renderHtmlReport, runLoad, sourceAddressPool } from '../../../../src/verify/load';
import { sampleReport } from '../../../support/load-report';

const repo = path.resolve(__dirname, '../../../..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-load-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each(['ws://127.0.0.1:8000/ws', 'ws://127.3.4.5:1/ws', 'ws://localhost:8000/ws', 'ws://[::1]:8000/ws'])(
  'accepts loopback %s',
  (url) => {
    expect(assertLoopbackUrl(url, '--url').protocol).toBe('ws:');
  },
);

test.each(['ws://10.0.0.1:8000/ws', 'ws://example.com/ws', 'ws://128.0.0.1/ws', 'ws://[::2]/ws'])(
  'refuses %s with NOT_LOOPBACK',
  (url) => {
    expect(() => assertLoopbackUrl(url, '--url')).toThrow(
      expect.objectContaining({ code: 'NOT_LOOPBACK', exitCode: 2 }),
    );
  },
);

test('runLoad refuses a non-loopback target, auth service included, before any traffic', async () => {
  await expect(runLoad({ url: 'ws://192.0.2.1:8000/ws', users: 1, durationS: 1 })).rejects.toMatchObject({
    code: 'NOT_LOOPBACK',
  });
  await expect(
    runLoad({ url: 'ws://127.0.0.1:9/ws', authUrl: 'http://192.0.2.1:8001', users: 1, durationS: 1 }),
  ).rejects.toMatchObject({
    code: 'NOT_LOOPBACK',
  });
  await expect(runLoad({ url: 'http://127.0.0.1:9/ws', users: 1, durationS: 1 })).rejects.toMatchObject({
    code: 'LOAD_USAGE',
  });
});

test('users and duration are capped, before any traffic', async () => {
  // Port 9 (discard): nothing listens, and nothing is ever sent there: every call fails validation first.
  const url = 'ws://127.0.0.1:9/ws';
  await expect(runLoad({ url, users: 50_001, durationS: 1 })).rejects.toMatchObject({
    code: 'LOAD_USAGE',
    message: expect.stringContaining('--users'),
  });
  await expect(runLoad({ url, users: 1, durationS: 3_601 })).rejects.toMatchObject({
    code: 'LOAD_USAGE',
    message: expect.stringContaining('--duration'),
  });
  await expect(runLoad({ url, users: 1, durationS: 10, rampS: 11 })).rejects.toMatchObject({
    code: 'LOAD_USAGE',
    message: expect.stringContaining('--ramp'),
  });
  await expect(runLoad({ url, users: 1, durationS: 10, profile: 'nope' })).rejects.toMatchObject({
    code: 'PROFILE_UNKNOWN',
  });
  await expect(runLoad({ users: 1, durationS: 10 })).rejects.toMatchObject({
    code: 'LOAD_USAGE',
    message: expect.stringContaining('no target'),
  });
});

test('the CLI exits 2 with one line for a non-loopback --url', () => {
  const result = spawnSync(
    process.execPath,
    ['bin/netra-contracts.js', 'load', '--url', 'ws://192.0.2.1:8000/ws', '--users', '1', '--duration', '1'],
    {
      cwd: repo,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  expect(result.status).toBe(2);
  expect(result.stderr.trim()).toMatch(/^netra-contracts: NOT_LOOPBACK: --url host '192\.0\.2\.1' is not loopback/);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
}, 30_000);

test('source addresses spread over 127.0.0.2..254 for an IPv4 loopback target only', () => {
  const next = sourceAddressPool('127.0.0.1');
  const seen = Array.from({ length: 254 }, () => next());
  expect(seen[0]).toBe('127.0.0.2');
  expect(seen[252]).toBe('127.0.0.254');
  expect(seen[253]).toBe('127.0.0.2');
  expect(sourceAddressPool('::1')()).toBeUndefined();
  expect(sourceAddressPool('localhost')()).toBeUndefined();
});

test('the repository mixes load, and a mix whose start_agent the server would refuse is refused up front', () => {
  for (const name of ['default', 'ci']) {
    const mix = loadMix(name);
    expect(mix.requests.map((r) => r.name)).toEqual([
      'short_question',
      'cost_optimisation',
      'forecast',
      'cancel_after_events',
      'reconnect_resume',
    ]);
  }
  const file = path.join(dir, 'bad.yaml');
  writeFileSync(file, 'requests:\n  - name: q\n    weight: 1\n    user_request: hi\n    workload: { workload: [] }\n');
  expect(() => loadMix(file)).toThrow(
    expect.objectContaining({ code: 'MIX_INVALID', message: expect.stringContaining('would be refused') }),
  );
  writeFileSync(file, 'requests:\n  - name: q\n    weight: 0\n    user_request: hi\n');
  expect(() => loadMix(file)).toThrow(
    expect.objectContaining({ code: 'MIX_INVALID', message: expect.stringContaining('weight') }),
  );
  writeFileSync(file, 'think: 1\nrequests: []\n');
  expect(() => loadMix(file)).toThrow(expect.objectContaining({ code: 'MIX_INVALID' }));
});

test('the HTML report escapes what it shows', () => {
  const html = renderHtmlReport(
    sampleReport({
      violations: { 'order.x': 1 },
      violation_samples: [{ rule: 'order.x', conn: 'c1', message: '<script>alert(1)</script>' }],
    }),
  );
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
});
