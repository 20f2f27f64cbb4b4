// allOf beside keywords that read their siblings (issue 15's known gap). An allOf branch applies to every instance,
// so the names it declares are evaluated for the `unevaluatedProperties` of its object: moving a name between the
// object and a branch changes nothing, and the reader merges such branches. Keywords that only mean something next to
// a sibling of the same schema object (`items` after `prefixItems`, `minContains` with `contains`, `then` with `if`)
// must not be merged across branches. Every verdict is proved with ajv on instances.
import Ajv2020 from 'ajv/dist/2020';
import { breaksBackward, breaksForward, checkInstances, diffSchemas } from '../../../../src/registry';

const ajv = new Ajv2020({ strict: false });
const S = { type: 'string' };
const closed = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'object',
  properties: { a: S },
  unevaluatedProperties: false,
  ...extra,
});

function verdict(o: unknown, n: unknown): { backward: boolean; forward: boolean } {
  const kinds = diffSchemas(o, n).map((c) => c.kind);
  return { backward: kinds.some(breaksBackward), forward: kinds.some(breaksForward) };
}

function valid(schema: unknown, data: unknown): boolean {
  return ajv.validate(schema as object, data) as boolean;
}

describe('the same instances, written with and without an allOf beside unevaluatedProperties', () => {
  const pairs: [string, unknown, unknown, unknown[]][] = [
    [
      'a property moved from the object into an allOf branch',
      closed({ properties: { a: S, b: S } }),
      closed({ allOf: [{ properties: { b: S } }] }),
      [{ a: 'x', b: 'y' }, { b: 1 }, { c: 1 }],
    ],
    [
      'two allOf branches merged into one',
      closed({ allOf: [{ properties: { b: S } }, { properties: { c: S } }] }),
      closed({ allOf: [{ properties: { b: S, c: S } }] }),
      [{ b: 'x', c: 'y' }, { d: 1 }],
    ],
    [
      'a branch behind a $ref inlined',
      closed({ allOf: [{ $ref: '#/$defs/B' }], $defs: { B: { properties: { b: S } } } }),
      closed({ allOf: [{ properties: { b: S } }] }),
      [{ b: 'x' }, { b: 1 }, { c: 1 }],
    ],
    [
      'patternProperties and properties from different branches, no additionalProperties',
      { type: 'object', allOf: [{ properties: { a: S } }, { patternProperties: { '^x': S } }] },
      { type: 'object', properties: { a: S }, patternProperties: { '^x': S } },
      [{ a: 'x', xb: 1 }, { xb: 's' }],
    ],
    [
      'a false property in a branch removed',
      closed({ allOf: [{ properties: { b: false } }] }),
      closed(),
      [{ a: 'x' }, { b: 1 }],
    ],
  ];

  it.each(pairs)('%s: compatible both ways, and ajv agrees on every sample', (_name, o, n, samples) => {
    expect(verdict(o, n)).toEqual({ backward: false, forward: false });
    expect(verdict(n, o)).toEqual({ backward: false, forward: false });
    for (const x of samples) expect(valid(o, x)).toBe(valid(n, x));
    expect(checkInstances(o, n, { backward: true, forward: true, seed: 5 })).toEqual([]);
  });
});

describe('allOf branches beside unevaluatedProperties: the direction ajv proves', () => {
  // [name, old, new, backward witness (old accepts, new refuses), forward witness (new accepts, old refuses)]
  const pairs: [string, unknown, unknown, unknown, unknown][] = [
    ['branch declaring b removed', closed({ allOf: [{ properties: { b: S } }] }), closed(), { a: 'x', b: 'y' }, null],
    ['branch declaring b added', closed(), closed({ allOf: [{ properties: { b: S } }] }), null, { a: 'x', b: 'y' }],
    [
      'property removed inside a branch',
      closed({ allOf: [{ properties: { b: S, c: S } }] }),
      closed({ allOf: [{ properties: { b: S } }] }),
      { c: 'y' },
      null,
    ],
    [
      'a branch $ref removed',
      closed({ allOf: [{ $ref: '#/$defs/B' }], $defs: { B: { properties: { b: S } } } }),
      closed({ $defs: { B: { properties: { b: S } } } }),
      { b: 'y' },
      null,
    ],
    [
      'a name evaluated through if/then removed',
      closed({ if: true, then: { properties: { b: S } } }),
      closed(),
      { b: 'y' },
      null,
    ],
  ];

  it.each(pairs)('%s', (_name, o, n, back, fwd) => {
    const v = verdict(o, n);
    if (back !== null) {
      expect(valid(o, back)).toBe(true);
      expect(valid(n, back)).toBe(false);
      expect(v.backward).toBe(true);
    }
    if (fwd !== null) {
      expect(valid(n, fwd)).toBe(true);
      expect(valid(o, fwd)).toBe(false);
      expect(v.forward).toBe(true);
    }
    // Wherever the diff says compatible, generated instances do not disagree.
    expect(checkInstances(o, n, { backward: !v.backward, forward: !v.forward, seed: 5 })).toEqual([]);
  });
});

describe('keywords that read their siblings are not merged across allOf branches', () => {
  // Before: each pair was flattened into the schema on the right and reported as no change.
  const pairs: [string, unknown, unknown, unknown, 'backward' | 'forward'][] = [
    [
      'items after prefixItems',
      { type: 'array', allOf: [{ prefixItems: [S] }, { items: { type: 'integer' } }] },
      { type: 'array', prefixItems: [S], items: { type: 'integer' } },
      ['x', 1],
      'forward',
    ],
    [
      'minContains with contains',
      { type: 'array', allOf: [{ contains: S }, { minContains: 2 }] },
      { type: 'array', contains: S, minContains: 2 },
      ['x'],
      'backward',
    ],
    [
      'then with if',
      { allOf: [{ if: { type: 'string' } }, { then: { maxLength: 1 } }] },
      { if: { type: 'string' }, then: { maxLength: 1 } },
      'xx',
      'backward',
    ],
  ];

  it.each(pairs)('%s', (_name, o, n, witness, direction) => {
    const [accepts, refuses] = direction === 'backward' ? [o, n] : [n, o];
    expect(valid(accepts, witness)).toBe(true);
    expect(valid(refuses, witness)).toBe(false);
    expect(verdict(o, n)[direction]).toBe(true);
  });
});
