// The AsyncAPI specification's schemas are compiled once per parser process and shared between documents
// (src/asyncapi/shared-spec-schemas.ts): each document must still be judged against them on its own.
import { loadSpecFromString, SpecError } from '../../../src/asyncapi';

jest.setTimeout(60_000);

const valid = (title: string): string => `asyncapi: 3.0.0
info: { title: ${title}, version: 1.0.0 }
channels:
  socket:
    address: /ws
    messages:
      ping: { payload: { type: object, properties: { type: { const: ping } } } }
operations:
  receivePing: { action: receive, channel: { $ref: '#/channels/socket' } }
`;
// `action` must be send or receive: a violation of the specification's own schema.
const invalid = valid('Broken').replace('action: receive', 'action: listen');

async function outcome(text: string): Promise<string> {
  try {
    const spec = await loadSpecFromString(text, 'doc.yaml');
    return `ok ${spec.title}`;
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return `${err.code} ${err.diagnostics.map((d) => d.code).join(',')}`;
  }
}

it('valid, invalid, valid documents in one thread: each judged against the specification on its own', async () => {
  expect(await outcome(valid('First'))).toBe('ok First');
  const broken = await outcome(invalid);
  expect(broken).toMatch(/^SPEC_INVALID /);
  expect(await outcome(valid('Second'))).toBe('ok Second');
  expect(await outcome(invalid)).toBe(broken);
});
