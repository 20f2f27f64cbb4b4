// Issue 12, item 8, at the CLI: `serve` on a non-loopback interface mints dev tokens for loopback clients only;
// `--dev-tokens-any-interface` opens them to the network, with a loud warning on start.
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { spawnServe, type ServeProcess } from '../integration/provider/helpers';

const children: ServeProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
});

function externalAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 interface');
  return found.address;
}

function postToken(host: string, port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        localAddress: host,
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

async function serveOn(host: string, extra: string[]): Promise<ServeProcess> {
  const serve = await spawnServe(['--host', host, ...extra]);
  children.push(serve);
  return serve;
}

test('serve --host <external>: a client on that interface is refused dev tokens (403), no warning', async () => {
  const external = externalAddress();
  const serve = await serveOn(external, []);
  const remote = await postToken(external, serve.listening.auth_port);
  expect(remote).toMatchObject({ status: 403, body: { error_code: 'DEV_TOKENS_LOOPBACK_ONLY' } });
  expect(serve.stderr()).not.toMatch(/WARNING/);
});

test('serve --host <external> --dev-tokens-any-interface: served, with a loud warning on start', async () => {
  const external = externalAddress();
  const serve = await serveOn(external, ['--dev-tokens-any-interface']);
  const remote = await postToken(external, serve.listening.auth_port);
  expect(remote.status).toBe(200);
  expect(remote.body.access_token).toEqual(expect.any(String));
  // The human banner (stderr) and the JSON log (stdout) both say it.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(serve.stderr()).toMatch(/WARNING: DEV TOKENS ARE OPEN TO THE NETWORK/);
  expect(serve.lines.join('\n')).toMatch(/DEV TOKENS ARE OPEN TO THE NETWORK/);
  expect(serve.lines.join('\n')).not.toContain(String(remote.body.access_token));
});
