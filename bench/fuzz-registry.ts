// Fuzz of the schema diff's verdicts against an instance oracle (issue #15). Small random schemas (draft-07 and
// 2020-12 keywords), each paired with a small mutation of itself; the diff judges each pair WITHOUT its own instance
// check, and ajv judges many instances (the registry's generator from both schemas plus random JSON biased to the
// schemas' names and values) under both. An instance valid under the old schema and refused by the new proves a
// BACKWARD break (the reverse a FORWARD one). Disagreements are classed as
//   missed: the diff says compatible in a direction and the oracle has a counterexample (lets a break through);
//   suspect: the diff says breaking in a direction and no instance shows it (a false break, or an oracle too weak).
// Deterministic for a seed. Not part of `npm test`: it is a search, not an assertion.
// Run: node bench/run.js fuzz-registry [--pairs N] [--seed S] [--show K] [--only missed|suspect] [--json]
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { breaksBackward, breaksForward, diffSchemas, generateInstances } from '../src/registry';
import { aroundAjvContainsBug } from '../src/registry/diff/instances/ajv-workarounds';
import { mulberry32 } from '../src/util/prng';

type Json = Record<string, unknown>;
type Rand = () => number;

const NAMES = ['a', 'b', 'c', 'x_1'];
const STRINGS = ['', 'a', 'ok', 'zz', '2020-01-01', 'a@b.co'];
const NUMBERS = [0, 1, 2, 3, -1, 1.5, 10];

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const some = <T>(r: Rand, xs: readonly T[], max: number): T[] => xs.filter(() => r() < max / xs.length);

/** A leaf schema: a type with bounds, an enum/const, a boolean schema or `{}`. */
function leaf(r: Rand): unknown {
  const k = Math.floor(r() * 10);
  if (k === 0) return pick(r, [true, false, {}]);
  if (k === 1) return { enum: some(r, [...STRINGS.slice(0, 3), ...NUMBERS.slice(0, 3), null], 3) };
  if (k === 2) return { const: pick(r, [...STRINGS, ...NUMBERS]) };
  if (k <= 5) {
    const s: Json = { type: r() < 0.2 ? ['string', 'null'] : 'string' };
    if (r() < 0.3) s.minLength = pick(r, [0, 1, 2]);
    if (r() < 0.3) s.maxLength = pick(r, [1, 2, 5]);
    if (r() < 0.15) s.pattern = pick(r, ['^a', 'z$', '^[a-z]+$']);
    if (r() < 0.15) s.format = pick(r, ['date', 'email']);
    return s;
  }
  const n: Json = { type: pick(r, ['integer', 'number', ['number', 'null']]) };
  if (r() < 0.3) n.minimum = pick(r, [0, 1]);
  if (r() < 0.3) n.maximum = pick(r, [2, 10]);
  if (r() < 0.15) n.exclusiveMinimum = pick(r, [0, 1]);
  if (r() < 0.15) n.multipleOf = pick(r, [1, 2, 0.5]);
  return n;
}

function objectSchema(r: Rand, depth: number, modern: boolean): Json {
  const s: Json = { type: 'object', properties: {} as Json };
  for (const name of some(r, NAMES, 2.5)) (s.properties as Json)[name] = schema(r, depth + 1, modern);
  const declared = Object.keys(s.properties as Json);
  if (r() < 0.5) s.required = some(r, r() < 0.8 && declared.length > 0 ? declared : NAMES, 1.5);
  if (r() < 0.35) s.additionalProperties = pick(r, [false, true, { type: 'string' }, { type: 'integer' }]);
  if (r() < 0.15) s.patternProperties = { [pick(r, ['^x_', '^a', 'b'])]: leaf(r) };
  if (r() < 0.1) s.propertyNames = { maxLength: pick(r, [1, 3]) };
  if (r() < 0.1) s.minProperties = pick(r, [1, 2]);
  if (r() < 0.1) s.maxProperties = pick(r, [1, 2, 3]);
  if (r() < 0.1) {
    const [a, b] = [pick(r, NAMES), pick(r, NAMES)];
    if (modern) s.dependentRequired = { [a]: [b] };
    else s.dependencies = { [a]: r() < 0.5 ? [b] : { required: [b] } };
  }
  if (modern && r() < 0.05) s.dependentSchemas = { [pick(r, NAMES)]: { required: [pick(r, NAMES)] } };
  if (modern && r() < 0.15) {
    s.unevaluatedProperties = pick(r, [false, { type: 'string' }]);
    if (r() < 0.5) s.allOf = [{ properties: { [pick(r, NAMES)]: leaf(r) } }];
  }
  return s;
}

function arraySchema(r: Rand, depth: number, modern: boolean): Json {
  const s: Json = { type: 'array' };
  if (r() < 0.4) {
    const tuple = [schema(r, depth + 1, modern), ...(r() < 0.5 ? [leaf(r)] : [])];
    if (modern) s.prefixItems = tuple;
    else s.items = tuple;
    const rest = pick<unknown>(r, [undefined, false, true, { type: 'string' }]);
    if (rest !== undefined) s[modern ? pick(r, ['items', 'unevaluatedItems']) : 'additionalItems'] = rest;
  } else if (r() < 0.8) {
    s.items = schema(r, depth + 1, modern);
  }
  if (r() < 0.15) s.contains = leaf(r);
  if (s.contains !== undefined && r() < 0.4) s.minContains = pick(r, [0, 1, 2]);
  if (s.contains !== undefined && r() < 0.3) s.maxContains = pick(r, [1, 2]);
  if (r() < 0.2) s.minItems = pick(r, [0, 1, 2]);
  if (r() < 0.2) s.maxItems = pick(r, [1, 2, 3]);
  if (r() < 0.1) s.uniqueItems = true;
  return s;
}

function combinator(r: Rand, depth: number, modern: boolean): Json {
  const k = Math.floor(r() * 5);
  if (k === 0) return { not: schema(r, depth + 1, modern) };
  if (k === 1) {
    const s: Json = { if: leaf(r), then: leaf(r) };
    if (r() < 0.5) s.else = leaf(r);
    return s;
  }
  const word = pick(r, ['allOf', 'anyOf', 'oneOf']);
  return { [word]: [schema(r, depth + 1, modern), schema(r, depth + 1, modern)] };
}

function schema(r: Rand, depth: number, modern: boolean): unknown {
  if (depth >= 3) return leaf(r);
  const k = r();
  if (k < 0.35) return leaf(r);
  if (k < 0.65) return objectSchema(r, depth, modern);
  if (k < 0.85) return arraySchema(r, depth, modern);
  return combinator(r, depth, modern);
}

/** Every (parent, key) slot in a schema, so a mutation can land anywhere. */
function slots(node: unknown, out: Array<[Json, string]> = []): Array<[Json, string]> {
  if (node === null || typeof node !== 'object') return out;
  for (const [k, v] of Object.entries(node as Json)) {
    out.push([node as Json, k]);
    slots(v, out);
  }
  return out;
}

/** One small mutation; returns the keyword it touched (for the per-keyword count). */
function mutate(r: Rand, root: Json, modern: boolean): string {
  const all = slots(root).filter(([parent]) => !Array.isArray(parent));
  const objects = [root, ...all.map(([p, k]) => p[k]).filter((v): v is Json => isSchemaObject(v))];
  const target = pick(r, objects);
  const k = Math.floor(r() * 6);
  const keys = Object.keys(target);
  if (k === 0 && keys.length > 0) {
    const key = pick(r, keys);
    delete target[key];
    return `-${key}`;
  }
  if (k === 1 && keys.length > 0) {
    const key = pick(r, keys);
    target[key] = tweak(r, key, target[key], modern);
    return `~${key}`;
  }
  const extra = (
    target.type === 'object'
      ? objectSchema(r, 2, modern)
      : target.type === 'array'
        ? arraySchema(r, 2, modern)
        : leaf(r)
  ) as unknown;
  const source = isSchemaObject(extra) ? extra : { not: extra };
  const added = Object.keys(source).filter((key) => key !== 'type');
  if (added.length === 0) return 'none';
  const key = pick(r, added);
  target[key] = source[key];
  return `+${key}`;
}

function isSchemaObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function tweak(r: Rand, key: string, value: unknown, modern: boolean): unknown {
  if (typeof value === 'number') return value + pick(r, [-1, 1, 2]);
  if (typeof value === 'boolean') return !value;
  if (key === 'type') return pick(r, ['string', 'integer', 'number', 'object', 'array', ['string', 'null'], 'null']);
  if (key === 'required' || key === 'enum') {
    const pool = key === 'required' ? NAMES : [...STRINGS.slice(0, 3), ...NUMBERS.slice(0, 3)];
    const xs = Array.isArray(value) ? [...(value as unknown[])] : [];
    if (r() < 0.5 && xs.length > 0) xs.splice(Math.floor(r() * xs.length), 1);
    else
      xs.push(
        pick(
          r,
          pool.filter((p) => !xs.includes(p)),
        ) ?? pool[0],
      );
    return xs;
  }
  if (key === 'pattern') return pick(r, ['^a', 'z$', '^[a-z]+$', 'a']);
  if (key === 'format') return pick(r, ['date', 'email', 'date-time']);
  if (key === 'const') return pick(r, [...STRINGS, ...NUMBERS]);
  return r() < 0.5 ? leaf(r) : schema(r, 2, modern);
}

/** Names and literal values a schema mentions, to bias random instances towards what it constrains. */
function vocabulary(node: unknown, names: Set<string>, values: Set<unknown>): void {
  if (Array.isArray(node)) return node.forEach((v) => vocabulary(v, names, values));
  if (!isSchemaObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && isSchemaObject(v)) Object.keys(v).forEach((n) => names.add(n));
    if (k === 'required' && Array.isArray(v)) v.forEach((n) => names.add(String(n)));
    if (k === 'enum' && Array.isArray(v)) v.forEach((x) => values.add(x));
    if (k === 'const') values.add(v);
    vocabulary(v, names, values);
  }
}

function biasedInstances(a: unknown, b: unknown, seed: number, count: number): unknown[] {
  const names = new Set<string>(['x_2', 'zz']);
  const values = new Set<unknown>([...STRINGS, ...NUMBERS, null, true]);
  vocabulary([a, b], names, values);
  const scalar = fc.constantFrom(...values);
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, scalar, tie('obj'), tie('arr')),
    obj: fc.dictionary(fc.constantFrom(...names), tie('any'), { maxKeys: 4 }),
    arr: fc.array(tie('any'), { maxLength: 4 }),
  })).any;
  // Plain JSON (fast-check may build null-prototype objects, which ajv's deep-equal cannot compare).
  return fc.sample(value, { seed, numRuns: count }).map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as unknown);
}

const ajv07 = addFormats(new Ajv({ strict: false, allowUnionTypes: true, logger: false }));
const ajv2020 = addFormats(new Ajv2020({ strict: false, allowUnionTypes: true, logger: false }));

function compile(s: unknown, modern: boolean): ValidateFunction | undefined {
  try {
    return (modern ? ajv2020 : ajv07).compile(aroundAjvContainsBug(s) as Json);
  } catch {
    return undefined;
  }
}

interface Outcome {
  label: string;
  modern: boolean;
  before: unknown;
  after: unknown;
  kinds: string[];
  diff: { backward: boolean; forward: boolean };
  oracle: { backward?: unknown; forward?: unknown };
}

function judge(before: unknown, after: unknown, modern: boolean, label: string, seed: number): Outcome | undefined {
  const vOld = compile(before, modern);
  const vNew = compile(after, modern);
  if (vOld === undefined || vNew === undefined) return undefined;
  const changes = diffSchemas(before, after);
  const kinds = changes.map((c) => c.kind);
  const diff = { backward: kinds.some((k) => breaksBackward(k)), forward: kinds.some((k) => breaksForward(k)) };
  const oracle: Outcome['oracle'] = {};
  const instances = [
    ...generateInstances(before, before, seed),
    ...generateInstances(after, after, seed + 1),
    ...biasedInstances(before, after, seed, 300),
  ];
  for (const x of instances) {
    const o = vOld(x) === true;
    const n = vNew(x) === true;
    if (o && !n && oracle.backward === undefined) oracle.backward = x;
    if (n && !o && oracle.forward === undefined) oracle.forward = x;
  }
  return { label, modern, before, after, kinds: changes.map((c) => `${c.kind}@${c.path}`), diff, oracle };
}

function classify(o: Outcome): string[] {
  const out: string[] = [];
  for (const dir of ['backward', 'forward'] as const) {
    const proved = o.oracle[dir] !== undefined;
    if (proved && !o.diff[dir]) out.push(`missed-${dir}`);
    if (!proved && o.diff[dir]) out.push(`suspect-${dir}`);
  }
  return out;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function main(): void {
  const pairs = arg('pairs', 2000);
  const seed = arg('seed', 15);
  const show = arg('show', 0);
  // `--only missed` shows examples of one class only (a prefix of the class names).
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '') : '';
  const r = mulberry32(seed);
  const perClass = new Map<string, number>();
  const perKeyword = new Map<string, number>();
  const examples: Array<Outcome & { classes: string[] }> = [];
  let tried = 0;
  let skipped = 0;
  let unchanged = 0;
  for (let i = 0; i < pairs; i++) {
    const modern = r() < 0.5;
    const before = schema(r, 0, modern);
    const after = structuredClone(before) as unknown;
    const label = isSchemaObject(after) ? mutate(r, after, modern) : 'boolean-root';
    if (JSON.stringify(before) === JSON.stringify(after)) {
      unchanged++;
      continue;
    }
    const outcome = judge(before, after, modern, label, seed + i);
    if (outcome === undefined) {
      skipped++;
      continue;
    }
    tried++;
    const classes = classify(outcome);
    for (const c of classes) {
      bump(perClass, c);
      bump(perKeyword, `${c} ${label.slice(1)}`);
    }
    const shown = classes.filter((c) => c.startsWith(only));
    if (shown.length > 0 && examples.length < show) examples.push({ ...outcome, classes });
  }
  const summary = {
    seed,
    generated: pairs,
    tried,
    skipped,
    unchanged,
    disagreeing: [...perClass.values()].reduce((a, b) => a + b, 0),
    perClass: Object.fromEntries([...perClass].sort()),
    perKeyword: Object.fromEntries([...perKeyword].sort((a, b) => b[1] - a[1])),
  };
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ ...summary, examples })}\n`);
    return;
  }
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  for (const e of examples) process.stdout.write(`\n${JSON.stringify(e)}\n`);
}

main();
