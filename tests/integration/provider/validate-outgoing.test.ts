import type { Stack } from '../../../src/provider';
import {
  closeAllClients,
  connectAs,
  expectCompleteRun,
  finishRulesSession,
  startTestStack,
  takeInvalidFrames,
} from '../../support/provider-harness';

// `validateOutgoing: false` (`serve --no-validate-outgoing`): the generated validator is skipped for run events, the
// run invariants are not. Proven with the TEST-ONLY fault injection: a schema-invalid event now reaches the wire
// (which is what the switch trades away), while a wrong seq is still refused.
type Event = Record<string, unknown>;

let stack: Stack;
let corrupt: ((event: Event) => Event) | undefined;

beforeAll(async () => {
  stack = await startTestStack({
    validateOutgoing: false,
    faultInjection: { corruptEvent: (event) => (corrupt !== undefined ? corrupt(event) : event) },
  });
});
afterEach(async () => {
  corrupt = undefined;
  await closeAllClients();
  finishRulesSession();
});
afterAll(async () => {
  await stack.close();
});

test('off: a schema-invalid run event is sent as built (the generated validator did not run)', async () => {
  corrupt = (event) => (event.type === 'agent_thinking' ? { ...event, timestamp: 'yesterday' } : event);
  const before = stack.provider.stats().contractViolations;
  const client = await connectAs(stack, 'unvalidated');
  const run = await client.start('off-1');
  const terminal = await client.waitForTerminal(String(run.run_id));
  expect(terminal.type).toBe('agent_completed');
  const thinking = client.runEvents(String(run.run_id)).filter((e) => e.type === 'agent_thinking');
  expect(thinking.length).toBeGreaterThan(0);
  expect(thinking.every((e) => e.timestamp === 'yesterday')).toBe(true);
  expect(stack.provider.stats().contractViolations).toBe(before);
  await closeAllClients();
  expect(takeInvalidFrames().length).toBe(thinking.length);
});

test('off: the run invariants still hold (a wrong seq ends the run with CONTRACT_VIOLATION)', async () => {
  corrupt = (event) => (event.type === 'agent_thinking' ? { ...event, seq: 99 } : event);
  const client = await connectAs(stack, 'invariants');
  const run = await client.start('off-2');
  const terminal = await client.waitForTerminal(String(run.run_id));
  expect(terminal).toMatchObject({ type: 'agent_error', code: 'CONTRACT_VIOLATION', seq: 2 });
  expectCompleteRun(client.runEvents(String(run.run_id)));
  await closeAllClients();
  expect(takeInvalidFrames()).toEqual([]);
});
