// One place answers every failed message handler: a real failure (the event log's file hits the process's file-size
// limit, RLIMIT_FSIZE via prlimit, so the start_agent that must record its request_id durably cannot) is answered with
// a typed error_message, the process stays up, nothing is left unhandled, and a bystander is still served.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDevToken } from '../../../src/verify/auth';
import { afterEachCheck, expectCompleteRun, TestClient } from '../../support/provider-harness';
import { spawnServe, type ServeProcess } from '../../support/serve';

const LIMIT_BYTES = 48 * 1024;
let dir: string;
let serve: ServeProcess | undefined;

function hasPrlimit(): boolean {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'netra-handler-failure-'));
});
afterEach(async () => {
  if (serve !== undefined && serve.proc.exitCode === null) serve.proc.kill('SIGKILL');
  await afterEachCheck();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('an event log that cannot be written: start_agent answered INTERNAL_ERROR, process up, bystander served', async () => {
  // prlimit is util-linux, present wherever this project's CI runs (Linux); say so plainly if it is not.
  expect(hasPrlimit()).toBe(true);
  const file = join(dir, 'events.jsonl');
  serve = await spawnServe({
    args: ['--event-log', file, '--think-ms', '1', '--tool-ms', '1', '--log-level', 'info'],
    logLevel: null,
    prefix: ['prlimit', `--fsize=${LIMIT_BYTES}`, '--'],
  });
  const url = serve.listening.ws_url;
  const bobToken = (await fetchDevToken(serve.listening.auth_url, 'bob')).access_token;
  const aliceToken = (await fetchDevToken(serve.listening.auth_url, 'alice')).access_token;
  const bob = await TestClient.connect(url, { token: bobToken });
  const bobRun = String((await bob.start('bob-1')).run_id);
  await bob.waitForTerminal(bobRun);

  // Alice fills the log run by run until a start_agent can no longer be recorded.
  const alice = await TestClient.connect(url, { token: aliceToken });
  let refusal: Record<string, unknown> | undefined;
  for (let i = 0; i < 200 && refusal === undefined; i++) {
    const answer = await alice.start(`fill-${i}`);
    if (answer.type === 'error_message') refusal = answer;
    else await alice.waitForTerminal(String(answer.run_id));
  }
  expect(refusal).toMatchObject({ type: 'error_message', error_code: 'INTERNAL_ERROR' });
  expect(statSync(file).size).toBeLessThanOrEqual(LIMIT_BYTES);

  // The same process is up: alice's connection is open, bob's too, and bob still gets his run back.
  expect(serve.proc.exitCode).toBeNull();
  expect(alice.ws.readyState).toBe(alice.ws.OPEN);
  // A new connection is accepted (the handshake path is untouched) and resumes bob's run, all of it.
  const bobAgain = await TestClient.connect(url, { token: bobToken });
  bobAgain.send({ type: 'resume', run_id: bobRun, last_seq: 0 });
  await bobAgain.waitForTerminal(bobRun);
  expectCompleteRun(bobAgain.runEvents(bobRun));
  expect(bobAgain.runEvents(bobRun)).toEqual(bob.runEvents(bobRun));
  // The operator's log says what failed, without a token; nothing went unhandled.
  const log = serve.lines.join('\n');
  expect(log).toContain('"msg":"message handler failed"');
  expect(log).toContain('EVENT_LOG_WRITE_FAILED');
  expect(log).not.toContain(aliceToken);
  expect(serve.stderr()).not.toMatch(/Unhandled|UnhandledPromiseRejection|triggerUncaughtException/);
}, 90_000);
