// Mission-critical: isolation between users under concurrency. A connection carries its own user's runs and nothing
// of anyone else's, every tab of a user gets every event of the user's runs, and a user cannot reach into another
// user's run (resume, cancel, thread) or even learn whether it exists.
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  FORECAST_REQUEST,
  MULTI_TOOL_REQUEST,
  startTestStack,
  type Msg,
  type RecordingClient,
  type TestStack,
} from '../support';

const USERS = 12;

describe('[hard] isolation between users under concurrency', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ provider: { thinkMs: 40, toolMs: 40, jitter: 0.5 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("[hard] 12 users with two tabs each run at once: every tab gets exactly its user's runs, and foreign runs are unreachable", async () => {
    const session = createTestSession('mc-isolation');
    const names = Array.from({ length: USERS }, (_, i) => `iso${i}`);
    const tabs: [RecordingClient, RecordingClient][] = await Promise.all(
      names.map(
        async (u) =>
          [await connectUser(session, stack, u), await connectUser(session, stack, u, { via: 'subprotocol' })] as [
            RecordingClient,
            RecordingClient,
          ],
      ),
    );
    const started = await Promise.all(
      tabs.map(async ([a, b], i) => {
        const [first, second] = await Promise.all([
          a.start(`iso-${i}-a`, MULTI_TOOL_REQUEST),
          b.start(`iso-${i}-b`, FORECAST_REQUEST),
        ]);
        return [first, second] as [Msg, Msg];
      }),
    );
    const runsOf = started.map(([a, b]) => [a.run_id as string, b.run_id as string]);

    // While every run is going, each user reaches for the next user's run and thread, and for a run that does not exist.
    const probes = await Promise.all(
      tabs.map(async ([a], i) => {
        const victim = (i + 1) % USERS;
        const from = a.mark();
        a.send({ type: 'resume', run_id: runsOf[victim][0], last_seq: 0, request_id: `probe-resume-${i}` });
        a.send({ type: 'cancel_run', run_id: runsOf[victim][1], request_id: `probe-cancel-${i}` });
        a.send({ type: 'resume', run_id: `run_nonexistent${i}x`, last_seq: 0, request_id: `probe-unknown-${i}` });
        a.send({
          type: 'start_agent',
          request_id: `probe-thread-${i}`,
          user_request: 'Continue.',
          thread_id: started[victim][0].thread_id,
        });
        const answer = (id: string): Promise<Msg> =>
          a.waitFor((m) => m.type === 'error_message' && m.request_id === id, { from, what: id });
        return Promise.all([
          answer(`probe-resume-${i}`),
          answer(`probe-cancel-${i}`),
          answer(`probe-unknown-${i}`),
          answer(`probe-thread-${i}`),
        ]);
      }),
    );
    for (const [foreignResume, foreignCancel, unknownResume, foreignThread] of probes) {
      expect([foreignResume, foreignCancel, unknownResume, foreignThread].map((m) => m.error_code)).toEqual([
        'FORBIDDEN',
        'FORBIDDEN',
        'FORBIDDEN',
        'FORBIDDEN',
      ]);
      // A foreign run and a run that does not exist are indistinguishable.
      expect(foreignResume.error_message).toBe(unknownResume.error_message);
    }

    // Every run ends untouched by the probes (no cancel got through), on both tabs of its user.
    await Promise.all(
      tabs.flatMap((pair, i) => pair.flatMap((tab) => runsOf[i].map((runId) => tab.waitForTerminal(runId, 40_000)))),
    );
    for (const [i, pair] of tabs.entries()) {
      for (const tab of pair) {
        expect([...tab.ledger.runs.keys()].sort()).toEqual([...runsOf[i]].sort());
        for (const runId of runsOf[i]) {
          expect(tab.ledger.runs.get(runId)?.terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
          expect(tab.ledger.complete(runId)).toBe(true);
        }
      }
    }
    await expectNoViolations(session);
  }, 90_000);
});
