import type { Stack } from '../../../src/provider';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  startTestStack,
  type TestClient,
} from '../../support/provider-harness';
import { sleep } from '../../support/util';

let stack: Stack;
let client: TestClient;

beforeAll(async () => {
  stack = await startTestStack();
});
beforeEach(async () => {
  client = await connectAs(stack, 'alice');
});
afterEach(async () => {
  // The connection survived whatever the test sent: it can still run an agent.
  if (client.ws.readyState === client.ws.OPEN) {
    const started = await client.start(`alive-${Date.now()}`);
    expect(started.type).toBe('agent_started');
    expect((await client.waitForTerminal(String(started.run_id))).type).toBe('agent_completed');
  }
  await afterEachCheck();
});
afterAll(async () => {
  await stack.close();
});

async function answerTo(frame: unknown, opts: { binary?: boolean } = {}) {
  const from = client.mark();
  client.sendRaw(frame as string | Buffer, opts.binary === true);
  const answer = await client.nextError(from);
  await sleep(10);
  // Exactly one answer per refused frame.
  expect(client.frames.slice(from).filter((m) => m.type === 'error_message')).toHaveLength(1);
  return answer;
}

test('invalid JSON: INVALID_JSON', async () => {
  expect(await answerTo('{"type": "start_agent", ')).toMatchObject({ error_code: 'INVALID_JSON' });
  expect(await answerTo('{"request_id": "half", "type": "start_agent", ')).toMatchObject({
    error_code: 'INVALID_JSON',
    request_id: 'half',
  });
});

test('a binary frame: BINARY_NOT_SUPPORTED', async () => {
  const frame = Buffer.from(JSON.stringify({ type: 'start_agent', request_id: 'bin', user_request: 'x' }));
  expect(await answerTo(frame, { binary: true })).toMatchObject({ error_code: 'BINARY_NOT_SUPPORTED' });
});

test('an unknown type: UNKNOWN_MESSAGE_TYPE, with the request_id', async () => {
  const answer = await answerTo(JSON.stringify({ type: 'start_agnet', request_id: 'typo-1', user_request: 'x' }));
  expect(answer).toMatchObject({ error_code: 'UNKNOWN_MESSAGE_TYPE', request_id: 'typo-1' });
});

test('a server message type sent by a client, or no type: UNKNOWN_MESSAGE_TYPE', async () => {
  expect(await answerTo(JSON.stringify({ type: 'agent_started', request_id: 'srv' }))).toMatchObject({
    error_code: 'UNKNOWN_MESSAGE_TYPE',
    request_id: 'srv',
  });
  expect(await answerTo(JSON.stringify({ request_id: 'none' }))).toMatchObject({ error_code: 'UNKNOWN_MESSAGE_TYPE' });
});

test('JSON that is not an object: SCHEMA_VALIDATION_FAILED', async () => {
  expect(await answerTo('[1, 2, 3]')).toMatchObject({ error_code: 'SCHEMA_VALIDATION_FAILED' });
});

test('a missing field: SCHEMA_VALIDATION_FAILED with details.errors [{pointer, keyword, message}]', async () => {
  const answer = await answerTo(JSON.stringify({ type: 'start_agent', request_id: 'req-7f3a9c' }));
  expect(answer).toMatchObject({ error_code: 'SCHEMA_VALIDATION_FAILED', request_id: 'req-7f3a9c' });
  const errors = (answer.details as { errors: { pointer: string; keyword: string; message: string }[] }).errors;
  expect(errors).toContainEqual(expect.objectContaining({ pointer: '/user_request', keyword: 'required' }));
  for (const e of errors) expect(typeof e.message).toBe('string');
});

test('a misspelt field of a closed message is refused, not ignored', async () => {
  const answer = await answerTo(
    JSON.stringify({
      type: 'start_agent',
      request_id: 'typo-2',
      user_request: 'Optimise my AI costs.',
      contxt: { workload: [] },
    }),
  );
  expect(answer).toMatchObject({ error_code: 'SCHEMA_VALIDATION_FAILED', request_id: 'typo-2' });
  const errors = (answer.details as { errors: { pointer: string; keyword: string }[] }).errors;
  expect(errors).toContainEqual(expect.objectContaining({ pointer: '/contxt', keyword: 'additionalProperties' }));
});

test('a frame over 64 KiB: FRAME_TOO_LARGE, the connection stays open', async () => {
  const frame = JSON.stringify({ type: 'start_agent', request_id: 'big', user_request: 'x'.repeat(70_000) });
  expect(await answerTo(frame)).toMatchObject({ error_code: 'FRAME_TOO_LARGE', request_id: 'big' });
});

test('a frame over 1 MiB closes the connection with 1009', async () => {
  client.sendRaw('x'.repeat(1024 * 1024 + 10), false);
  expect((await client.closed).code).toBe(1009);
});

test('invalid UTF-8: INVALID_UTF8 (not a 1007 close)', async () => {
  const frame = Buffer.concat([
    Buffer.from('{"type":"start_agent","request_id":"u","user_request":"'),
    Buffer.from([0xc3, 0x28, 0xff]),
    Buffer.from('"}'),
  ]);
  expect(await answerTo(frame)).toMatchObject({ error_code: 'INVALID_UTF8', request_id: 'u' });
});

test('JSON nested deeper than 32 levels: NESTING_TOO_DEEP; 32 levels are parsed', async () => {
  const nested = (depth: number) =>
    `{"type":"start_agent","request_id":"deep","user_request":"x","context":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
  expect(await answerTo(nested(33))).toMatchObject({ error_code: 'NESTING_TOO_DEEP', request_id: 'deep' });
  expect(await answerTo(nested(32))).toMatchObject({ error_code: 'SCHEMA_VALIDATION_FAILED', request_id: 'deep' });
  expect(await answerTo(`${'['.repeat(32_000)}${']'.repeat(32_000)}`)).toMatchObject({
    error_code: 'NESTING_TOO_DEEP',
  });
  // Brackets inside strings do not count.
  const inString = JSON.stringify({ type: 'start_agent', request_id: 'str', user_request: '['.repeat(500) });
  const from = client.mark();
  client.send(inString);
  expect(await client.waitFor((m) => m.request_id === 'str', { from })).toMatchObject({ type: 'agent_started' });
});

test('an invalid access token in auth_refresh: error_message, the connection keeps going', async () => {
  const answer = await answerTo(
    JSON.stringify({ type: 'auth_refresh', token: 'aaaaaaaaaa.bbbbbbbbbbbb.cccccccccc', request_id: 'refresh-bad' }),
  );
  expect(answer).toMatchObject({ error_code: 'TOKEN_INVALID', request_id: 'refresh-bad' });
});

test('a flood: RATE_LIMITED past the burst, the connection survives, other users are unaffected', async () => {
  const bob = await connectAs(stack, 'bob');
  const bobRun = await bob.start('bob-during-flood');
  const from = client.mark();
  for (let i = 0; i < 100; i++)
    client.send({ type: 'cancel_run', run_id: 'run_doesnotexist1', request_id: `flood-${i}` });
  await client.waitFor((m) => m.request_id === 'flood-99', { from });
  const answers = client.frames.slice(from).filter((m) => m.type === 'error_message');
  expect(answers).toHaveLength(100);
  const limited = answers.filter((m) => m.error_code === 'RATE_LIMITED');
  expect(limited.length).toBeGreaterThanOrEqual(55);
  expect(limited.length).toBeLessThanOrEqual(60);
  expect(limited.every((m) => String(m.request_id).startsWith('flood-'))).toBe(true);
  expect(answers.filter((m) => m.error_code === 'FORBIDDEN').length).toBe(100 - limited.length);
  const terminal = await bob.waitForTerminal(String(bobRun.run_id));
  expect(terminal.type).toBe('agent_completed');
  expectCompleteRun(bob.runEvents(String(bobRun.run_id)));
  await sleep(1_100); // the bucket refills at 20 frames a second
});
