import type { Stack } from '../../../src/provider';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  mergeExactlyOnce,
  startTestStack,
  TestClient,
  tokenFor,
} from '../../support/provider-harness';
import { sleep } from '../../support/util';

let stack: Stack;

beforeAll(async () => {
  // ~6 thinking steps and ~5 tool calls of 400 ms: a run lasts ~4.4 s, longer than a 2 s token (which lives 2 to 3 s:
  // its exp is rounded up to the next whole second).
  stack = await startTestStack({ thinkMs: 400, toolMs: 400, sweepMs: 50 });
});
afterEach(afterEachCheck);
afterAll(async () => {
  await stack.close();
});

test('auth_refresh mid-run with a token of the same user extends the connection; the run completes on it', async () => {
  // A first token at its exp: the 5 s clock tolerance gives a connection 5 to 6 s. Two connections with it: one
  // refreshes mid-run, the control does not. The control's TOKEN_EXPIRED close is the proof that the expiry sweep ran
  // past the first token's exp + tolerance, so the refreshed connection, still open, was kept by the refresh: judged
  // by that event, not by a run meant to outlast a window of 2 s or so (which a loaded machine used up before the
  // handshake or the refresh was done).
  const fresh = await tokenFor(stack, 'alice', 900);
  const exp = Math.floor(Date.now() / 1000);
  const claims = { sub: 'alice', iss: stack.auth.issuer, aud: stack.auth.audience, iat: exp - 60, exp };
  const first = await stack.auth.signForTesting({ ...claims, token_type: 'access', permissions: ['chat'] });
  const client = await TestClient.connect(stack.wsUrl, { token: first });
  const control = await TestClient.connect(stack.wsUrl, { token: first });
  // Both accepted (a refusal says which error here, not as a missing agent_started later).
  expect([client.frames[0], control.frames[0]]).toMatchObject([
    { type: 'connection_established' },
    { type: 'connection_established' },
  ]);
  const run = await client.start('refresh-1');
  client.send({ type: 'auth_refresh', token: fresh, request_id: 'refresh-ok' });
  const terminal = await client.waitForTerminal(String(run.run_id), 30_000);
  expect(await control.closed).toMatchObject({ code: 1008, reason: 'TOKEN_EXPIRED' });
  expect(Date.now()).toBeGreaterThanOrEqual((exp + 5) * 1000); // outlived the first token and its clock tolerance
  expect(terminal.type).toBe('agent_completed');
  expectCompleteRun(client.runEvents(String(run.run_id)));
  expect(client.frames.filter((m) => m.type === 'error_message')).toEqual([]);
  expect(client.ws.readyState).toBe(client.ws.OPEN);
});

test('a token that expires unrefreshed: TOKEN_EXPIRED, close 1008; the run goes on and resumes elsewhere', async () => {
  // The handshake and the expiry sweep both grant the verifier's clock tolerance (5 s): a token 3 s past its exp has
  // about 2 s left, less than the run.
  const exp = Math.floor(Date.now() / 1000) - 3;
  const claims = { sub: 'bob', iss: stack.auth.issuer, aud: stack.auth.audience, iat: exp - 60, exp };
  const token = await stack.auth.signForTesting({ ...claims, token_type: 'access', permissions: ['chat'] });
  const client = await TestClient.connect(stack.wsUrl, { token });
  const run = await client.start('expire-1');
  const runId = String(run.run_id);
  const { code } = await client.closed;
  expect(code).toBe(1008);
  const last = client.frames[client.frames.length - 1];
  expect(last).toMatchObject({ type: 'error_message', error_code: 'TOKEN_EXPIRED' });
  const before = client.runEvents(runId);
  expect(before[before.length - 1].type).not.toMatch(/agent_completed|agent_error/);
  expect(stack.provider.stats().activeRuns).toBeGreaterThanOrEqual(1);

  const again = await connectAs(stack, 'bob');
  again.send({ type: 'resume', run_id: runId, last_seq: before.length });
  await again.waitForTerminal(runId, 15_000);
  expectCompleteRun(mergeExactlyOnce(before, again.runEvents(runId)));
});

test("auth_refresh with another user's token: AUTH_USER_MISMATCH, close 1008; the user's run goes on", async () => {
  const client = await connectAs(stack, 'carol');
  const run = await client.start('mismatch-1');
  client.send({ type: 'auth_refresh', token: await tokenFor(stack, 'mallory', 900), request_id: 'swap' });
  const { code } = await client.closed;
  expect(code).toBe(1008);
  expect(client.frames[client.frames.length - 1]).toMatchObject({
    type: 'error_message',
    error_code: 'AUTH_USER_MISMATCH',
    request_id: 'swap',
  });
  const again = await connectAs(stack, 'carol');
  again.send({ type: 'resume', run_id: run.run_id, last_seq: 0 });
  expect((await again.waitForTerminal(String(run.run_id), 15_000)).type).toBe('agent_completed');
});

test('auth_refresh with a refresh token: TOKEN_WRONG_TYPE, and the connection keeps its current expiry', async () => {
  const client = await connectAs(stack, 'dave');
  const { refresh_token } = await stack.auth.issueTokens('dave');
  const from = client.mark();
  client.send({ type: 'auth_refresh', token: refresh_token, request_id: 'wrong-type' });
  expect(await client.nextError(from)).toMatchObject({ error_code: 'TOKEN_WRONG_TYPE', request_id: 'wrong-type' });
  await sleep(50);
  expect(client.ws.readyState).toBe(client.ws.OPEN);
});
