// The replay server checks the consumer: a frame, a token or a close that differs from the recording is answered
// with error_message REPLAY_MISMATCH and listed in the summary. Consumers here are bare `ws` sockets doing things
// wrong on purpose; tokens come from the replay server's own POST /auth/token.
import { spawn } from 'child_process';
import WebSocket from 'ws';
import { fetchDevToken } from '../../src/verify/auth';
import { readSession, type Session } from '../../src/sessions';
import { startReplayServer, type ReplayServer } from '../../src/verify/replay-server';
import { CLI, ROOT, SESSIONS_DIR } from './support/sessions';

type Msg = Record<string, unknown> & { type: string };

interface Consumer {
  ws: WebSocket;
  messages: Msg[];
  closed: Promise<number>;
  next(type: string, count?: number): Promise<Msg>;
}

const sockets = new Set<WebSocket>();

async function consumer(url: string, token?: string, via: 'header' | 'subprotocol' = 'header'): Promise<Consumer> {
  const ws =
    token === undefined
      ? new WebSocket(url)
      : via === 'header'
        ? new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } })
        : new WebSocket(url, [`jwt.${token}`]);
  sockets.add(ws);
  const messages: Msg[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString()) as Msg);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code: number) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (type: string, count = 1): Promise<Msg> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = messages.filter((m) => m.type === type);
      if (found.length >= count) return found[count - 1];
      if (Date.now() > deadline)
        throw new Error(`no ${count} x ${type}; got ${messages.map((m) => m.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { ws, messages, closed, next };
}

const load = (name: string): Promise<Session> => readSession(`${SESSIONS_DIR}/${name}.session.jsonl`);
const token = async (server: ReplayServer, sub: string): Promise<string> =>
  (await fetchDevToken(server.authUrl, sub)).access_token;

let server: ReplayServer | undefined;
afterEach(async () => {
  for (const ws of sockets) ws.terminate();
  sockets.clear();
  await server?.close();
  server = undefined;
});

describe('replay server mismatch detection', () => {
  it('answers a client frame of another type with REPLAY_MISMATCH and lists it with the recorded line', async () => {
    server = await startReplayServer({ sessions: [await load('first-message')], speed: 0 });
    const c = await consumer(server.url, await token(server, 'nora'), 'subprotocol');
    expect((await c.next('connection_established')).user_id).toBe('nora');
    c.ws.send(JSON.stringify({ type: 'start_run', request_id: 'x1', user_request: 'Hi' }));
    const error = await c.next('error_message');
    expect(error).toMatchObject({
      error_code: 'REPLAY_MISMATCH',
      error_message: expect.stringContaining('expected type "start_agent", got "start_run"'),
    });
    expect(server.summary().sessions[0].mismatches).toEqual([
      { session: 'first-message', conn: 'nora-1', line: 4, message: 'expected type "start_agent", got "start_run"' },
    ]);
    expect(server.summary().ok).toBe(false);
  });

  it('checks the shape of a message and keeps its request_id mapping', async () => {
    server = await startReplayServer({ sessions: [await load('first-message')], speed: 0 });
    const c = await consumer(server.url, await token(server, 'nora'));
    await c.next('connection_established');
    c.ws.send(JSON.stringify({ type: 'start_agent', request_id: 'mine-7', content: 'Hi' }));
    const started = await c.next('agent_started');
    // The recorded agent_started comes back with the consumer's request id.
    expect(started.request_id).toBe('mine-7');
    const problems = server.summary().sessions[0].mismatches.map((m) => m.message);
    expect(problems).toEqual(['/content: not in the recording', '/user_request: missing']);
  });

  it('refuses a valid token where the recording refused one, and a refusal of another kind', async () => {
    server = await startReplayServer({ sessions: [await load('auth-no-token')], speed: 0 });
    const valid = await consumer(server.url, await token(server, 'nick'));
    expect(await valid.next('error_message')).toMatchObject({
      error_code: 'REPLAY_MISMATCH',
      error_message: expect.stringContaining('a valid token for nick, but the recording'),
    });
    expect(await valid.closed).toBe(1008);
    // No token at all: matches the recorded TOKEN_MISSING refusal and gets the recorded frames.
    const none = await consumer(server.url);
    expect(await none.next('error_message')).toMatchObject({ error_code: 'TOKEN_MISSING' });
    expect(await none.closed).toBe(1008);
    expect(server.summary().sessions[0].conns.find((c) => c.conn === 'nick-1')).toMatchObject({
      matched: true,
      done: true,
      framesSent: 1,
    });
    expect(server.summary().unmatched).toBe(1);
  });

  it('requires the resume after a drop to name the last seq the consumer was sent', async () => {
    server = await startReplayServer({ sessions: [await load('drop-resume')], speed: 0 });
    const first = await consumer(server.url, await token(server, 'omar'));
    await first.next('connection_established');
    first.ws.send(
      JSON.stringify({ type: 'start_agent', request_id: 'r-1', user_request: 'Help me lower our monthly LLM spend.' }),
    );
    // The replay server reproduces the recorded drop: no close frame, 1006.
    expect(await first.closed).toBe(1006);
    const held = Math.max(...first.messages.filter((m) => typeof m.seq === 'number').map((m) => m.seq as number));
    const runId = first.messages.find((m) => m.type === 'agent_started')?.run_id;
    const second = await consumer(server.url, await token(server, 'omar'));
    await second.next('connection_established');
    second.ws.send(JSON.stringify({ type: 'resume', run_id: runId, last_seq: 0 }));
    expect(await second.next('error_message')).toMatchObject({
      error_code: 'REPLAY_MISMATCH',
      error_message: expect.stringContaining(`/last_seq: expected ${held}, got 0`),
    });
  });

  it('reports a consumer that closes before the end of the recording', async () => {
    server = await startReplayServer({ sessions: [await load('first-message')], speed: 1 });
    const c = await consumer(server.url, await token(server, 'nora'));
    await c.next('connection_established');
    c.ws.send(JSON.stringify({ type: 'start_agent', request_id: 'q', user_request: 'Hi!' }));
    await c.next('agent_started');
    c.ws.close(1000, 'bored');
    const summary = await server.done;
    expect(summary.ok).toBe(false);
    expect(summary.sessions[0].complete).toBe(true);
    expect(summary.sessions[0].mismatches).toEqual([
      expect.objectContaining({
        conn: 'nora-1',
        message: expect.stringMatching(
          /^the consumer closed \(1000\) before the recording's end: 1[0-9] server frame\(s\) not delivered, 0 client frame\(s\) not sent$/,
        ),
      }),
    ]);
  });

  it('serves tokens on its own port and nothing but the channel', async () => {
    server = await startReplayServer({ sessions: [await load('first-message')], speed: 0 });
    expect((await fetchDevToken(server.authUrl, 'nora')).access_token).toMatch(/^eyJ/);
    const wrongPath = new WebSocket(server.url.replace(/\/ws$/, '/other'));
    sockets.add(wrongPath);
    await expect(
      new Promise((resolve, reject) => {
        wrongPath.on('unexpected-response', (_req, res) => resolve(res.statusCode));
        wrongPath.on('error', reject);
      }),
    ).resolves.toBe(404);
  });
});

describe('netra-contracts replay-server', () => {
  it('serves a session to a consumer, prints the summary and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'replay-server',
        `${SESSIONS_DIR}/first-message.session.jsonl`,
        '--port',
        '0',
        '--speed',
        '0',
        '--timeout',
        '30000',
      ],
      {
        cwd: ROOT,
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/serving 1 session\(s\) on (ws:\S+)/.test(stdout) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const url = (/serving 1 session\(s\) on (ws:\S+)/.exec(stdout) as RegExpExecArray)[1];
      const authUrl = (/tokens: POST (http:\S+)\/auth\/token/.exec(stdout) as RegExpExecArray)[1];
      const c = await consumer(url, (await fetchDevToken(authUrl, 'nora')).access_token, 'subprotocol');
      await c.next('connection_established');
      c.ws.send(JSON.stringify({ type: 'start_agent', request_id: 'cli-1', user_request: 'Where does our money go?' }));
      await c.next('agent_completed');
      c.ws.close(1000, 'done');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(
        /first-message \(.*first-message\.session\.jsonl\): ok: 1\/1 connections, 16 frames sent, 1 received/,
      );
    } finally {
      child.kill();
    }
  }, 60_000);
});
