import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDevToken } from '../../../src/verify/auth';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  startTestStack,
  TestClient,
} from '../../support/provider-harness';
import { spawnServe, type ServeProcess } from '../../support/serve';

let dir: string;
const children: ServeProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netra-event-log-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
  await afterEachCheck();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('runs survive a graceful restart: the same events, event ids included, are resumable afterwards', async () => {
  const file = join(dir, 'graceful.jsonl');
  const first = await startTestStack({ eventLogFile: file });
  const client = await connectAs(first, 'alice');
  const run = await client.start('log-1');
  const runId = String(run.run_id);
  await client.waitForTerminal(runId);
  const original = client.runEvents(runId);
  await first.close();

  const second = await startTestStack({ eventLogFile: file });
  try {
    const back = await connectAs(second, 'alice');
    back.send({ type: 'resume', run_id: runId, last_seq: 0 });
    await back.waitForTerminal(runId);
    expect(back.runEvents(runId)).toEqual(original);
    // The thread still belongs to alice, and only to her.
    expect(await back.start('log-2', { thread_id: run.thread_id })).toMatchObject({
      type: 'agent_started',
      thread_id: run.thread_id,
    });
    const mallory = await connectAs(second, 'mallory');
    expect(await mallory.start('log-3', { thread_id: run.thread_id })).toMatchObject({ error_code: 'FORBIDDEN' });
  } finally {
    await second.close();
  }
});

test('a run in flight when the process is killed ends with agent_error PROVIDER_RESTARTED after the restart', async () => {
  const file = join(dir, 'crash.jsonl');
  const serve = await spawnServe({
    args: ['--event-log', file, '--think-ms', '150', '--tool-ms', '150'],
    logLevel: null,
  });
  children.push(serve);
  const token = (await fetchDevToken(serve.listening.auth_url, 'bob')).access_token;
  const client = await TestClient.connect(serve.listening.ws_url, { token });
  const run = await client.start('crash-1');
  const runId = String(run.run_id);
  await client.waitFor((m) => m.run_id === runId && m.type === 'tool_executing');
  serve.proc.kill('SIGKILL'); // no drain: the log is all that is left
  await serve.exited;
  await client.closed;
  const seen = client.runEvents(runId);
  // A torn last line (a crash in the middle of a write) must not stop the restart.
  appendFileSync(file, '{"type":"agent_thinking","run_id":"run_torn');

  const restarted = await spawnServe({ args: ['--event-log', file], logLevel: null });
  children.push(restarted);
  const token2 = (await fetchDevToken(restarted.listening.auth_url, 'bob')).access_token;
  const back = await TestClient.connect(restarted.listening.ws_url, { token: token2 });
  back.send({ type: 'resume', run_id: runId, last_seq: 0 });
  const terminal = await back.waitForTerminal(runId);
  const events = back.runEvents(runId);
  expectCompleteRun(events);
  expect(events.slice(0, seen.length)).toEqual(seen);
  expect(terminal).toMatchObject({
    type: 'agent_error',
    code: 'PROVIDER_RESTARTED',
    retryable: true,
    seq: events.length,
  });
  // The tool call that was running is closed before the terminal event.
  expect(events[events.length - 2]).toMatchObject({
    type: 'tool_completed',
    status: 'error',
    error: { code: 'PROVIDER_RESTARTED' },
  });
  // The log was compacted: every line is a complete, parsable event.
  for (const line of readFileSync(file, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  restarted.proc.kill('SIGTERM');
  expect(await restarted.exited).toBe(0);
}, 60_000);
