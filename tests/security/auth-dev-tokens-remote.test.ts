// Attack: `serve --host 0.0.0.0` let anyone who could reach the auth service POST /auth/token {"sub":"alice"} and read
// alice's runs. Dev tokens are now served to loopback clients only, unless explicitly enabled for other interfaces,
// which logs a loud warning.
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { startAuthService, type AuthService } from '../../src/auth';
import type { LogFields } from '../../src/util/logger';

// This machine's first non-loopback IPv4 address: a request from it is not from loopback.
function externalAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 interface');
  return found.address;
}

function postToken(
  host: string,
  port: number,
  from: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        localAddress: from,
        method: 'POST',
        path: '/auth/token',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ sub: 'alice' }));
  });
}

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
  const remote = await postToken(external, auth.port, external);
  expect(remote.status).toBe(403);
  expect(remote.body).toMatchObject({ error_code: 'DEV_TOKENS_LOOPBACK_ONLY' });
  expect(remote.body.access_token).toBeUndefined();
  const local = await postToken('127.0.0.1', auth.port, '127.0.0.1');
  expect(local.status).toBe(200);
  expect(local.body.access_token).toEqual(expect.any(String));
});

test('explicitly enabled for other interfaces: served, with a loud warning at start', async () => {
  const external = externalAddress();
  const { lines, logger } = collecting();
  auth = await startAuthService({ host: external, devTokensFromAnyAddress: true, logger });
  const remote = await postToken(external, auth.port, external);
  expect(remote.status).toBe(200);
  const warning = lines.find((line) => line.level === 'warn' && /DEV TOKENS/.test(line.msg));
  expect(warning?.msg).toMatch(/anyone who can reach .* can get a token for any user/);
});

test('on loopback only, nothing changes and nothing is warned', async () => {
  const { lines, logger } = collecting();
  auth = await startAuthService({ logger });
  expect((await postToken('127.0.0.1', auth.port, '127.0.0.1')).status).toBe(200);
  expect(lines.filter((line) => line.level === 'warn')).toEqual([]);
});
