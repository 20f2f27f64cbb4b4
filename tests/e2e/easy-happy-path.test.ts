// Easy tier: one user, the happy path, through the real CLI-level stack (`netra-contracts serve` in a child
// process), with a real development token from its auth service. Every frame goes through the rules engine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NetraClient, RUN_EVENT_TYPES } from '../../generated/client';
import { fetchDevToken } from '../../src/verify/auth';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  MULTI_TOOL_REQUEST,
  recordingWebSocket,
  spawnServe,
  type ServeProcess,
} from '../support';

const FIVE_EVENT_TYPES = ['agent_completed', 'agent_started', 'agent_thinking', 'tool_completed', 'tool_executing'];
const BIN = path.resolve(__dirname, '../../bin/netra-contracts.js');

describe('[easy] one user, the happy path, through `netra-contracts serve`', () => {
  let serve: ServeProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'netra-easy-'));
    serve = await spawnServe({ thinkMs: 20, toolMs: 20, jitter: 0.2 });
  }, 45_000);

  afterAll(async () => {
    const code = await serve?.stop();
    await killAllServe();
    rmSync(dir, { recursive: true, force: true });
    // SIGTERM drains and exits cleanly.
    expect(code).toBe(0);
  }, 30_000);

  it('[easy] a dev token opens the socket and one run streams all five event types with zero violations', async () => {
    const file = path.join(dir, 'easy-happy-path.session.jsonl');
    const session = createTestSession({ scenario: 'easy-happy-path', file, provider: 'netra-contracts serve' });
    const alice = await connectUser(session, serve, 'alice');
    expect(alice.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'alice' });

    const runId = await alice.startRun('easy-1', MULTI_TOOL_REQUEST);
    const terminal = await alice.waitForTerminal(runId);
    expect(terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect([...new Set(alice.runEvents(runId).map((e) => e.type))].sort()).toEqual(FIVE_EVENT_TYPES);
    await expectNoViolations(session);

    // The file the session streamed to is the same recording `verify` reads, and `verify` (the same engine) agrees.
    expect(readFileSync(file, 'utf8')).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./);
    const verify = spawnSync(process.execPath, [BIN, 'verify', '--profile', 'ci', '--json', file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: '' });
    const report = JSON.parse(verify.stdout);
    expect(report.ok).toBe(true);
  }, 60_000);

  it('[easy] the browser path: the token offered as subprotocol jwt.<token> works the same way', async () => {
    const session = createTestSession('easy-browser-subprotocol');
    const bob = await connectUser(session, serve, 'bob', { via: 'subprotocol' });
    expect(bob.ws.protocol).toMatch(/^jwt\./);
    const runId = await bob.startRun('easy-2');
    expect(await bob.waitForTerminal(runId)).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect([...new Set(bob.runEvents(runId).map((e) => e.type))].sort()).toEqual(FIVE_EVENT_TYPES);
    await expectNoViolations(session);
  }, 30_000);

  it('[easy] the generated typed client (generated/client.ts) does the same: connect, startAgent, waitForRun', async () => {
    const session = createTestSession('easy-generated-client');
    const client = new NetraClient({
      url: serve.wsUrl,
      getToken: async () => (await fetchDevToken(serve.authUrl, 'cora')).access_token,
      WebSocket: recordingWebSocket(session),
    });
    const seen = new Set<string>();
    for (const type of RUN_EVENT_TYPES) client.on(type, () => seen.add(type));
    const dropped: unknown[] = [];
    client.on('invalid', (e) => dropped.push(e));
    expect(await client.connect()).toMatchObject({ type: 'connection_established', user_id: 'cora' });
    const { run_id } = await client.startAgent(MULTI_TOOL_REQUEST);
    expect(await client.waitForRun(run_id)).toMatchObject({ type: 'agent_completed', status: 'success' });
    expect([...seen].sort()).toEqual(FIVE_EVENT_TYPES);
    expect(dropped).toEqual([]);
    await client.close();
    await expectNoViolations(session);
  }, 30_000);
});
