// Every schema walk of the registry ends, on cyclic references (used or not), on objects that contain themselves,
// on very deep nesting and on unions nested in unions: with a result or a named, conservative change, never a hang,
// a stack overflow or an untyped error.
import fc from 'fast-check';
import {
  canonicalJson,
  canonicalSchema,
  diffSchemas,
  fingerprint,
  generateInstances,
  RegistryError,
} from '../../../../src/registry';
import { canonicalText, canonicalTextCache } from '../../../../src/registry/diff/canonical';
import { schemaCases } from './kinds/all-cases';

function nested(depth: number, leaf: unknown): unknown {
  let s = leaf;
  for (let i = 0; i < depth; i++) s = { type: 'object', properties: { x: s } };
  return s;
}

function unions(width: number, depth: number, tag: string): unknown {
  if (depth === 0) return { type: 'string', maxLength: tag.length + 1, title: tag };
  return { anyOf: Array.from({ length: width }, (_, i) => unions(width, depth - 1, `${tag}${i}`)) };
}

describe('cyclic references', () => {
  const cycle = { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } };

  it('an unused $ref cycle in $defs changes nothing and ends', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, $defs: cycle };
    expect(diffSchemas(schema, structuredClone(schema))).toEqual([]);
  });

  it('a used $ref -> $ref cycle is an unresolved reference (compared by name), both sides and one side', () => {
    const used = { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: cycle };
    expect(diffSchemas(used, structuredClone(used))).toEqual([]);
    const plain = { type: 'object', properties: { a: { type: 'string' } } };
    expect(diffSchemas(plain, used).map((c) => c.kind)).toEqual(['REF_CHANGED']);
  });

  it('a reference to itself ends', () => {
    const self = { $defs: { A: { $ref: '#/$defs/A' } }, properties: { a: { $ref: '#/$defs/A' } } };
    expect(diffSchemas(self, { ...self, type: 'object' }).map((c) => c.kind)).toEqual(['TYPE_NARROWED']);
  });

  it('the instance generator ends on cyclic and recursive references', () => {
    const recursive = { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#' } } } };
    expect(generateInstances(recursive, recursive, 1).length).toBeGreaterThan(0);
    const used = { type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: cycle };
    expect(generateInstances(used, used, 1).length).toBeGreaterThan(0);
  });
});

describe('objects that contain themselves', () => {
  it('the canonical form refuses them with SCHEMA_CYCLIC', () => {
    const loop: Record<string, unknown> = { type: 'object' };
    loop.properties = { self: loop };
    expect(() => canonicalJson(loop)).toThrow(RegistryError);
    try {
      fingerprint(loop);
    } catch (err) {
      expect((err as RegistryError).code).toBe('SCHEMA_CYCLIC');
    }
  });

  it('the diff names them as SCHEMA_COMPARISON_LIMIT_REACHED instead of crashing', () => {
    const loop: Record<string, unknown> = { type: 'object' };
    loop.properties = { self: loop };
    const changes = diffSchemas({ type: 'object' }, loop);
    expect(changes.map((c) => c.kind)).toContain('SCHEMA_COMPARISON_LIMIT_REACHED');
  });
});

describe('size and depth', () => {
  it('a schema nested 5,000 levels deep ends with a typed error from the canonical form', () => {
    let caught: unknown;
    try {
      canonicalSchema(nested(5000, { type: 'string' }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RegistryError);
    expect((caught as RegistryError).code).toBe('SCHEMA_TOO_DEEP');
  });

  it('a difference below the depth the diff descends to is named, not dropped', () => {
    const changes = diffSchemas(nested(300, { type: 'string' }), nested(300, { type: 'integer' }));
    expect(changes.map((c) => c.kind)).toEqual(['SCHEMA_COMPARISON_LIMIT_REACHED']);
  });

  it('unions nested in unions stop at the work limit with one named change', () => {
    const changes = diffSchemas(unions(5, 4, 'a'), unions(5, 4, 'b'), { maxComparisons: 2000 });
    expect(changes.map((c) => c.kind)).toContain('SCHEMA_COMPARISON_LIMIT_REACHED');
  });

  it('the instance generator is bounded and deterministic', () => {
    const wide = unions(6, 4, 'a');
    const a = generateInstances(wide, wide, 42);
    expect(a.length).toBeLessThanOrEqual(120);
    expect(generateInstances(wide, wide, 42)).toEqual(a);
  });
});

describe('canonicalText', () => {
  it('is the text canonicalJson gives, for every schema of the kind catalogue', () => {
    for (const c of schemaCases) {
      for (const schema of [c.old, c.new])
        expect(canonicalText(schema, canonicalTextCache())).toBe(canonicalJson(schema));
    }
  });

  it('keeps a property named __proto__ (as an own key, in the canonical form and the text alike)', () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}') as unknown;
    expect(canonicalJson(schema)).toBe('{"properties":{"__proto__":{"type":"string"}},"type":"object"}');
    expect(canonicalText(schema, canonicalTextCache())).toBe(canonicalJson(schema));
    const narrower = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"string","maxLength":1}}}',
    ) as unknown;
    expect(diffSchemas(schema, narrower).map((c) => [c.kind, c.path])).toEqual([
      ['MAX_LENGTH_ADDED', '/properties/__proto__/maxLength'],
    ]);
  });

  it('is the text canonicalJson gives, on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const cache = canonicalTextCache();
        expect(canonicalText(value, cache)).toBe(canonicalJson(value) ?? 'undefined');
        expect(canonicalText(value, cache)).toBe(canonicalJson(value) ?? 'undefined');
      }),
      { numRuns: 300, seed: process.env.CI ? 15 : undefined },
    );
  });
});
