import { eventText } from '../../../src/provider/hub/event-text';
import { deepFreeze } from '../../../src/util/deep-freeze';

test('the text of an event with frozen results is exactly JSON.stringify of the event, every time', () => {
  const results = deepFreeze({ models: [{ model: 'gpt-4o', usd: 1.5, note: 'a "quoted"\u0000 value' }], total: 3 });
  const event = {
    type: 'tool_completed',
    tool_call_id: 'call_1',
    status: 'success',
    results,
    error: { code: 'X', message: 'results' },
    execution_time_ms: 4,
  };
  expect(eventText(event)).toBe(JSON.stringify(event));
  expect(eventText({ ...event, seq: 2 })).toBe(JSON.stringify({ ...event, seq: 2 }));
  expect(event.results).toBe(results); // the event is given back as it came
});

test('events without frozen results are serialised as they are', () => {
  const event = { type: 'tool_completed', results: { a: 1 }, seq: 1 };
  expect(eventText(event)).toBe(JSON.stringify(event));
  expect(eventText({ type: 'agent_thinking', reasoning: 'r' })).toBe('{"type":"agent_thinking","reasoning":"r"}');
});
