import * as path from 'node:path';
import { loadSpec, type SpecMessage } from '../../../src/asyncapi';
import * as validators from '../../../generated/validators';
import type { SchemaError, Validated } from '../../../generated/validators';

// The first load starts the loader's worker process and builds the AsyncAPI parser: seconds on a loaded machine.
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');

let messages: SpecMessage[] = [];
beforeAll(async () => {
  messages = (await loadSpec(path.join(ROOT, 'asyncapi.yaml'))).messages;
});

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function firstExample(name: string): Record<string, unknown> {
  const message = messages.find((m) => m.name === name);
  if (message === undefined || message.examples.length === 0) throw new Error(`no example for ${name}`);
  return clone(message.examples[0].payload) as Record<string, unknown>;
}

/** Validates as the receiving side would: client messages with validateClientMessage, server ones with the other. */
function validate(name: string, msg: unknown): Validated<unknown> {
  return validators.messageNames.client.includes(name)
    ? validators.validateClientMessage(msg)
    : validators.validateServerMessage(msg);
}

function firstError(result: Validated<unknown>): SchemaError {
  if (result.ok) throw new Error('expected the message to be refused');
  return result.errors[0];
}

const CLIENT = ['start_agent', 'resume', 'cancel_run', 'auth_refresh'];
const SERVER = [
  'connection_established',
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
  'agent_error',
  'error_message',
];
const RUN_EVENTS = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
  'agent_error',
];

describe('generated validators: the contract messages', () => {
  it('splits the 12 messages into 4 client and 8 server messages', () => {
    expect([...validators.messageNames.client]).toEqual(CLIENT);
    expect([...validators.messageNames.server]).toEqual(SERVER);
  });

  it.each([...CLIENT, ...SERVER])('%s: every example of the spec passes, by type and by name', (name) => {
    const message = messages.find((m) => m.name === name) as SpecMessage;
    expect(message.examples.length).toBeGreaterThan(0);
    for (const example of message.examples) {
      const result = validate(name, example.payload);
      expect(result).toEqual({ ok: true, value: example.payload });
      expect(validators.validateMessage(name, example.payload).ok).toBe(true);
    }
  });

  it.each([...CLIENT, ...SERVER])('%s: each missing required field is reported at its own pointer', (name) => {
    const schema = (messages.find((m) => m.name === name) as SpecMessage).payload as { required: string[] };
    for (const field of schema.required.filter((f) => f !== 'type')) {
      const msg = firstExample(name);
      delete msg[field];
      expect(firstError(validate(name, msg))).toMatchObject({ pointer: `/${field}`, keyword: 'required' });
    }
  });

  it.each([...CLIENT, ...SERVER])('%s: a missing or unknown type is a discriminator error at /type', (name) => {
    const msg = firstExample(name);
    delete msg.type;
    expect(firstError(validate(name, msg))).toMatchObject({ pointer: '/type', keyword: 'discriminator' });
    expect(firstError(validate(name, { ...firstExample(name), type: 'no_such_type' }))).toMatchObject({
      pointer: '/type',
      keyword: 'discriminator',
    });
  });

  it.each([...CLIENT, ...SERVER])('%s: a field of the wrong type is reported at its pointer', (name) => {
    const msg = firstExample(name);
    const field = Object.keys(msg).find((k) => k !== 'type' && typeof msg[k] === 'string') as string;
    msg[field] = 42;
    expect(firstError(validate(name, msg))).toMatchObject({ pointer: `/${field}`, keyword: 'type' });
  });

  it.each(CLIENT)('%s (closed): an unknown field is refused at its own pointer', (name) => {
    const result = validate(name, { ...firstExample(name), content: 'misspelt text' });
    expect(firstError(result)).toEqual({
      pointer: '/content',
      keyword: 'additionalProperties',
      message: 'must NOT have additional properties',
    });
  });

  it.each(SERVER)('%s (open): an unknown field is accepted', (name) => {
    expect(validate(name, { ...firstExample(name), added_later: { any: 'thing' } }).ok).toBe(true);
  });

  it.each(RUN_EVENTS)('%s: seq 0 and a malformed timestamp are refused', (name) => {
    expect(firstError(validate(name, { ...firstExample(name), seq: 0 }))).toMatchObject({
      pointer: '/seq',
      keyword: 'minimum',
    });
    expect(firstError(validate(name, { ...firstExample(name), seq: 1.5 }))).toMatchObject({
      pointer: '/seq',
      keyword: 'type',
    });
    const spaced = validate(name, { ...firstExample(name), timestamp: '2026-11-24 10:15:31.090Z' });
    expect(firstError(spaced)).toMatchObject({ pointer: '/timestamp', keyword: 'pattern' });
    // Matches the pattern, but there is no 13th month: the date-time format catches it.
    const impossible = validate(name, { ...firstExample(name), timestamp: '2026-13-24T10:15:31.090Z' });
    expect(firstError(impossible)).toMatchObject({ pointer: '/timestamp', keyword: 'format' });
  });

  it('agent_thinking: empty reasoning is refused', () => {
    const result = validate('agent_thinking', { ...firstExample('agent_thinking'), reasoning: '' });
    expect(firstError(result)).toMatchObject({ pointer: '/reasoning', keyword: 'minLength' });
  });

  it('start_agent: nested workload errors point into the array', () => {
    const missing = firstExample('start_agent') as any;
    delete missing.context.workload[1].model;
    expect(firstError(validate('start_agent', missing))).toMatchObject({
      pointer: '/context/workload/1/model',
      keyword: 'required',
    });
    const extra = firstExample('start_agent') as any;
    extra.context.workload[0].vendor = 'x';
    expect(firstError(validate('start_agent', extra))).toMatchObject({ pointer: '/context/workload/0/vendor' });
    const empty = firstExample('start_agent') as any;
    empty.context.workload = [];
    expect(firstError(validate('start_agent', empty))).toMatchObject({
      pointer: '/context/workload',
      keyword: 'minItems',
    });
  });

  it('agent_completed: nested result errors point into recommendations', () => {
    const msg = firstExample('agent_completed') as any;
    msg.result.recommendations[2].estimated_monthly_savings_usd = -1;
    const error = firstError(validate('agent_completed', msg));
    expect(error).toMatchObject({
      pointer: '/result/recommendations/2/estimated_monthly_savings_usd',
      keyword: 'minimum',
    });
  });

  it.each([null, [], 'start_agent', 7, true, undefined])('a non-object (%p) is refused at the root', (msg) => {
    expect(firstError(validators.validateClientMessage(msg))).toMatchObject({ pointer: '', keyword: 'type' });
    expect(firstError(validators.validateServerMessage(msg))).toMatchObject({ pointer: '', keyword: 'type' });
  });

  it('a client message sent as a server message (and the reverse) is an unknown type', () => {
    expect(firstError(validators.validateServerMessage(firstExample('start_agent')))).toMatchObject({
      pointer: '/type',
    });
    expect(firstError(validators.validateClientMessage(firstExample('agent_started')))).toMatchObject({
      pointer: '/type',
    });
  });

  it('validateMessage refuses an unknown message name instead of throwing', () => {
    expect(firstError(validators.validateMessage('nope', {}))).toMatchObject({ pointer: '', keyword: 'message' });
  });

  it('escapes ~ and / in the pointer of a missing or extra property (RFC 6901)', () => {
    const result = validators.validateClientMessage({ type: 'cancel_run', run_id: 'run_abcdefg', 'a/b~c': 1 });
    expect(firstError(result).pointer).toBe('/a~1b~0c');
  });
});
