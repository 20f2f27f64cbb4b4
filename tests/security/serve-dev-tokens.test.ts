// Issue 12, item 8, at the CLI: `serve` on a non-loopback interface mints dev tokens for loopback clients only;
// `--dev-tokens-any-interface` opens them to the network, with a loud warning on start.
import { spawnServe, type ServeProcess } from '../support/serve';
import { externalAddress, postDevToken } from './auth-support';
import { waitUntil } from '../support/util';

const children: ServeProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
});

async function serveOn(host: string, extra: string[]): Promise<ServeProcess> {
  const serve = await spawnServe({ args: ['--host', host, ...extra], logLevel: null });
  children.push(serve);
  return serve;
}

test('serve --host <external>: a client on that interface is refused dev tokens (403), no warning', async () => {
  const external = externalAddress();
  const serve = await serveOn(external, []);
  const remote = await postDevToken(external, serve.listening.auth_port);
  expect(remote).toMatchObject({ status: 403, body: { error_code: 'DEV_TOKENS_LOOPBACK_ONLY' } });
  expect(serve.stderr()).not.toMatch(/WARNING/);
});

test('serve --host <external> --dev-tokens-any-interface: served, with a loud warning on start', async () => {
  const external = externalAddress();
  const serve = await serveOn(external, ['--dev-tokens-any-interface']);
  const remote = await postDevToken(external, serve.listening.auth_port);
  expect(remote.status).toBe(200);
  expect(remote.body.access_token).toEqual(expect.any(String));
  // The human banner (stderr) and the JSON log (stdout) both say it: two pipes, read in whichever order they come.
  const banner = () => /WARNING: DEV TOKENS ARE OPEN TO THE NETWORK/.test(serve.stderr());
  const logged = () => /DEV TOKENS ARE OPEN TO THE NETWORK/.test(serve.lines.join('\n'));
  await waitUntil(() => banner() && logged(), 'the warning on stderr and in the log', 10_000).catch(() => undefined);
  expect(serve.stderr()).toMatch(/WARNING: DEV TOKENS ARE OPEN TO THE NETWORK/);
  expect(serve.lines.join('\n')).toMatch(/DEV TOKENS ARE OPEN TO THE NETWORK/);
  expect(serve.lines.join('\n')).not.toContain(String(remote.body.access_token));
});
