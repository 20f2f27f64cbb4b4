// Issue 12, items 6 and 7: the durable event log identifies itself, refuses files that are not one without touching
// them, survives a torn last line and a failed compaction, and keeps the request-id memory across a restart.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EVENT_LOG_FORMAT, EVENT_LOG_VERSION, type Stack } from '../../src/provider';
import { afterEachCheck, connectAs, expectCompleteRun, startTestStack } from '../support/provider-harness';

const BIN = resolve(__dirname, '../../bin/netra-contracts.js');
let dir: string;
const stacks: Stack[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netra-event-log-files-'));
});
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
  await afterEachCheck();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `serve --event-log FILE` that must refuse before listening: its exit code and stderr. */
function serveRefusing(file: string, extra: string[] = []): { status: number | null; stderr: string } {
  const out = spawnSync(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--auth-port', '0', '--event-log', file, ...extra],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { status: out.status, stderr: out.stderr };
}

test.each([
  ['a binary file', (): Buffer => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), randomBytes(4096)])],
  ['a Markdown file', (): Buffer => Buffer.from('# Notes\n\n- keep this file\n- it is not an event log\n')],
  ['a JSON-lines file of something else', (): Buffer => Buffer.from('{"name":"alice"}\n{"name":"bob"}\n')],
])('--event-log on %s: exit 2 with EVENT_LOG_NOT_A_LOG, the file byte-for-byte untouched', (name, make) => {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.bin`);
  const bytes = make();
  writeFileSync(file, bytes);
  const { status, stderr } = serveRefusing(file);
  expect(status).toBe(2);
  expect(stderr).toContain('EVENT_LOG_NOT_A_LOG');
  expect(stderr.trim().split('\n')).toHaveLength(1); // one line, no stack trace
  expect(readFileSync(file).equals(bytes)).toBe(true);
  expect(existsSync(`${file}.tmp`)).toBe(false);
});

test('--event-log on a directory: exit 2 with a typed error', () => {
  const sub = join(dir, 'a-directory');
  mkdirSync(sub);
  const { status, stderr } = serveRefusing(sub);
  expect(status).toBe(2);
  expect(stderr).toMatch(/EVENT_LOG_(NOT_A_LOG|UNREADABLE)/);
});

test('--event-log-fsync with an unknown value: exit 2 naming the choices', () => {
  const { status, stderr } = serveRefusing(join(dir, 'never.jsonl'), ['--event-log-fsync', 'sometimes']);
  expect(status).toBe(2);
  expect(stderr).toContain('every, batched, off');
});

test('a new event log starts with its header line (format name and version)', async () => {
  const file = join(dir, 'new.jsonl');
  stacks.push(await startTestStack({ eventLogFile: file, eventLogFsync: 'every' }));
  const first = readFileSync(file, 'utf8').split('\n')[0];
  expect(JSON.parse(first)).toEqual({ format: EVENT_LOG_FORMAT, version: EVENT_LOG_VERSION });
});

test('a torn last line is reported and skipped; every run before it is kept', async () => {
  const file = join(dir, 'torn.jsonl');
  const first = await startTestStack({ eventLogFile: file });
  const alice = await connectAs(first, 'alice');
  const runs: string[] = [];
  for (const id of ['t-1', 't-2']) {
    const runId = String((await alice.start(id)).run_id);
    await alice.waitForTerminal(runId);
    runs.push(runId);
  }
  const seen = runs.map((runId) => alice.runEvents(runId));
  await first.close();
  appendFileSync(file, '{"type":"agent_thinking","run_id":"run_torn","se');

  const warnings: string[] = [];
  const logger = { debug() {}, info() {}, error() {}, warn: (msg: string) => void warnings.push(msg) };
  const second = await startTestStack({ eventLogFile: file }, { logger });
  stacks.push(second);
  expect(warnings).toContain('event log: torn last line skipped');
  const back = await connectAs(second, 'alice');
  for (const [i, runId] of runs.entries()) {
    back.send({ type: 'resume', run_id: runId, last_seq: 0 });
    await back.waitForTerminal(runId);
    expectCompleteRun(back.runEvents(runId));
    expect(back.runEvents(runId)).toEqual(seen[i]);
  }
  // The start-up compaction rewrote the file without the fragment.
  expect(readFileSync(file, 'utf8')).not.toContain('run_torn');
});

test('a compaction that cannot write its new file keeps the old one whole, and the provider goes on', async () => {
  const file = join(dir, 'compaction.jsonl');
  const first = await startTestStack({ eventLogFile: file });
  const alice = await connectAs(first, 'alice');
  const runId = String((await alice.start('c-1')).run_id);
  await alice.waitForTerminal(runId);
  await first.close();
  const before = readFileSync(file);
  mkdirSync(`${file}.tmp`); // the new file cannot be created: the rename must never happen

  const errors: string[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (msg: string) => void errors.push(msg) };
  const second = await startTestStack({ eventLogFile: file }, { logger });
  stacks.push(second);
  expect(errors).toContain('event log: compaction failed; the old file is kept');
  expect(readFileSync(file).subarray(0, before.length).equals(before)).toBe(true);
  const back = await connectAs(second, 'alice');
  back.send({ type: 'resume', run_id: runId, last_seq: 0 });
  await back.waitForTerminal(runId);
  expectCompleteRun(back.runEvents(runId));
  rmSync(`${file}.tmp`, { recursive: true });
});

test('idempotency across a restart: a retried start_agent gets DUPLICATE_REQUEST with the earlier run_id', async () => {
  const file = join(dir, 'idempotent.jsonl');
  // One retained run: the first run leaves retention, its request_id must still be remembered (from the log).
  const first = await startTestStack({ eventLogFile: file, maxRetainedRuns: 1 });
  const alice = await connectAs(first, 'alice');
  const started = await alice.start('pay-once');
  await alice.waitForTerminal(String(started.run_id));
  const other = await alice.start('another');
  await alice.waitForTerminal(String(other.run_id));
  await first.close();

  const second = await startTestStack({ eventLogFile: file, maxRetainedRuns: 1 });
  stacks.push(second);
  const back = await connectAs(second, 'alice');
  for (const [requestId, original] of [
    ['pay-once', started],
    ['another', other],
  ] as const) {
    expect(await back.start(requestId)).toMatchObject({
      type: 'error_message',
      error_code: 'DUPLICATE_REQUEST',
      request_id: requestId,
      run_id: original.run_id,
    });
  }
  // Another user's same request_id is another request.
  const bob = await connectAs(second, 'bob');
  expect(await bob.start('pay-once')).toMatchObject({ type: 'agent_started' });
  await bob.waitFor((m) => m.type === 'agent_completed');
});
