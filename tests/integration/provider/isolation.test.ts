import type { Stack } from '../../../src/provider';
import { afterEachCheck, connectAs, expectCompleteRun, startTestStack, type Msg } from '../../support/provider-harness';
import { sleep } from '../../support/util';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ thinkMs: 15, toolMs: 15 });
});
afterEach(afterEachCheck);
afterAll(async () => {
  await stack.close();
});

/** An error_message without the fields that legitimately differ between two answers. */
function comparable(m: Msg): Record<string, unknown> {
  const { timestamp: _t, request_id: _r, run_id: _run, ...rest } = m;
  return rest;
}

test('two tabs of one user both receive every event of a run, identical and in order', async () => {
  const tab1 = await connectAs(stack, 'alice');
  const tab2 = await connectAs(stack, 'alice');
  const started = await tab1.start('tabs-1');
  const runId = String(started.run_id);
  await Promise.all([tab1.waitForTerminal(runId), tab2.waitForTerminal(runId)]);
  const seen1 = tab1.runEvents(runId);
  const seen2 = tab2.runEvents(runId);
  expectCompleteRun(seen1);
  expect(seen2).toEqual(seen1);
});

test('two users at once: each sees only their own runs, and both complete', async () => {
  const alice = await connectAs(stack, 'alice');
  const bob = await connectAs(stack, 'bob');
  const [a, b] = await Promise.all([alice.start('both-a'), bob.start('both-b')]);
  await Promise.all([alice.waitForTerminal(String(a.run_id)), bob.waitForTerminal(String(b.run_id))]);
  await sleep(30);
  for (const [client, user, run] of [
    [alice, 'alice', a],
    [bob, 'bob', b],
  ] as const) {
    const events = client.frames.filter((m) => m.type !== 'connection_established');
    expect(events.every((m) => m.user_id === user)).toBe(true);
    expect(new Set(events.map((m) => m.run_id))).toEqual(new Set([run.run_id]));
    expectCompleteRun(client.runEvents(String(run.run_id)));
  }
});

test("start_agent on another user's thread_id: FORBIDDEN, identical to an unknown thread", async () => {
  const alice = await connectAs(stack, 'alice');
  const mallory = await connectAs(stack, 'mallory');
  const started = await alice.start('thread-owner');
  const foreign = await mallory.start('thread-steal', { thread_id: started.thread_id });
  const unknown = await mallory.start('thread-unknown', { thread_id: 'thr_doesnotexist1' });
  expect(foreign).toMatchObject({ type: 'error_message', error_code: 'FORBIDDEN', request_id: 'thread-steal' });
  expect(comparable(foreign)).toEqual(comparable(unknown));
  expect(JSON.stringify(foreign)).not.toContain(String(started.thread_id));
  await alice.waitForTerminal(String(started.run_id));
  expect(mallory.frames.some((m) => m.type !== 'connection_established' && m.type !== 'error_message')).toBe(false);
});

test("resume of another user's run: FORBIDDEN, identical to an unknown run, nothing replayed", async () => {
  const alice = await connectAs(stack, 'alice');
  const mallory = await connectAs(stack, 'mallory');
  const started = await alice.start('resume-owner');
  const runId = String(started.run_id);
  await alice.waitForTerminal(runId);
  let from = mallory.mark();
  mallory.send({ type: 'resume', run_id: runId, last_seq: 0, request_id: 'steal' });
  const foreign = await mallory.nextError(from);
  from = mallory.mark();
  mallory.send({ type: 'resume', run_id: 'run_doesnotexist1', last_seq: 0, request_id: 'unknown' });
  const unknown = await mallory.nextError(from);
  expect(foreign).toMatchObject({ error_code: 'FORBIDDEN', request_id: 'steal' });
  expect(comparable(foreign)).toEqual(comparable(unknown));
  await sleep(30);
  expect(mallory.frames.filter((m) => m.type !== 'connection_established' && m.type !== 'error_message')).toEqual([]);
});

test("cancel_run of another user's run: FORBIDDEN, identical to an unknown run, and the run goes on", async () => {
  const alice = await connectAs(stack, 'alice');
  const mallory = await connectAs(stack, 'mallory');
  const started = await alice.start('cancel-owner');
  const runId = String(started.run_id);
  let from = mallory.mark();
  mallory.send({ type: 'cancel_run', run_id: runId, request_id: 'kill' });
  const foreign = await mallory.nextError(from);
  from = mallory.mark();
  mallory.send({ type: 'cancel_run', run_id: 'run_doesnotexist1', request_id: 'kill-unknown' });
  const unknown = await mallory.nextError(from);
  expect(foreign).toMatchObject({ error_code: 'FORBIDDEN', request_id: 'kill' });
  expect(comparable(foreign)).toEqual(comparable(unknown));
  const terminal = await alice.waitForTerminal(runId);
  expect(terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
});
