// What is NOT a change (reordering, refactoring into $refs and allOfs, moving constraints into union branches),
// termination on cycles, and robustness on arbitrary JSON.
import fc from 'fast-check';
import { canonicalJson, checkInstances, diffSchemas, fingerprint } from '../../../../src/registry';

const status = { type: 'string', enum: ['ok', 'failed'] };

describe('diffSchemas: no change', () => {
  it('ignores the order of properties, required names and enum-free keys', () => {
    const a = { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' }, b: status } };
    const b = { properties: { b: status, a: { type: 'string' } }, required: ['b', 'a'], type: 'object' };
    expect(diffSchemas(a, b)).toEqual([]);
    expect(fingerprint(a)).toBe(fingerprint(b));
  });

  it('sees a schema moved into $defs (components) and referenced as the same schema', () => {
    const inline = { type: 'object', properties: { s: status, t: status } };
    const referenced = {
      type: 'object',
      properties: { s: { $ref: '#/$defs/Status' }, t: { $ref: '#/$defs/Status' } },
      $defs: { Status: status },
    };
    expect(diffSchemas(inline, referenced)).toEqual([]);
    expect(diffSchemas(referenced, inline)).toEqual([]);
  });

  it('resolves $refs against the given document roots (payloads referencing components)', () => {
    const oldRoot = { components: { schemas: { S: { type: 'integer' } } } };
    const newRoot = { components: { schemas: { S: { type: 'number' } } } };
    const schema = { type: 'object', properties: { n: { $ref: '#/components/schemas/S' } } };
    expect(diffSchemas(schema, schema, { oldRoot, newRoot }).map((c) => [c.kind, c.path])).toEqual([
      ['TYPE_EXTENDED', '/properties/n/type'],
    ]);
  });

  it('flattens an allOf composition that changes nothing', () => {
    const flat = { type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'integer' } } };
    const composed = {
      allOf: [
        { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
        { properties: { b: { type: 'integer' } } },
      ],
    };
    expect(diffSchemas(flat, composed)).toEqual([]);
  });

  it('sees constraints moved from beside a oneOf into every branch as no change', () => {
    const before = {
      type: 'object',
      required: ['kind'],
      oneOf: [{ properties: { kind: { const: 'a' } } }, { properties: { kind: { const: 'b' } } }],
    };
    const after = {
      type: 'object',
      oneOf: [
        { type: 'object', required: ['kind'], properties: { kind: { type: 'string', const: 'a' } } },
        { type: 'object', required: ['kind'], properties: { kind: { type: 'string', const: 'b' } } },
      ],
    };
    expect(diffSchemas(before, after)).toEqual([]);
  });

  it('matches reordered oneOf branches by their discriminator', () => {
    const a = {
      oneOf: [
        { properties: { t: { const: 'x' } }, required: ['t'] },
        { properties: { t: { const: 'y' } }, required: ['t'] },
      ],
    };
    const b = { oneOf: [a.oneOf[1], a.oneOf[0]] };
    expect(diffSchemas(a, b)).toEqual([]);
  });

  it('treats an enum of strings as implying type string', () => {
    expect(diffSchemas({ enum: ['a'] }, { type: 'string', const: 'a' })).toEqual([]);
  });

  it('reports an edited branch inside it, not as a branch removed and added', () => {
    const a = {
      oneOf: [
        { type: 'object', properties: { t: { const: 'x' }, v: { type: 'string' } }, required: ['t'] },
        { type: 'string' },
      ],
    };
    const b = {
      oneOf: [
        { type: 'object', properties: { t: { const: 'x' }, v: { type: 'string', maxLength: 3 } }, required: ['t'] },
        { type: 'string' },
      ],
    };
    expect(diffSchemas(a, b).map((c) => [c.kind, c.path])).toEqual([
      ['MAX_LENGTH_ADDED', '/oneOf/0/properties/v/maxLength'],
    ]);
  });
});

describe('diffSchemas: cycles', () => {
  const tree = (leaf: unknown): unknown => ({
    $ref: '#/$defs/Node',
    $defs: {
      Node: {
        type: 'object',
        properties: { value: leaf, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
      },
    },
  });

  it('terminates on recursive schemas and reports a change once, where it is', () => {
    const changes = diffSchemas(tree({ type: 'integer' }), tree({ type: 'number' }));
    expect(changes.map((c) => [c.kind, c.path])).toEqual([['TYPE_EXTENDED', '/properties/value/type']]);
  });

  it('terminates on a schema that refers to its own root', () => {
    const a = { type: 'object', properties: { next: { $ref: '#' }, v: { type: 'string' } } };
    const b = { type: 'object', properties: { next: { $ref: '#' }, v: { type: 'string', minLength: 1 } } };
    expect(diffSchemas(a, b).map((c) => c.kind)).toEqual(['MIN_LENGTH_ADDED']);
  });

  it('names an unresolvable $ref change instead of guessing', () => {
    expect(diffSchemas({ $ref: '#/nowhere' }, { $ref: '#/elsewhere' }).map((c) => c.kind)).toEqual(['REF_CHANGED']);
    expect(diffSchemas({ $ref: 'other.json#/A' }, { $ref: 'other.json#/A' })).toEqual([]);
  });
});

describe('diffSchemas: robustness', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.boolean(),
      fc.integer(),
      fc.string({ maxLength: 4 }),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      tie('schema'),
    ),
    schema: fc.dictionary(
      fc.constantFrom(
        'type',
        'properties',
        'required',
        'items',
        'oneOf',
        'anyOf',
        'allOf',
        'enum',
        'const',
        'maxLength',
        'minimum',
        'additionalProperties',
        '$ref',
        'not',
        'if',
        'then',
        'x-a',
        'description',
        'prefixItems',
        'patternProperties',
        'dependencies',
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  }));

  it('never throws and names every change with a catalogue kind, on arbitrary JSON', () => {
    fc.assert(
      fc.property(json.value, json.value, (a, b) => {
        const changes = diffSchemas(a, b);
        for (const c of changes) {
          expect(c.detail.startsWith('internal:')).toBe(false);
          expect(typeof c.kind).toBe('string');
          expect(c.path.startsWith('/') || c.path === '').toBe(true);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('finds no change between a schema and itself (or its canonical copy)', () => {
    fc.assert(
      fc.property(json.value, (a) => {
        expect(diffSchemas(a, a)).toEqual([]);
        expect(diffSchemas(a, JSON.parse(canonicalJson(a)))).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('canonical form and fingerprints', () => {
  it('sorts keys and set-like arrays, keeps everything else', () => {
    expect(
      canonicalJson({
        type: ['string', 'null'],
        required: ['b', 'a'],
        enum: ['z', 'y'],
        properties: { required: { type: 'string' } },
      }),
    ).toBe(
      '{"enum":["z","y"],"properties":{"required":{"type":"string"}},"required":["a","b"],"type":["null","string"]}',
    );
  });

  it('fingerprints the full clean form, annotations included', () => {
    expect(fingerprint({ type: 'string' })).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fingerprint({ type: 'string', description: 'a' })).not.toBe(
      fingerprint({ type: 'string', description: 'b' }),
    );
  });
});

describe('canonical form', () => {
  it('is independent of key order inside malformed type lists and dependency arrays (found by fast-check)', () => {
    const a = { 'x-a': { type: [{ type: false, $ref: false }] }, dependencies: { p: [{ b: 1, a: 2 }] } };
    const b = { dependencies: { p: [{ a: 2, b: 1 }] }, 'x-a': { type: [{ $ref: false, type: false }] } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(diffSchemas(a, b)).toEqual([]);
  });
});

describe('diffSchemas: a zero lower bound is no constraint (found by fuzz-registry: reported as a break before)', () => {
  it.each([
    [{ type: 'string' }, { type: 'string', minLength: 0 }],
    [{ type: 'array' }, { type: 'array', minItems: 0 }],
    [{ type: 'object' }, { type: 'object', minProperties: 0 }],
  ])('%j -> %j changes nothing, and no instance tells them apart', (before, after) => {
    expect(diffSchemas(before, after)).toEqual([]);
    expect(diffSchemas(after, before)).toEqual([]);
    expect(checkInstances(before, after, { backward: true, forward: true, seed: 3 })).toEqual([]);
  });

  it('minContains: 0 added lowers the implied 1 (an array with no matching item passes now), 1 added changes nothing', () => {
    const kinds = diffSchemas(
      { type: 'array', contains: { type: 'string' } },
      {
        type: 'array',
        contains: { type: 'string' },
        minContains: 0,
      },
    ).map((c) => c.kind);
    expect(kinds).toEqual(['MIN_CONTAINS_DECREASED']);
    const old = { type: 'array', contains: { type: 'string' } };
    expect(diffSchemas(old, { ...old, minContains: 1 })).toEqual([]);
    const found = checkInstances(old, { ...old, minContains: 0 }, { backward: false, forward: true, seed: 3 });
    expect(found.map((d) => d.direction)).toEqual(['forward']);
  });
});
