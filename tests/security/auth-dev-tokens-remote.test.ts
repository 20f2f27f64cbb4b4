// Attack: `serve --host 0.0.0.0` let anyone who could reach the auth service POST /auth/token {"sub":"alice"} and read
// alice's runs. Dev tokens are now served to loopback clients only, unless explicitly enabled for other interfaces,
// which logs a loud warning.
import { startAuthService, type AuthService } from '../../src/auth';
import type { LogFields } from '../../src/util/logger';
import { externalAddress, postDevToken } from './auth-support';

function collecting(): {
  lines: { level: string; msg: string; fields?: LogFields }[];
  logger: import('../../src/util/logger').Logger;
} {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const keep = (level: string) => (msg: string, fields?: LogFields) => lines.push({ level, msg, fields });
  return { lines, logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') } };
}

let auth: AuthService | undefined;
afterEach(async () => {
  await auth?.close();
  auth = undefined;
});

test('bound to every interface: a client on another address gets 403 DEV_TOKENS_LOOPBACK_ONLY, loopback gets a token', async () => {
  const external = externalAddress();
  auth = await startAuthService({ host: '0.0.0.0' });
  const remote = await postDevToken(external, auth.port, external);
  expect(remote.status).toBe(403);
  expect(remote.body).toMatchObject({ error_code: 'DEV_TOKENS_LOOPBACK_ONLY' });
  expect(remote.body.access_token).toBeUndefined();
  const local = await postDevToken('127.0.0.1', auth.port, '127.0.0.1');
  expect(local.status).toBe(200);
  expect(local.body.access_token).toEqual(expect.any(String));
});

test('explicitly enabled for other interfaces: served, with a loud warning at start', async () => {
  const external = externalAddress();
  const { lines, logger } = collecting();
  auth = await startAuthService({ host: external, devTokensFromAnyAddress: true, logger });
  const remote = await postDevToken(external, auth.port, external);
  expect(remote.status).toBe(200);
  const warning = lines.find((line) => line.level === 'warn' && /DEV TOKENS/.test(line.msg));
  expect(warning?.msg).toMatch(/anyone who can reach .* can get a token for any user/);
});

test('on loopback only, nothing changes and nothing is warned', async () => {
  const { lines, logger } = collecting();
  auth = await startAuthService({ logger });
  expect((await postDevToken('127.0.0.1', auth.port, '127.0.0.1')).status).toBe(200);
  expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
});
