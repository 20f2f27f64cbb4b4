import { loadProtocol } from '../../../src/protocol';
import type { Stack } from '../../../src/provider';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  mergeExactlyOnce,
  startTestStack,
  type Msg,
} from '../../support/provider-harness';
import { sleep, waitUntil } from '../../support/util';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let stack: Stack;
let slow: Stack;

beforeAll(async () => {
  stack = await startTestStack();
  // Slow enough to act while a run is in flight.
  slow = await startTestStack({ thinkMs: 60, toolMs: 60 });
});
afterEach(afterEachCheck);
afterAll(async () => {
  await Promise.all([stack.close(), slow.close()]);
});

describe('a run', () => {
  test('streams agent_started .. agent_completed with seq 1..n, paired tools and one terminal', async () => {
    const alice = await connectAs(stack, 'alice');
    const started = await alice.start('req-full');
    expect(started).toMatchObject({ type: 'agent_started', seq: 1, request_id: 'req-full', user_id: 'alice' });
    expect(String(started.run_id)).toMatch(/^run_[A-Za-z0-9_-]{6,64}$/);
    expect(String(started.thread_id)).toMatch(/^thr_[A-Za-z0-9_-]{6,64}$/);
    const terminal = await alice.waitForTerminal(String(started.run_id));
    const events = alice.runEvents(String(started.run_id));
    expectCompleteRun(events);
    expect(terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
    const result = terminal.result as { recommendations: unknown[]; total_estimated_monthly_savings_usd: number };
    expect(result.recommendations.length).toBeGreaterThanOrEqual(3);
    expect(events.some((e) => e.type === 'agent_thinking')).toBe(true);
    expect(events.some((e) => e.type === 'tool_executing')).toBe(true);
    for (const e of events) {
      expect(String(e.timestamp)).toMatch(TIMESTAMP);
      expect(String(e.event_id)).toMatch(/^evt_[A-Za-z0-9_-]{6,64}$/);
    }
    const steps = events.filter((e) => e.type === 'agent_thinking').map((e) => e.step_number);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
  });

  test('uses the workload of start_agent.context', async () => {
    const alice = await connectAs(stack, 'alice');
    const context = {
      workload: [
        {
          model: 'gpt-4o',
          requests_per_month: 1_200_000,
          avg_input_tokens: 1800,
          avg_output_tokens: 350,
          latency_sensitivity: 'high',
        },
        { model: 'claude-3-5-sonnet', requests_per_month: 400_000, avg_input_tokens: 2500, avg_output_tokens: 600 },
      ],
    };
    const started = await alice.start('req-context', { context });
    const terminal = await alice.waitForTerminal(String(started.run_id));
    expectCompleteRun(alice.runEvents(String(started.run_id)));
    expect(terminal.type).toBe('agent_completed');
    expect(String(terminal.final_response)).toContain('gpt-4o');
    expect(String(terminal.final_response)).toContain('claude-3-5-sonnet');
    expect(String(terminal.final_response)).not.toContain('llama');
  });

  test('an AgentFailure becomes agent_error with its code and retryable', async () => {
    const alice = await connectAs(stack, 'alice');
    const context = {
      workload: [{ model: 'mystery-llm', requests_per_month: 1000, avg_input_tokens: 10, avg_output_tokens: 10 }],
    };
    const started = await alice.start('req-bad-workload', { context });
    const terminal = await alice.waitForTerminal(String(started.run_id));
    expectCompleteRun(alice.runEvents(String(started.run_id)));
    expect(terminal).toMatchObject({ type: 'agent_error', retryable: false });
    expect(['INVALID_WORKLOAD', 'TOOL_FAILED', 'UNKNOWN_MODEL']).toContain(terminal.code);
  });

  test('an unknown agent ends with agent_error UNKNOWN_AGENT', async () => {
    const alice = await connectAs(stack, 'alice');
    const started = await alice.start('req-unknown-agent', { agent_name: 'no_such_agent' });
    const terminal = await alice.waitForTerminal(String(started.run_id));
    expectCompleteRun(alice.runEvents(String(started.run_id)));
    expect(terminal).toMatchObject({ type: 'agent_error', code: 'UNKNOWN_AGENT', agent_name: 'no_such_agent' });
  });

  test('start_agent on the user own thread_id continues that thread', async () => {
    const alice = await connectAs(stack, 'alice');
    const first = await alice.start('req-thread-1');
    await alice.waitForTerminal(String(first.run_id));
    const second = await alice.start('req-thread-2', { thread_id: first.thread_id });
    expect(second).toMatchObject({ type: 'agent_started', thread_id: first.thread_id });
    expect(second.run_id).not.toBe(first.run_id);
    await alice.waitForTerminal(String(second.run_id));
  });
});

describe('refused start_agent', () => {
  test('a request_id reused by the same user gets DUPLICATE_REQUEST, even on another connection', async () => {
    const tab1 = await connectAs(stack, 'dana');
    const started = await tab1.start('req-dup');
    await tab1.waitForTerminal(String(started.run_id));
    const tab2 = await connectAs(stack, 'dana');
    const refused = await tab2.start('req-dup');
    // It names the run the request started (and its thread), so that the client can resume it.
    expect(refused).toMatchObject({
      type: 'error_message',
      error_code: 'DUPLICATE_REQUEST',
      request_id: 'req-dup',
      run_id: started.run_id,
      details: { thread_id: started.thread_id },
    });
    // Another user may use the same request_id.
    const erin = await connectAs(stack, 'erin');
    const erinRun = await erin.start('req-dup');
    expect(erinRun).toMatchObject({ type: 'agent_started' });
    await erin.waitForTerminal(String(erinRun.run_id));
  });

  test('a start whose connection died before agent_started: the retry gets the run_id and resumes it', async () => {
    const lost = await connectAs(slow, 'gina');
    const startedBefore = slow.provider.stats().runsStarted;
    lost.send({ type: 'start_agent', request_id: 'req-lost', user_request: 'Optimise my AI costs.' });
    // The server got it (the run exists); the client drops before it reads any answer.
    for (let i = 0; i < 200 && slow.provider.stats().runsStarted === startedBefore; i++) await sleep(5);
    await lost.drop();
    const again = await connectAs(slow, 'gina');
    const refused = await again.start('req-lost');
    expect(refused).toMatchObject({ type: 'error_message', error_code: 'DUPLICATE_REQUEST', request_id: 'req-lost' });
    const runId = String(refused.run_id);
    expect(runId).toMatch(/^run_[A-Za-z0-9_-]{6,64}$/);
    again.send({ type: 'resume', run_id: runId, last_seq: 0 });
    const terminal = await again.waitForTerminal(runId);
    // Whatever it got live after it joined plus the replay: the whole run, each event once, started by req-lost. The
    // live terminal can come before the replayed history: wait until every seq up to it is there.
    const held = () => new Set(again.runEvents(runId).map((m) => Number(m.seq)));
    await waitUntil(() => held().size >= Number(terminal.seq), 'the replayed history').catch(() => undefined);
    await sleep(20); // room for a duplicate to show up
    const events = mergeExactlyOnce(again.runEvents(runId));
    expectCompleteRun(events);
    expect(events[0]).toMatchObject({ type: 'agent_started', request_id: 'req-lost' });
    expect(events[0].thread_id).toBe((refused.details as Msg).thread_id);
    // Another user's repeat of that request_id starts its own run and learns nothing of gina's.
    const hank = await connectAs(slow, 'hank');
    const own = await hank.start('req-lost');
    expect(own).toMatchObject({ type: 'agent_started' });
    expect(own.run_id).not.toBe(runId);
    await hank.waitForTerminal(String(own.run_id));
  });

  test('past the per-user cap: TOO_MANY_RUNS; the running runs are unaffected', async () => {
    // The spec's cap (x-netra-limits): the rules judge a TOO_MANY_RUNS refusal against it, whatever the provider.
    const cap = loadProtocol().limits.max_concurrent_runs_per_user;
    const limited = await startTestStack({ thinkMs: 60, toolMs: 60 });
    try {
      const client = await connectAs(limited, 'fred');
      const running = [];
      for (let i = 1; i <= cap; i++) running.push(await client.start(`cap-${i}`));
      const refused = await client.start('cap-over');
      expect(refused).toMatchObject({ type: 'error_message', error_code: 'TOO_MANY_RUNS', request_id: 'cap-over' });
      for (const run of running) {
        expect((await client.waitForTerminal(String(run.run_id))).type).toBe('agent_completed');
        expectCompleteRun(client.runEvents(String(run.run_id)));
      }
      // Once they ended, the user may start again.
      const again = await client.start('cap-again');
      expect(again).toMatchObject({ type: 'agent_started' });
      await client.waitForTerminal(String(again.run_id));
      await client.close();
    } finally {
      await limited.close();
    }
  });
});

describe('cancel_run', () => {
  test('cancels a running run: open tool call completed, then agent_completed status cancelled', async () => {
    const alice = await connectAs(slow, 'alice');
    const started = await alice.start('req-cancel');
    const runId = String(started.run_id);
    await alice.waitFor((m) => m.run_id === runId && m.type === 'tool_executing');
    alice.send({ type: 'cancel_run', run_id: runId, request_id: 'cancel-1' });
    const terminal = await alice.waitForTerminal(runId);
    expect(terminal).toMatchObject({ type: 'agent_completed', status: 'cancelled' });
    const events = alice.runEvents(runId);
    expectCompleteRun(events);
    expect(events.length).toBeLessThan(12);
    // The tool call in flight when the cancel arrived is closed, not left dangling.
    expect(events[events.length - 2]).toMatchObject({
      type: 'tool_completed',
      status: 'error',
      error: { code: 'CANCELLED' },
    });
    expect(alice.frames.filter((m: Msg) => m.type === 'error_message')).toEqual([]);
  });

  test('cancel of a run that already ended gets RUN_NOT_ACTIVE', async () => {
    const alice = await connectAs(stack, 'alice');
    const started = await alice.start('req-ended');
    const runId = String(started.run_id);
    await alice.waitForTerminal(runId);
    const from = alice.mark();
    alice.send({ type: 'cancel_run', run_id: runId, request_id: 'cancel-late' });
    expect(await alice.nextError(from)).toMatchObject({
      error_code: 'RUN_NOT_ACTIVE',
      request_id: 'cancel-late',
      run_id: runId,
    });
  });
});
