// generated/client.ts: generated deterministically from the spec, and working against the real provider and the
// replay server: typed events, startAgent/waitForRun, refusals as typed errors, invalid frames flagged and dropped,
// bounded reconnects.
import { readFileSync } from 'fs';
import path from 'path';
import WebSocket from 'ws';
import { NetraClient, NetraClientError, type WebSocketConstructorLike } from '../../generated/client';
import type { AgentCompleted, AgentThinking } from '../../generated/types';
import { clientModule } from '../../src/codegen';
import { startStack, type Stack } from '../../src/provider';
import { parseSessionText } from '../../src/sessions';
import { startReplayServer } from '../../src/verify/replay-server';
import { loadSpec, loadSpecFromString } from '../../src/asyncapi';
import { driveClientThroughSession } from './support/drive-client';
import { ROOT, SESSIONS_DIR } from './support/sessions';

const Impl = WebSocket as unknown as WebSocketConstructorLike;

describe('client.ts generation', () => {
  it('is what the spec generates, byte for byte (generate --check covers it)', async () => {
    const spec = await loadSpec(path.join(ROOT, 'asyncapi.yaml'));
    const text = clientModule(spec);
    expect(text).toBe(readFileSync(path.join(ROOT, 'generated', 'client.ts'), 'utf8'));
    expect(clientModule(spec)).toBe(text);
    expect(text).toContain(
      "export const RUN_EVENT_TYPES = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed', 'agent_error'] as const;",
    );
  });

  it('is not generated for a document without the run protocol', async () => {
    const spec = await loadSpecFromString(
      [
        'asyncapi: 3.0.0',
        'info: { title: Other, version: 1.0.0 }',
        'channels:',
        '  c: { address: /c, messages: { ping: { payload: { type: object, properties: { type: { const: ping } } } } } }',
        'operations:',
        '  s: { action: send, channel: { $ref: "#/channels/c" }, messages: [{ $ref: "#/channels/c/messages/ping" }] }',
      ].join('\n'),
      'other.yaml',
    );
    expect(clientModule(spec)).toBeUndefined();
  });
});

describe('NetraClient against the reference provider', () => {
  let stack: Stack;
  const clients: NetraClient[] = [];
  beforeAll(async () => {
    stack = await startStack({ provider: { thinkMs: 5, toolMs: 5, jitter: 0 } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await stack.close();
  });

  const client = (options: Partial<ConstructorParameters<typeof NetraClient>[0]> & { sub?: string }): NetraClient => {
    const c = new NetraClient({
      url: stack.wsUrl,
      getToken: async () => (await stack.auth.issueTokens(options.sub ?? 'cleo')).access_token,
      WebSocket: Impl,
      ...options,
    });
    clients.push(c);
    return c;
  };

  it.each(['header', 'subprotocol'] as const)('runs a request end to end with the token as a %s', async (via) => {
    const c = client({ via });
    const thoughts: AgentThinking[] = [];
    c.on('agent_thinking', (ev) => thoughts.push(ev));
    const established = await c.connect();
    expect(established.user_id).toBe('cleo');
    const { run_id, request_id, started } = await c.startAgent({ user_request: 'Where can we cut our LLM spend?' });
    expect(started).toMatchObject({ type: 'agent_started', seq: 1, run_id, request_id });
    const end = await c.waitForRun(run_id);
    expect(end.type).toBe('agent_completed');
    expect((end as AgentCompleted).result.recommendations.length).toBeGreaterThanOrEqual(3);
    expect(thoughts.length).toBeGreaterThan(0);
    const run = c.runs.get(run_id);
    expect(run?.events.map((e) => e.seq)).toEqual(run?.events.map((_e, i) => i + 1));
    expect(c.lastSeq(run_id)).toBe(end.seq);
  });

  it('rejects a refused request with the error_message, and refuses to send an invalid message', async () => {
    const c = client({});
    await c.connect();
    const first = await c.startAgent({ request_id: 'dup-1', user_request: 'Save money.' });
    await c.waitForRun(first.run_id);
    const refused = await c.startAgent({ request_id: 'dup-1', user_request: 'Save money.' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NetraClientError);
    expect(refused).toMatchObject({ code: 'DUPLICATE_REQUEST', errorMessage: { request_id: 'dup-1' } });
    expect(() => c.send({ type: 'resume', run_id: 'not-a-run-id', last_seq: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_MESSAGE' }),
    );
  });

  it('reports a refused token as a typed error and does not reconnect', async () => {
    const expired = await stack.auth.signForTesting({
      sub: 'cleo',
      iat: Math.floor(Date.now() / 1000) - 3600,
      exp: Math.floor(Date.now() / 1000) - 600,
      iss: stack.auth.issuer,
      aud: stack.auth.audience,
      token_type: 'access',
      permissions: ['chat'],
    });
    const c = client({ token: expired, getToken: undefined });
    const closes: { willReconnect: boolean }[] = [];
    c.on('close', (ev) => closes.push(ev));
    await expect(c.connect()).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    expect(closes).toEqual([expect.objectContaining({ code: 1008, willReconnect: false })]);
    expect(c.state).toBe('closed');
  });

  it('gives up after the bounded number of reconnect attempts when the server is gone', async () => {
    const own = await startStack({ provider: { thinkMs: 200, toolMs: 200 } });
    const c = new NetraClient({
      url: own.wsUrl,
      getToken: async () => (await own.auth.issueTokens('cleo')).access_token,
      WebSocket: Impl,
      maxReconnectAttempts: 3,
      reconnectDelayMs: 10,
    });
    clients.push(c);
    const attempts: number[] = [];
    const closes: { code: number; willReconnect: boolean }[] = [];
    c.on('reconnecting', (ev) => attempts.push(ev.delayMs));
    const gaveUp = new Promise<void>((resolve) =>
      c.on('close', (ev) => {
        closes.push({ code: ev.code, willReconnect: ev.willReconnect });
        if (!ev.willReconnect) resolve();
      }),
    );
    await c.connect();
    const { run_id } = await c.startAgent({ user_request: 'Save money.' });
    // Draining stops the run (agent_error PROVIDER_RESTARTED) and closes the socket with 1001; then nothing listens.
    await own.close();
    expect(await c.waitForRun(run_id)).toMatchObject({
      type: 'agent_error',
      code: 'PROVIDER_RESTARTED',
      retryable: true,
    });
    await gaveUp;
    // 1001 is retried: three attempts with doubling delays, each refused (1006), then the client gives up.
    expect(attempts).toEqual([10, 20, 40]);
    expect(closes).toEqual([
      { code: 1001, willReconnect: true },
      { code: 1006, willReconnect: true },
      { code: 1006, willReconnect: true },
      { code: 1006, willReconnect: false },
    ]);
    expect(c.state).toBe('closed');
  }, 20_000);
});

describe('NetraClient through the replay server', () => {
  it('flags and drops a frame that fails validation, and a repeated event', async () => {
    const text = readFileSync(path.join(SESSIONS_DIR, 'first-message.session.jsonl'), 'utf8').split('\n');
    const thinking = text.findIndex((l) => l.includes('"type":"agent_thinking"'));
    const broken = text[thinking].replace(/"reasoning":"[^"]*"/, '"reasoning":""');
    text.splice(thinking, 1, broken, text[thinking]); // an invalid frame, then the valid one
    const toolLine = text.findIndex((l) => l.includes('"type":"tool_completed"'));
    text.splice(toolLine + 1, 0, text[toolLine]); // the same tool_completed twice
    const session = parseSessionText(text.join('\n'), 'edited.session.jsonl');
    const server = await startReplayServer({ sessions: [session], speed: 0 });
    try {
      const [nora] = await driveClientThroughSession(session, server, 20_000);
      expect(nora.invalid).toBe(1);
      // Both extra frames were sent; the handlers saw every event of the run once, in seq order.
      const summary = await server.done;
      expect(summary.sessions[0].conns[0].framesSent).toBe(
        session.records.filter((r) => r.kind === 'frame' && r.dir === 's2c').length,
      );
      expect(nora.received).toEqual(nora.expected);
      const seqs = nora.received.filter((l) => l.includes(':')).map((l) => Number(l.split(':')[1]));
      expect(seqs).toEqual(seqs.map((_s, i) => i + 1));
    } finally {
      await server.close();
    }
  }, 30_000);
});
