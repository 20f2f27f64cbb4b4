// The frame fuzzer: at least 10,000 hostile frames from fast-check (tests/security/fuzz-frames.ts) over real sockets
// to one `netra-contracts serve` child process, spread over a pool of connections (one user each, so an answer is
// always this connection's). Every frame is accounted for: answered by a typed error_message (or agent_started for
// a message that happened to be valid), or it closed its connection with a documented close code, or it was not
// sent because an earlier frame of its batch had closed the connection. Meanwhile a bystander's runs complete, and
// at the end the same process is up and logged no internal error.
import fc from 'fast-check';
import { loadProtocol } from '../../src/protocol';
import { fetchDevToken } from '../../src/verify/auth';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  profile,
  sleep,
  spawnServe,
  type RecordingClient,
  type ServeProcess,
  type TestSession,
} from '../support';
import { hostileFrame, type FuzzFrame } from './fuzz-frames';

const FRAMES_PER_RUN = 400;
const RUNS = Number(process.env.FUZZ_RUNS ?? 26); // 10,400 frames
const POOL = 25;
/** A connection gets FRAMES_PER_RUN / POOL frames a run; a run lasts at least this long so the rate bucket refills. */
const MIN_RUN_MS = 900;
const DOCUMENTED_CLOSE_CODES = new Set(loadProtocol().closeCodes.keys());
const ANSWERS = new Set(['error_message', 'agent_started']);

interface Tally {
  sent: number;
  answered: number;
  closedBy: number;
  notSent: number;
  codes: Map<string, number>;
  closeCodes: Map<number, number>;
}

let serve: ServeProcess;
beforeAll(async () => {
  serve = await spawnServe({ thinkMs: 2, toolMs: 2, jitter: 0 });
}, 45_000);
afterAll(async () => {
  await serve?.stop();
  await killAllServe();
}, 30_000);

const count = <K>(map: Map<K, number>, key: K): void => void map.set(key, (map.get(key) ?? 0) + 1);
const answersSince = (client: RecordingClient, from: number): number =>
  client.frames.slice(from).filter((f) => ANSWERS.has(f.type)).length;

/** Sends one connection's share of a batch: the frames that must be answered first, then the closers. */
async function sendShare(
  client: RecordingClient,
  frames: FuzzFrame[],
  foreignToken: string,
  tally: Tally,
): Promise<void> {
  const from = client.mark();
  let expected = 0;
  for (const frame of frames.filter((f) => !f.closes)) {
    if (frame.kind === 'binary') client.sendRaw(frame.data, true);
    else client.sendRaw(frame.data as string | Buffer, false);
    expected++;
  }
  tally.sent += expected;
  await client.waitFor(() => answersSince(client, from) >= expected, {
    from,
    timeoutMs: 20_000,
    what: `answers to ${expected} frames (${frames.map((f) => f.note).join('; ')})`,
  });
  for (const m of client.frames.slice(from)) if (m.type === 'error_message') count(tally.codes, m.error_code as string);
  tally.answered += answersSince(client, from);
  const closers = frames.filter((f) => f.closes);
  if (closers.length === 0) return;
  const [first, ...rest] = closers;
  tally.sent++;
  if (first.kind === 'socket')
    (client.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(first.data);
  else if (first.kind === 'oversize') client.sendRaw(first.data);
  else client.send({ type: 'auth_refresh', request_id: 'fz-foreign', token: foreignToken });
  const { code } = await client.closed;
  count(tally.closeCodes, code);
  expect([first.note, DOCUMENTED_CLOSE_CODES.has(code)]).toEqual([first.note, true]);
  if (first.kind === 'foreign-token') {
    expect(client.frames.at(-1)).toMatchObject({ type: 'error_message', error_code: 'AUTH_USER_MISMATCH' });
    tally.answered++;
  } else {
    tally.closedBy++;
  }
  tally.notSent += rest.length;
  tally.sent += rest.length;
}

/** The bystander: one run after another until `done`, each must end agent_completed with contiguous seqs. */
async function bystanderLoop(session: TestSession, done: () => boolean): Promise<number> {
  const bystander = await connectUser(session, serve, 'fuzz-bystander');
  let completed = 0;
  while (!done() || completed === 0) {
    const runId = await bystander.startRun(`by-${completed}`);
    const terminal = await bystander.waitForTerminal(runId);
    expect(terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
    const seqs = bystander.runEvents(runId).map((e) => e.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    completed++;
    await sleep(200); // a person's pace, well under the frame rate limit
  }
  return completed;
}

test('10,000+ hostile frames: each answered with a typed error_message or a documented close; a bystander is served', async () => {
  // Every rule holds, on the ci profile's limits, except that the bystander's first event may take longer than
  // 500 ms: its latency under 10,000 hostile frames on a shared 2-core machine is the [hard] stress test's subject.
  const session = createTestSession({
    scenario: 'frame-fuzzer',
    keepRecords: false,
    profile: { ...profile('ci'), name: 'ci-fuzz', first_event_ms: 10_000 },
  });
  const tally: Tally = { sent: 0, answered: 0, closedBy: 0, notSent: 0, codes: new Map(), closeCodes: new Map() };
  const foreignToken = (await fetchDevToken(serve.authUrl, 'fuzz-victim')).access_token;
  let nextUser = 0;
  const fresh = (): Promise<RecordingClient> => connectUser(session, serve, `fuzz-${nextUser++}`);
  const pool = await Promise.all(Array.from({ length: POOL }, fresh));
  let fuzzing = true;
  const bystander = bystanderLoop(session, () => !fuzzing);
  bystander.catch(() => undefined); // awaited below; a failure there fails the test

  const details = await fc.check(
    fc.asyncProperty(
      fc.array(hostileFrame(), { minLength: FRAMES_PER_RUN, maxLength: FRAMES_PER_RUN }),
      async (batch) => {
        const started = Date.now();
        await Promise.all(
          pool.map((client, c) =>
            sendShare(
              client,
              batch.filter((_, i) => i % POOL === c),
              foreignToken,
              tally,
            ),
          ),
        );
        for (let c = 0; c < POOL; c++) if (!pool[c].isOpen) pool[c] = await fresh();
        await sleep(Math.max(0, MIN_RUN_MS - (Date.now() - started)));
      },
    ),
    { numRuns: RUNS, endOnFailure: true },
  );
  fuzzing = false;
  // The counterexample is 400 frames of up to 1 MiB: report the seed (replay with FC_SEED) and the error only.
  if (details.failed) {
    throw new Error(
      `frame fuzzer failed (seed ${details.seed}, run ${details.numRuns}): ${String(details.errorInstance)}`,
    );
  }
  const bystanderRuns = await bystander;

  const total = tally.answered + tally.closedBy + tally.notSent;
  expect(tally.sent).toBeGreaterThanOrEqual(10_000);
  expect(total).toBe(tally.sent);
  expect(bystanderRuns).toBeGreaterThan(0);
  // Most frames reached the parser and validator rather than the rate limiter.
  expect(tally.codes.get('RATE_LIMITED') ?? 0).toBeLessThan(tally.sent / 10);
  expect(serve.proc.exitCode).toBeNull();
  const logs = [...serve.lines, serve.stderr()].join('\n');
  expect(logs).not.toMatch(/"level":"error"|RangeError|nhandled/);
  process.stdout.write(
    `frame fuzzer: ${tally.sent} frames, ${tally.answered} answered, ${tally.closedBy} closed their connection, ` +
      `${tally.notSent} not sent (connection already closed); bystander runs ${bystanderRuns}; ` +
      `codes ${JSON.stringify(Object.fromEntries(tally.codes))}; closes ${JSON.stringify(Object.fromEntries(tally.closeCodes))}\n`,
  );
  for (const client of pool) await client.close();
  await expectNoViolations(session);
}, 120_000);
