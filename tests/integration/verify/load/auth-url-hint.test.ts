// `load --url` without `--auth-url` asks port 8001 of the --url host for tokens (serve's default). When the provider
// was started with another auth port, the error says which flag is missing: whether nothing answers on 8001, or an
// auth service of another provider does (its token is refused at the upgrade). Real stacks on free loopback ports.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startStack, type Stack } from '../../../../src/provider';
import { loadShorthandTarget, probeTarget, runLoad } from '../../../../src/verify/load';

const CLI = path.resolve(__dirname, '../../../../bin/netra-contracts.js');
let a: Stack;
let b: Stack;

beforeAll(async () => {
  a = await startStack();
  b = await startStack();
});
afterAll(async () => {
  await a.close();
  await b.close();
});

test('runLoad --url without --auth-url, auth on another port: TARGET_UNAVAILABLE naming --auth-url', async () => {
  expect(new URL(a.authUrl).port).not.toBe('8001');
  const failure = await runLoad({ url: a.wsUrl, users: 1, durationS: 1 }).then(
    () => undefined,
    (err: unknown) => err as { code?: string; exitCode?: number; message: string },
  );
  expect(failure).toMatchObject({ code: 'TARGET_UNAVAILABLE', exitCode: 2 });
  expect(failure?.message).toContain('--auth-url was not given');
  expect(failure?.message).toContain('serve --auth-port');
});

test("an auth service that answers but is another provider's: the refused upgrade names the missing flag", async () => {
  // Tokens from b's auth service, connections to a's provider: what happens when 8001 belongs to another stack.
  const { target } = loadShorthandTarget([a.wsUrl], b.authUrl);
  const hint = '--auth-url was not given (test)';
  await expect(probeTarget(target, 'hint-probe', { authHint: hint, timeoutMs: 5_000 })).rejects.toMatchObject({
    code: 'TARGET_UNAVAILABLE',
    // The reference provider takes the upgrade and answers error_message TOKEN_INVALID (unknown signing key).
    message: expect.stringMatching(/TOKEN_INVALID.*; --auth-url was not given \(test\)$/),
  });
  // With the right auth service the same probe passes, and without a hint the refusal is reported as it was.
  await expect(probeTarget(loadShorthandTarget([a.wsUrl], a.authUrl).target, 'hint-probe-ok')).resolves.toBe(undefined);
  await expect(probeTarget(target, 'hint-probe', { timeoutMs: 5_000 })).rejects.toMatchObject({
    message: expect.not.stringContaining('--auth-url'),
  });
});

test('the CLI exits 2 with one line that names --auth-url', () => {
  const r = spawnSync(process.execPath, [CLI, 'load', '--url', a.wsUrl, '--users', '1', '--duration', '1'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/TARGET_UNAVAILABLE: .*--auth-url/);
});
