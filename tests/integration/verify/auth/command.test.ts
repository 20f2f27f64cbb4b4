import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { createAccessVerifier, startAuthService, type AccessVerifier, type AuthService } from '../../../../src/auth';
import { createCommandSource, TOKEN_KINDS, type CommandAuthConfig } from '../../../../src/verify/auth';
import { verdict } from '../../../support/auth';
import { waitUntil } from '../../../support/util';

const SCRIPT = path.join(__dirname, 'token-command.js');

describe('command strategy: a real credential command backed by a real auth service', () => {
  let auth: AuthService;
  let verify: AccessVerifier;
  const command = (mode: string, extra: Partial<CommandAuthConfig> = {}) =>
    createCommandSource(
      { kind: 'command', argv: [process.execPath, SCRIPT, mode, '{user}'], env: { AUTH_URL: auth.url }, ...extra },
      { cwd: __dirname },
    );

  beforeAll(async () => {
    auth = await startAuthService();
    verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
  });
  afterAll(() => auth.close());

  test.each(['json', 'plain', 'exec'])('reads the token printed as %s, with its expiry when given', async (mode) => {
    const issued = await command(mode).token({ user: 'ana' });
    expect(await verify(issued.token)).toMatchObject({ sub: 'ana' });
    if (mode !== 'plain') expect(Math.abs(issued.expiresAt! - (Date.now() + 900_000))).toBeLessThan(5_000);
    else expect(issued.expiresAt).toBeUndefined();
  });

  test('without {kind}: valid, malformed and JWT copies (tampered, alg none), each judged by the verifier', async () => {
    const source = command('json');
    const verdicts: Record<string, string> = {};
    for (const kind of TOKEN_KINDS) {
      const support = source.supports(kind);
      if (support !== true) {
        expect(support.reason).toMatch(/add \{kind\} to its argv/);
        continue;
      }
      verdicts[kind] = await verdict(verify, (await source.token({ user: 'ben', kind })).token);
    }
    expect(verdicts).toEqual({
      valid: 'ok',
      bad_signature: 'TOKEN_INVALID',
      alg_none: 'TOKEN_INVALID',
      malformed: 'TOKEN_INVALID',
    });
    expect((await source.refresh!('ben', { token: 'x' })).token).toEqual(expect.any(String));
  });

  test('with {kind}: the command makes the kinds it can, and exit 3 is a typed "cannot"', async () => {
    const source = createCommandSource(
      { kind: 'command', argv: [process.execPath, SCRIPT, 'kind', '{user}', '{kind}'], env: { AUTH_URL: auth.url } },
      { cwd: __dirname },
    );
    expect(TOKEN_KINDS.every((kind) => source.supports(kind) === true)).toBe(true);
    expect(await verdict(verify, (await source.token({ user: 'cy', kind: 'valid' })).token)).toBe('ok');
    expect(await verdict(verify, (await source.token({ user: 'cy', kind: 'missing_permission' })).token)).toBe(
      'PERMISSION_DENIED',
    );
    expect(await verdict(verify, (await source.token({ user: 'cy', kind: 'wrong_type' })).token)).toBe(
      'TOKEN_WRONG_TYPE',
    );
    await expect(source.token({ user: 'cy', kind: 'expired' })).rejects.toMatchObject({
      code: 'TOKEN_KIND_UNSUPPORTED',
      message: `expired: command ${process.execPath} cannot make this kind (exit 3)`,
    });
  });

  test('failures are typed; stderr stays hidden unless asked for, and then redacted', async () => {
    process.env.NETRA_TEST_CMD_SECRET = 'cmd-secret-d4e5f6a7b8';
    try {
      const hidden = await command('leak-fail')
        .token({ user: 'dot' })
        .then(
          () => new Error('resolved'),
          (err: Error) => err,
        );
      expect(hidden).toMatchObject({ code: 'COMMAND_FAILED' });
      expect(hidden.message).toMatch(/exited with code 1 \(stderr, \d+ bytes, is not shown: it may hold secrets/);
      const shown = await command('leak-fail', { echo_stderr: true })
        .token({ user: 'dot' })
        .then(
          () => new Error('resolved'),
          (err: Error) => err,
        );
      // Opted in: the tail of stderr, with tokens and secret-named environment values scrubbed.
      expect(shown.message).toMatch(/exited with code 1: login failed with secret=<redacted> token=<redacted>$/);
      const garbage = await command('leak-garbage')
        .token({ user: 'dot' })
        .then(
          () => new Error('resolved'),
          (err: Error) => err,
        );
      expect(garbage).toMatchObject({ code: 'COMMAND_OUTPUT_INVALID' });
      expect(garbage.message).not.toContain('cmd-secret');
    } finally {
      delete process.env.NETRA_TEST_CMD_SECRET;
    }
  });

  test('a hung command and its children are killed at the timeout; floods and missing executables are typed', async () => {
    const started = Date.now();
    await expect(command('slow', { timeout_ms: 500 }).token({ user: 'eve' })).rejects.toMatchObject({
      code: 'COMMAND_TIMEOUT',
      message: `command ${process.execPath} did not finish within 500 ms (killed)`,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    const sleepers = () =>
      execFileSync('ps', ['-eo', 'args'])
        .toString()
        .split('\n')
        .filter((line) => line.trim() === 'sleep 30');
    // Killed children leave the process table when the kernel has reaped them: waited for, not a fixed 200 ms.
    await waitUntil(() => sleepers().length === 0, 'the killed children to go', 10_000, 100).catch(() => undefined);
    expect(sleepers()).toEqual([]);
    await expect(command('flood').token({ user: 'eve' })).rejects.toMatchObject({ code: 'COMMAND_OUTPUT_INVALID' });
    await expect(
      createCommandSource({ kind: 'command', argv: ['/nonexistent/get-token'] }, { cwd: __dirname }).token({
        user: 'eve',
      }),
    ).rejects.toMatchObject({ code: 'COMMAND_FAILED', message: 'cannot run command /nonexistent/get-token (ENOENT)' });
  });
});
