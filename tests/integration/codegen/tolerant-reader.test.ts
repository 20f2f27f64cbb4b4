// The tolerant reader (issue 15): the spec's channel declares `x-netra-tolerant-reader: true`, so the generated
// validators and client hand a server message of an unknown type to `onUnknown` instead of refusing it, and keep
// counting its seq. Against the real replay server, with a recorded session holding a type from the future.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import WebSocket from 'ws';
import { NetraClient, type WebSocketConstructorLike } from '../../../generated/client';
import * as validators from '../../../generated/validators';
import { loadProtocol } from '../../../src/protocol';
import { startReplayServer, type ReplayServer } from '../../../src/verify/replay-server';
import { sessionWithUnknownEvent, UNKNOWN_TYPE } from './unknown-event-session';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');

const progress = {
  type: UNKNOWN_TYPE,
  event_id: 'evt_progress00001',
  run_id: 'run_abcdef',
  thread_id: 'thr_abcdef',
  user_id: 'nora',
  seq: 2,
  timestamp: '2026-11-24T02:06:48.190Z',
};

describe('the generated validators as a tolerant reader', () => {
  it('know the promise from the spec, and so does contract.json through src/protocol', () => {
    expect(validators.TOLERANT_READER).toBe(true);
    expect(loadProtocol().tolerantReader).toBe(true);
  });

  it('hand over a well-formed message of an unknown type as unknown, and still refuse it as a server', () => {
    expect(validators.readServerMessage(progress)).toEqual({ ok: true, unknown: true, value: progress });
    const strict = validators.validateServerMessage(progress);
    expect(strict).toMatchObject({ ok: false, unknown: true });
  });

  it('still refuse a broken message of a known type, and anything that is not a message', () => {
    expect(validators.readServerMessage({ type: 'agent_thinking' })).toMatchObject({ ok: false });
    expect(validators.readServerMessage({ type: 'agent_thinking' }).unknown).toBeUndefined();
    for (const junk of [null, 42, 'x', [], {}, { type: 7 }]) {
      const read = validators.readServerMessage(junk);
      expect(read.ok).toBe(false);
      expect(read.unknown).toBeUndefined();
    }
  });
});

/** A dev token for `sub` from the replay server's auth service. */
async function tokenFrom(server: ReplayServer, sub: string): Promise<string> {
  const response = await fetch(`${server.authUrl}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub, permissions: ['chat'] }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const USER_REQUEST = 'Hi! Where is our AI money going, and how can we spend less of it?';

describe('the generated client as a tolerant reader, against the replay server', () => {
  let server: ReplayServer;

  beforeAll(async () => {
    server = await startReplayServer({ sessions: [sessionWithUnknownEvent()], speed: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('gives the unknown event to onUnknown, counts its seq, and finishes the run', async () => {
    const getToken = (): Promise<string> => tokenFrom(server, 'nora');
    const unknown: unknown[] = [];
    const invalid: unknown[] = [];
    const client = new NetraClient({
      url: server.url,
      getToken,
      WebSocket: WebSocket as unknown as WebSocketConstructorLike,
      onUnknown: (message) => unknown.push(message),
    });
    client.on('invalid', (event) => invalid.push(event));
    const seen: string[] = [];
    client.on('unknown', (message) => seen.push(message.type));
    await client.connect();
    const { run_id } = await client.startAgent({ user_request: USER_REQUEST });
    const end = await client.waitForRun(run_id);
    expect(end.type).toBe('agent_completed');
    expect(unknown).toEqual([expect.objectContaining({ type: UNKNOWN_TYPE, run_id, seq: 2 })]);
    expect(seen).toEqual([UNKNOWN_TYPE]);
    expect(invalid).toEqual([]);
    const run = client.runs.get(run_id);
    expect(run?.events.map((e) => e.seq)).not.toContain(2);
    expect(run?.lastSeq).toBe(end.seq); // no hole where the unknown event was
    await client.close();
    expect((await server.done).sessions[0].mismatches).toEqual([]);
  });
});

describe('a document without the promise', () => {
  let work: string;
  let generated: string;

  beforeAll(() => {
    // Generated inside the repository so that the validators' requires (ajv, ajv-formats) resolve.
    mkdirSync(path.join(ROOT, 'tmp'), { recursive: true });
    work = mkdtempSync(path.join(ROOT, 'tmp', 'strict-reader-'));
    const spec = readFileSync(path.join(ROOT, 'asyncapi.yaml'), 'utf8').replace(
      /^ {4}x-netra-tolerant-reader: true\n/m,
      '',
    );
    expect(spec).not.toMatch(/^\s+x-netra-tolerant-reader:/m);
    writeFileSync(path.join(work, 'asyncapi.yaml'), spec);
    generated = path.join(work, 'generated');
    const cli = path.join(ROOT, 'bin', 'netra-contracts.js');
    execFileSync(process.execPath, [cli, 'generate', '--spec', path.join(work, 'asyncapi.yaml'), '--out', generated], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    for (const file of ['types.ts', 'client.ts']) {
      const source = readFileSync(path.join(generated, file), 'utf8');
      const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 };
      writeFileSync(
        path.join(generated, file.replace(/\.ts$/, '.js')),
        ts.transpileModule(source, { compilerOptions: options }).outputText,
      );
    }
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('says so in contract.json and in the validators, which refuse an unknown type as today', () => {
    const contract = JSON.parse(readFileSync(path.join(generated, 'contract.json'), 'utf8'));
    expect(contract.channel.tolerant_reader).toBe(false);
    const strict = require(path.join(generated, 'validators')) as typeof validators;
    expect(strict.TOLERANT_READER).toBe(false);
    expect(strict.readServerMessage(progress)).toMatchObject({ ok: false, unknown: true });
  });

  it('gives its client the unknown event as an invalid frame, never to onUnknown', async () => {
    const server = await startReplayServer({ sessions: [sessionWithUnknownEvent()], speed: 0 });
    try {
      const { NetraClient: StrictClient } = require(path.join(generated, 'client.js')) as {
        NetraClient: typeof NetraClient;
      };
      const unknown: unknown[] = [];
      const invalid: { frame: unknown }[] = [];
      const client = new StrictClient({
        url: server.url,
        getToken: () => tokenFrom(server, 'nora'),
        WebSocket: WebSocket as unknown as WebSocketConstructorLike,
        onUnknown: (message) => unknown.push(message),
      });
      client.on('invalid', (event) => invalid.push(event));
      await client.connect();
      const { run_id } = await client.startAgent({ user_request: USER_REQUEST });
      await client.waitForRun(run_id);
      expect(unknown).toEqual([]);
      expect(invalid).toEqual([expect.objectContaining({ frame: expect.objectContaining({ type: UNKNOWN_TYPE }) })]);
      expect(client.runs.get(run_id)?.lastSeq).toBe(1); // the hole at seq 2 stays: the client did not understand it
      await client.close();
    } finally {
      await server.close();
    }
  });
});
