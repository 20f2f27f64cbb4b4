// Mission-critical: every event valid. Every frame the server sends, for every kind of run and for every kind of bad
// client frame, matches the contract (schema.server-message on the generated validators, in the rules engine), and
// an event the server itself breaks never leaves it: the run ends with agent_error CONTRACT_VIOLATION instead.
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  FORECAST_REQUEST,
  MINIMAL_REQUEST,
  MULTI_TOOL_REQUEST,
  startTestStack,
  type TestStack,
} from '../support';

let breakFor: string | undefined;

describe('[medium] every event valid', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({
      provider: {
        thinkMs: 10,
        toolMs: 10,
        jitter: 0.3,
        // TEST-ONLY hook of the provider: drops the required `results` of tool_completed events of one user.
        faultInjection: {
          corruptEvent: (event) => {
            if (breakFor === undefined || event.user_id !== breakFor || event.type !== 'tool_completed') return event;
            const { results: _dropped, ...broken } = event;
            return broken;
          },
        },
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('[medium] every kind of run and every kind of refusal: every server frame matches the contract', async () => {
    const session = createTestSession('mc-every-event-valid');
    const gil = await connectUser(session, stack, 'gil');
    const runs = await Promise.all([
      gil.startRun('valid-minimal', MINIMAL_REQUEST),
      gil.startRun('valid-multi', MULTI_TOOL_REQUEST),
      gil.startRun('valid-forecast', FORECAST_REQUEST),
      gil.startRun('valid-forecaster-workload', { ...MULTI_TOOL_REQUEST, agent_name: 'spend_forecaster' }),
      gil.startRun('valid-bad-workload', {
        user_request: 'Go.',
        context: {
          workload: [{ model: 'mystery-llm', requests_per_month: 1, avg_input_tokens: 1, avg_output_tokens: 1 }],
        },
      }),
    ]);
    const cancelled = await gil.startRun('valid-cancel', MULTI_TOOL_REQUEST);
    gil.send({ type: 'cancel_run', run_id: cancelled });
    await Promise.all([...runs, cancelled].map((runId) => gil.waitForTerminal(runId)));

    // Bad client frames of every kind: each is answered by a valid error_message (the engine checks both).
    const bad: string[] = [
      'not json',
      JSON.stringify({ type: 'no_such_message', request_id: 'bad-1' }),
      JSON.stringify({ type: 'start_agent', request_id: 'bad-2', content: 'misspelt field' }),
      JSON.stringify({ type: 'resume', run_id: 'run_abcdef', last_seq: -1 }),
      JSON.stringify({ type: 'start_agent', request_id: 'bad-3', user_request: 'x'.repeat(70_000) }),
      `${'['.repeat(40)}${']'.repeat(40)}`,
      JSON.stringify({ type: 'start_agent', request_id: 'valid-minimal', user_request: 'Again.' }),
    ];
    const from = gil.mark();
    for (const frame of bad) gil.sendRaw(frame);
    gil.sendRaw(Buffer.from([1, 2, 3]));
    const refusals = () => gil.frames.slice(from).filter((m) => m.type === 'error_message');
    await gil.waitFor(() => refusals().length >= bad.length + 1, { from, what: 'every refusal' });
    const codes = refusals().map((m) => m.error_code);
    expect(codes).toEqual([
      'INVALID_JSON',
      'UNKNOWN_MESSAGE_TYPE',
      'SCHEMA_VALIDATION_FAILED',
      'SCHEMA_VALIDATION_FAILED',
      'FRAME_TOO_LARGE',
      'NESTING_TOO_DEEP',
      'DUPLICATE_REQUEST',
      'BINARY_NOT_SUPPORTED',
    ]);
    expect(gil.isOpen).toBe(true);
    await expectNoViolations(session);
    expect(session.checker.stats().frames).toBeGreaterThan(60);
  }, 60_000);

  it('[medium] an event the server breaks is never sent: the run ends with CONTRACT_VIOLATION and every frame stays valid', async () => {
    const session = createTestSession('mc-every-event-valid-guard');
    breakFor = 'hedy';
    try {
      const hedy = await connectUser(session, stack, 'hedy');
      const runId = await hedy.startRun('guard-1', MULTI_TOOL_REQUEST);
      expect(await hedy.waitForTerminal(runId)).toMatchObject({
        type: 'agent_error',
        code: 'CONTRACT_VIOLATION',
        retryable: false,
      });
      // The broken tool_completed was replaced by a valid one that says what happened.
      expect(hedy.runEvents(runId).find((e) => e.type === 'tool_completed')).toMatchObject({
        status: 'error',
        error: { code: 'CONTRACT_VIOLATION' },
      });
    } finally {
      breakFor = undefined;
    }
    await expectNoViolations(session);
  }, 30_000);
});
