import { generateFiles } from '../../../src/codegen';
import { refCycleOf } from '../../../src/codegen/schema-walk';
import type { Spec } from '../../../src/asyncapi';

// $ref -> $ref cycles reach codegen only from a Spec built by hand (the loader refuses them), but every walk must
// still end: ajv and json-schema-to-typescript would recurse on them until the stack runs out.

const cyclic = {
  type: 'object',
  properties: { type: { const: 'x' }, a: { $ref: '#/$defs/a' } },
  $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } },
};

describe('refCycleOf', () => {
  it('finds a cycle made of $refs only, with the way around', () => {
    expect(refCycleOf(cyclic)).toEqual({ ref: '#/$defs/a', chain: ['#/$defs/a', '#/$defs/b', '#/$defs/a'] });
    expect(refCycleOf({ $ref: '#' })).toEqual({ ref: '#', chain: ['#', '#'] });
  });

  it('does not call a recursive schema a cycle', () => {
    const tree = { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } };
    expect(refCycleOf(tree)).toBeUndefined();
    expect(
      refCycleOf({ $defs: { n: { type: 'object', properties: { next: { $ref: '#/$defs/n' } } } } }),
    ).toBeUndefined();
  });

  it('makes generateFiles refuse such a payload with a typed error instead of overflowing the stack', async () => {
    const spec: Spec = {
      file: 'hand.yaml',
      asyncapiVersion: '3.0.0',
      title: 'T',
      version: '1.0.0',
      messages: [{ name: 'x', type: 'x', direction: 'send', payload: cyclic, examples: [], extensions: {} }],
      channels: [],
      operations: [],
      servers: [],
      securitySchemes: [],
      raw: {},
    };
    await expect(generateFiles(spec)).rejects.toMatchObject({
      code: 'CODEGEN_SCHEMA_INVALID',
      message: expect.stringContaining("$ref '#/$defs/a' leads back to itself through $refs only"),
    });
  });
});
