// Table-driven: every schema change kind, as a before/after pair, checked four ways (at the root, nested under an
// array in an object, behind a `$ref`, and reversed), with the rule's direction shown on real instances by ajv.
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  changeKinds,
  compatibilityModes,
  diffSchemas,
  isBreaking,
  type Breaks,
  type ChangeKind,
  type SchemaChange,
} from '../../../../../src/registry';
import type { KindCase } from './case';
import { schemaCases } from './all-cases';

const ajv2020 = addFormats(new Ajv2020({ strict: false, allErrors: false }));
const ajv07 = addFormats(new Ajv({ strict: false, allErrors: false }));

function valid(schema: unknown, data: unknown, draft07: boolean): boolean {
  const ajv = draft07 ? ajv07 : ajv2020;
  return ajv.validate(schema as object, data) as boolean;
}

function union(kinds: ChangeKind[]): { backward: boolean; forward: boolean } {
  const out = { backward: false, forward: false };
  for (const k of kinds) {
    const b = changeKinds[k].breaks;
    if (b === 'backward' || b === 'both') out.backward = true;
    if (b === 'forward' || b === 'both') out.forward = true;
  }
  return out;
}

/** The ways a case is run: as is, nested (object -> array -> schema), and behind a `$ref` into `$defs`. */
const variants: {
  name: string;
  wrap: (schema: unknown) => unknown;
  prefix: string;
  data: (value: unknown) => unknown;
}[] = [
  { name: 'root', wrap: (s) => s, prefix: '', data: (v) => v },
  {
    name: 'nested',
    wrap: (s) => ({ type: 'object', required: ['outer'], properties: { outer: { type: 'array', items: s } } }),
    prefix: '/properties/outer/items',
    data: (v) => ({ outer: [v] }),
  },
  {
    name: 'behind $ref',
    wrap: (s) => ({
      type: 'object',
      required: ['outer'],
      properties: { outer: { $ref: '#/$defs/Inner' } },
      $defs: { Inner: s },
    }),
    prefix: '/properties/outer',
    data: (v) => ({ outer: v }),
  },
];

function label(c: KindCase): string {
  return `${c.kind}${c.note !== undefined ? ` (${c.note})` : ''}: ${JSON.stringify(c.old)} -> ${JSON.stringify(c.new)}`;
}

describe.each(schemaCases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
  it(`documents the rule: ${c.kind} breaks ${c.breaks}`, () => {
    expect(changeKinds[c.kind].breaks).toBe(c.breaks);
  });

  it.each(variants.filter((v) => !(c.rootOnly === true && v.name !== 'root')))(
    'is reported $name, and nothing else',
    (v) => {
      const changes = diffSchemas(v.wrap(c.old), v.wrap(c.new), c.options);
      const expected = [c.kind, ...(c.extra ?? [])].sort();
      expect(changes.map((x) => x.kind).sort()).toEqual(expected);
      expect(changes.find((x) => x.kind === c.kind)?.path).toBe(v.prefix + c.path);
      for (const x of changes) expect(x.detail.length).toBeGreaterThan(0);
    },
  );

  it('reversed, is reported as its mirror and breaks the other way', () => {
    const forward: SchemaChange[] = diffSchemas(c.old, c.new, c.options);
    const reversed: SchemaChange[] = diffSchemas(c.new, c.old, c.options);
    if (c.mirror !== undefined) expect(reversed.map((x) => x.kind)).toContain(c.mirror);
    const f = union(forward.map((x) => x.kind));
    const r = union(reversed.map((x) => x.kind));
    expect(r).toEqual({ backward: f.forward, forward: f.backward });
  });

  it.each(variants.filter((v) => v.name !== 'behind $ref' || c.kind !== 'REF_CHANGED'))(
    'witnesses show the direction on real data ($name)',
    (v) => {
      const w = c.witnesses ?? {};
      const directions = union([c.kind, ...(c.extra ?? [])]);
      if (!directions.backward) expect(w.backward ?? []).toHaveLength(0);
      if (!directions.forward) expect(w.forward ?? []).toHaveLength(0);
      for (const value of w.backward ?? []) {
        // Old data the new reader refuses.
        expect(valid(v.wrap(c.old), v.data(value), c.draft07 === true)).toBe(true);
        expect(valid(v.wrap(c.new), v.data(value), c.draft07 === true)).toBe(false);
      }
      for (const value of w.forward ?? []) {
        // New data the old reader refuses.
        expect(valid(v.wrap(c.new), v.data(value), c.draft07 === true)).toBe(true);
        expect(valid(v.wrap(c.old), v.data(value), c.draft07 === true)).toBe(false);
      }
    },
  );

  it('is breaking exactly under the modes that check the direction it breaks', () => {
    const breaks: Breaks = c.breaks;
    for (const mode of compatibilityModes) {
      const backward = mode.startsWith('BACKWARD') || mode.startsWith('FULL');
      const forward = mode.startsWith('FORWARD') || mode.startsWith('FULL');
      const expected =
        (backward && (breaks === 'backward' || breaks === 'both')) ||
        (forward && (breaks === 'forward' || breaks === 'both'));
      expect(isBreaking(c.kind, mode)).toBe(expected);
    }
  });
});

describe('schema kind coverage', () => {
  const covered = new Set<ChangeKind>();
  for (const c of schemaCases) {
    covered.add(c.kind);
    if (c.mirror !== undefined) covered.add(c.mirror);
  }

  it('every breaking direction of every schema kind is shown by a witness unless the rule is conservative', () => {
    const missing: string[] = [];
    for (const kind of covered) {
      const rule = changeKinds[kind];
      const cases = schemaCases.filter((c) => c.kind === kind);
      const mirrored = schemaCases.filter((c) => c.mirror === kind && c.extra === undefined);
      if (cases.some((c) => c.conservative === true) || mirrored.some((c) => c.conservative === true)) continue;
      const backward = [
        ...cases.flatMap((c) => c.witnesses?.backward ?? []),
        ...mirrored.flatMap((c) => c.witnesses?.forward ?? []),
      ];
      const forward = [
        ...cases.flatMap((c) => c.witnesses?.forward ?? []),
        ...mirrored.flatMap((c) => c.witnesses?.backward ?? []),
      ];
      if ((rule.breaks === 'backward' || rule.breaks === 'both') && backward.length === 0)
        missing.push(`${kind} backward`);
      if ((rule.breaks === 'forward' || rule.breaks === 'both') && forward.length === 0)
        missing.push(`${kind} forward`);
    }
    expect(missing).toEqual([]);
  });
});
