import type { Logger, Stack } from '../../../src/provider';
import { afterEachCheck, connectAs, expectCompleteRun, startTestStack } from '../../support/provider-harness';

type Event = Record<string, unknown>;

let stack: Stack;
// TEST-ONLY hook target: which events of user 'victim' to break in this test.
let corrupt: ((event: Event) => Event) | undefined;
const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (msg, fields) => logged.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logged.push({ level: 'error', msg, fields }),
};

beforeAll(async () => {
  stack = await startTestStack(
    {
      faultInjection: {
        corruptEvent: (event) => (corrupt !== undefined && event.user_id === 'victim' ? corrupt(event) : event),
      },
    },
    { logger },
  );
});
afterEach(async () => {
  corrupt = undefined;
  logged.length = 0;
  await afterEachCheck(); // no client ever received an invalid frame
});
afterAll(async () => {
  await stack.close();
});

test('an invalid tool_completed is never sent: the tool call is closed and the run ends with CONTRACT_VIOLATION', async () => {
  corrupt = (event) => {
    if (event.type !== 'tool_completed') return event;
    const { results: _dropped, ...broken } = event;
    return broken;
  };
  const before = stack.provider.stats().contractViolations;
  const victim = await connectAs(stack, 'victim');
  const bystander = await connectAs(stack, 'bystander');
  const [run, other] = await Promise.all([victim.start('guard-1'), bystander.start('guard-other')]);
  const terminal = await victim.waitForTerminal(String(run.run_id));
  expect(terminal).toMatchObject({ type: 'agent_error', code: 'CONTRACT_VIOLATION', retryable: false });
  const events = victim.runEvents(String(run.run_id));
  expectCompleteRun(events);
  expect(events.map((e) => e.type)).toEqual([
    'agent_started',
    'agent_thinking',
    'tool_executing',
    'tool_completed',
    'agent_error',
  ]);
  expect(events[3]).toMatchObject({ status: 'error', results: {}, error: { code: 'CONTRACT_VIOLATION' } });
  expect(stack.provider.stats().contractViolations).toBe(before + 1);
  expect(logged).toContainEqual(
    expect.objectContaining({
      level: 'error',
      msg: expect.stringContaining('contract violation'),
      fields: expect.objectContaining({ run_id: run.run_id }),
    }),
  );
  // Another user's run is untouched.
  expect((await bystander.waitForTerminal(String(other.run_id))).type).toBe('agent_completed');
});

test('an invalid agent_started: a valid one is sent instead, then agent_error CONTRACT_VIOLATION', async () => {
  corrupt = (event) => (event.type === 'agent_started' ? { ...event, timestamp: 'yesterday' } : event);
  const victim = await connectAs(stack, 'victim');
  const from = victim.mark();
  victim.send({ type: 'start_agent', request_id: 'guard-2', user_request: 'Optimise my AI costs.' });
  const terminal = await victim.waitFor((m) => m.type === 'agent_error', { from });
  const events = victim.runEvents(String(terminal.run_id));
  expectCompleteRun(events);
  expect(events.map((e) => e.type)).toEqual(['agent_started', 'agent_error']);
  expect(events[0]).toMatchObject({ request_id: 'guard-2' });
  expect(terminal).toMatchObject({ code: 'CONTRACT_VIOLATION' });
});

test('a schema-valid event that breaks the run invariants (wrong seq) is refused too', async () => {
  corrupt = (event) => (event.type === 'agent_thinking' ? { ...event, seq: 99 } : event);
  const victim = await connectAs(stack, 'victim');
  const run = await victim.start('guard-3');
  const terminal = await victim.waitForTerminal(String(run.run_id));
  expect(terminal).toMatchObject({ type: 'agent_error', code: 'CONTRACT_VIOLATION', seq: 2 });
  expectCompleteRun(victim.runEvents(String(run.run_id)));
});

test('an invalid terminal event (empty final_response) ends the run with agent_error instead', async () => {
  corrupt = (event) => (event.type === 'agent_completed' ? { ...event, final_response: '' } : event);
  const victim = await connectAs(stack, 'victim');
  const run = await victim.start('guard-4');
  const terminal = await victim.waitForTerminal(String(run.run_id));
  expect(terminal).toMatchObject({ type: 'agent_error', code: 'CONTRACT_VIOLATION' });
  const events = victim.runEvents(String(run.run_id));
  expectCompleteRun(events);
  expect(events.filter((e) => e.type === 'agent_completed')).toEqual([]);
});
