// Mission-critical: no event lost or duplicated across drop + resume. A client that loses its connection at any
// point of a run, once or many times, reconnects, sends `resume` with the last seq it holds, and ends up holding
// every event of the run exactly once. The rules engine checks every connection's stream (seq.*, resume-continues).
import { NetraClient } from '../../generated/client';
import { fetchDevToken } from '../../src/verify/auth';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  MULTI_TOOL_REQUEST,
  recordingWebSocket,
  RunLedger,
  sleep,
  startTestStack,
  type RecordingClient,
  type TestSession,
  type TestStack,
} from '../support';

/** Resolves once the client application holds the whole run (terminal and every seq before it). */
function untilComplete(client: RecordingClient, runId: string, timeoutMs = 20_000): Promise<unknown> {
  return client.waitFor(() => client.ledger.complete(runId), { timeoutMs, what: `all of ${runId}` });
}

/** Resolves after the client received `count` more events of the run. */
function afterEvents(client: RecordingClient, runId: string, count: number): Promise<unknown> {
  let seen = 0;
  return client.waitFor((m) => m.run_id === runId && ++seen >= count, {
    from: client.mark(),
    what: `${count} events of ${runId}`,
  });
}

describe('[hard] no event lost or duplicated across drop and resume', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ clientProxy: true, provider: { thinkMs: 80, toolMs: 80, jitter: 0.3 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[hard] a drop after the 1st, 2nd, ... 12th event (twice for some), then resume: every run held exactly once', async () => {
    const session = createTestSession('mc-exactly-once-positions');
    const positions = [1, 2, 3, 4, 5, 6, 8, 10, 12];
    await Promise.all(
      positions.map(async (k) => {
        const user = `pos${k}`;
        const first = await connectUser(session, stack, user);
        const runId = await first.startRun(`pos-${k}`, MULTI_TOOL_REQUEST);
        await afterEvents(first, runId, k - 1); // agent_started was the first
        await first.drop();
        // Gone for a while: the run goes on without this client.
        await sleep(30 + 20 * k);
        const second = await connectUser(session, stack, user, { ledger: first.ledger });
        second.resume(runId);
        if (k % 2 === 0 && !second.ledger.complete(runId)) {
          // A second drop, a short way into the replay or the live tail.
          await afterEvents(second, runId, 2).catch(() => undefined);
          await second.drop();
          const third = await connectUser(session, stack, user, { ledger: first.ledger });
          third.resume(runId);
          await untilComplete(third, runId);
        } else {
          await untilComplete(second, runId);
        }
        expect(first.ledger.complete(runId)).toBe(true);
        expect(first.ledger.repeats).toBe(0);
      }),
    );
    await expectNoViolations(session);
  }, 60_000);

  it('[hard] the network resets every connection at random (mean life 300 ms) while runs go on: every run held exactly once', async () => {
    const session = createTestSession('mc-exactly-once-resets');
    const proxy = stack.clientProxy!;
    const users = Array.from({ length: 8 }, (_, i) => `reset${i}`);
    const tokens = await Promise.all(users.map((u) => fetchDevToken(stack.authUrl, u)));
    const firsts = await Promise.all(
      users.map((u, i) => connectUser(session, stack, u, { token: tokens[i].access_token })),
    );
    // Runs start before the faults begin: a start whose answer is lost cannot be resumed (the client has no run id).
    const runs = await Promise.all(firsts.map((c, i) => c.startRun(`reset-${i}`, MULTI_TOOL_REQUEST)));
    proxy.addToxic({ name: 'random_resets', kind: 'reset', stream: 'both', ratePerSecond: 1 / 0.3 });
    const resetsBefore = proxy.stats().resets;
    try {
      const reconnects = await Promise.all(
        users.map((u, i) =>
          followUntilComplete(session, stack, u, tokens[i].access_token, firsts[i].ledger, runs[i], firsts[i]),
        ),
      );
      expect(reconnects.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(users.length);
    } finally {
      proxy.removeToxic('random_resets');
    }
    expect(proxy.stats().resets - resetsBefore).toBeGreaterThanOrEqual(users.length);
    for (const [i, first] of firsts.entries()) {
      expect(first.ledger.complete(runs[i])).toBe(true);
      expect(first.ledger.repeats).toBe(0);
    }
    await expectNoViolations(session);
  }, 90_000);

  it('[hard] the generated client reconnects and resumes by itself through random resets: every run held exactly once', async () => {
    const session = createTestSession('mc-exactly-once-generated-client');
    const proxy = stack.clientProxy!;
    const clients = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const token = (await fetchDevToken(stack.authUrl, `sdk${i}`)).access_token;
        const client = new NetraClient({
          url: stack.wsUrl,
          token,
          via: i % 2 === 0 ? 'header' : 'subprotocol',
          WebSocket: recordingWebSocket(session),
          reconnectDelayMs: 20,
          maxReconnectDelayMs: 200,
          maxReconnectAttempts: 50,
        });
        let reconnects = 0;
        client.on('resumed', () => reconnects++);
        await client.connect();
        return { client, reconnects: () => reconnects };
      }),
    );
    // Runs start before the faults begin (see above: a lost start cannot be resumed).
    const runs = await Promise.all(
      clients.map(({ client }, i) => client.startAgent({ ...MULTI_TOOL_REQUEST, request_id: `sdk-${i}` })),
    );
    proxy.addToxic({ name: 'sdk_resets', kind: 'reset', stream: 'both', ratePerSecond: 1 / 0.3 });
    try {
      const ends = await Promise.all(clients.map(({ client }, i) => client.waitForRun(runs[i].run_id)));
      expect(ends.every((end) => end.type === 'agent_completed')).toBe(true);
    } finally {
      proxy.removeToxic('sdk_resets');
    }
    expect(clients.reduce((n, c) => n + c.reconnects(), 0)).toBeGreaterThan(0);
    for (const [i, { client }] of clients.entries()) {
      const state = client.runs.get(runs[i].run_id)!;
      // Every seq from 1 to the terminal's, once each (the client itself drops a seq it already holds).
      expect(state.lastSeq).toBe(state.terminal!.seq);
      expect(state.events.length).toBe(state.terminal!.seq);
      await client.close();
    }
    await expectNoViolations(session);
  }, 90_000);
});

/**
 * What a client application does on a flaky network: whenever its connection dies, reconnect and resume from the
 * last seq it holds, until it holds the whole run. Returns how many reconnections it took.
 */
async function followUntilComplete(
  session: TestSession,
  stack: TestStack,
  user: string,
  token: string,
  ledger: RunLedger,
  runId: string,
  current: RecordingClient,
): Promise<number> {
  const deadline = Date.now() + 45_000;
  let reconnects = 0;
  let client = current;
  for (;;) {
    await Promise.race([untilComplete(client, runId, 45_000).catch(() => undefined), client.closed]);
    if (ledger.complete(runId)) return reconnects;
    if (Date.now() > deadline)
      throw new Error(
        `${user}: run ${runId} not complete after ${reconnects} reconnects; holds ${ledger.lastSeq(runId)}`,
      );
    await client.close();
    for (;;) {
      try {
        client = await connectUser(session, stack, user, { token, ledger, timeoutMs: 5_000 });
        break;
      } catch {
        // reset during the handshake: try again
        if (Date.now() > deadline) throw new Error(`${user}: cannot reconnect`);
        await sleep(20);
      }
    }
    reconnects++;
    client.resume(runId);
  }
}
