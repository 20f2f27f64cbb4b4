import { encodeEvent, eventText } from '../../../src/provider/hub/event-text';
import { textFrame } from '../../../src/provider/ws-frame';
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

test('a frozen result (agent_completed) or parameters (tool_executing) is spliced the same way', () => {
  const result = deepFreeze({ currency: 'USD', recommendations: [{ id: 'rec_1', title: 'x\n"y"' }], total: 0.5 });
  const completed = { type: 'agent_completed', status: 'success', final_response: 'done', result, seq: 9 };
  expect(eventText(completed)).toBe(JSON.stringify(completed));
  expect(eventText(completed)).toBe(JSON.stringify(completed)); // from the cached text
  expect(completed.result).toBe(result);
  const parameters = deepFreeze({ models: ['gpt-4o', 'llama-3.1-8b'], share: 0.35 });
  const executing = { type: 'tool_executing', tool_call_id: 'call_2', tool_name: 'cost_analyzer', parameters, seq: 3 };
  expect(eventText(executing)).toBe(JSON.stringify(executing));
  expect(executing.parameters).toBe(parameters);
});

test('the frame built with the text is the text frame of JSON.stringify(event), spliced or not', () => {
  const results = deepFreeze({ note: 'prix € — "é"', models: [{ usd: 1.25 }] });
  const spliced = { type: 'tool_completed', reasoning: 'ünïcode before', results, tail: 'and after ✓' };
  const plain = { type: 'agent_thinking', reasoning: 'déjà vu '.repeat(40), step_number: 2 };
  for (const event of [spliced, plain, { ...spliced, results: { open: true } }]) {
    const { text, frame } = encodeEvent(event);
    expect(text).toBe(JSON.stringify(event));
    expect(frame.equals(textFrame(JSON.stringify(event)))).toBe(true);
  }
});
