import type { ChildProcess } from 'node:child_process';
import { fetchDevToken } from '../../../src/verify/auth';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  startTestStack,
  TestClient,
} from '../../support/provider-harness';
import { spawnServe } from '../../support/serve';
import { waitUntil } from '../../support/util';

afterEach(afterEachCheck);

/** Resolves with the close code, or with the error, of a connection attempt. */
async function tryConnect(url: string, token: string): Promise<string> {
  const client = new TestClient(url, { token });
  try {
    await client.opened;
    return `open (first frame ${(await client.waitFor(() => true)).type})`;
  } catch (err) {
    return `refused: ${(err as Error).message}`;
  }
}

test('drain: no new connections, SERVER_DRAINING for start_agent, running runs finish, then close 1001', async () => {
  const stack = await startTestStack({ thinkMs: 50, toolMs: 50 });
  try {
    const client = await connectAs(stack, 'alice');
    const run = await client.start('drain-1');
    await client.waitFor((m) => m.type === 'tool_executing');
    const drained = stack.provider.drain(10_000);
    const from = client.mark();
    client.send({ type: 'start_agent', request_id: 'too-late', user_request: 'Optimise my AI costs.' });
    expect(await client.nextError(from)).toMatchObject({ error_code: 'SERVER_DRAINING', request_id: 'too-late' });
    expect(await tryConnect(stack.wsUrl, (await stack.auth.issueTokens('bob')).access_token)).toMatch(/^refused/);
    const terminal = await client.waitForTerminal(String(run.run_id));
    expect(terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
    expectCompleteRun(client.runEvents(String(run.run_id)));
    expect((await client.closed).code).toBe(1001);
    await drained;
    expect(stack.provider.stats()).toMatchObject({ connections: 0, sockets: 0, activeRuns: 0, draining: true });
  } finally {
    await stack.close();
  }
});

test('drain: runs still going after the grace period end with agent_error PROVIDER_RESTARTED before close 1001', async () => {
  const stack = await startTestStack({ thinkMs: 300, toolMs: 300 });
  try {
    const client = await connectAs(stack, 'alice');
    const run = await client.start('drain-2');
    await stack.provider.drain(100);
    const terminal = await client.waitForTerminal(String(run.run_id));
    expect(terminal).toMatchObject({ type: 'agent_error', code: 'PROVIDER_RESTARTED', retryable: true });
    expectCompleteRun(client.runEvents(String(run.run_id)));
    expect((await client.closed).code).toBe(1001);
  } finally {
    await stack.close();
  }
});

describe('netra-contracts serve', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  });

  test('SIGTERM drains: the running run finishes, sockets close 1001, the process exits 0; logs are JSON lines', async () => {
    const serve = await spawnServe({
      args: ['--think-ms', '60', '--tool-ms', '60', '--grace-s', '10'],
      logLevel: null,
    });
    child = serve.proc;
    const { proc, lines, exited } = serve;
    const first = serve.listening as unknown as Record<string, unknown>;
    expect(first).toMatchObject({ level: 'info', msg: 'listening' });
    const { access_token } = await fetchDevToken(String(first.auth_url), 'alice');
    const client = await TestClient.connect(String(first.ws_url), { token: access_token });
    expect(client.frames[0].type).toBe('connection_established');
    const run = await client.start('sigterm-1');
    await client.waitFor((m) => m.type === 'tool_executing');
    proc.kill('SIGTERM');
    // The child logs "draining" in the same tick as it stops listening: wait for that line, not for a fixed 100 ms
    // (a loaded machine may not have run the signal handler yet).
    await waitUntil(() => lines.some((l) => l.includes('"draining"')), 'the "draining" log line');
    expect(await tryConnect(String(first.ws_url), access_token)).toMatch(/^refused/);
    const terminal = await client.waitForTerminal(String(run.run_id));
    expect(terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect((await client.closed).code).toBe(1001);
    expect(await exited).toBe(0);
    expect(serve.stderr()).toContain(`WebSocket ${String(first.ws_url)}`);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(typeof entry.ts).toBe('string');
      expect(typeof entry.level).toBe('string');
      expect(typeof entry.msg).toBe('string');
    }
    expect(lines.some((l) => l.includes('"draining"'))).toBe(true);
    expect(lines.join('\n')).not.toContain(access_token);
  }, 60_000);
});
