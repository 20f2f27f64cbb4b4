// A small, deterministic, bounded generator of JSON instances for a JSON Schema: boundary values of each keyword
// (lengths, bounds, tuple ends, optional and extra properties, every union branch, enum/const/examples). It aims at
// the edges where compatibility verdicts go wrong, not at covering every instance; the candidates are not guaranteed
// valid (the caller filters them with a real validator). Every walk is bounded in depth, width and reference hops,
// so cyclic `$ref`s and huge schemas end.
import { resolvePointer } from '../../../util/json-pointer';
import { mulberry32, type Random } from '../../../util/prng';
import { isRecord, setOwn } from '../../../util/records';
import { typeList } from '../schema/model';

/** How deep generated values nest. */
const MAX_DEPTH = 6;
/** How many values one subschema contributes. */
const WIDTH = 6;
/** How many `$ref` hops one lookup follows. */
const MAX_HOPS = 32;
/** How many candidates one schema yields. */
export const MAX_CANDIDATES = 120;

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-01-02T03:04:05Z',
  date: '2024-01-02',
  time: '03:04:05Z',
  email: 'a@example.com',
  'idn-email': 'a@example.com',
  uri: 'https://example.com/a',
  'uri-reference': '/a',
  iri: 'https://example.com/a',
  uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
  duration: 'P1D',
  regex: '^a$',
  'json-pointer': '/a',
};

type Schema = Record<string, unknown>;

class Generator {
  constructor(
    private readonly root: unknown,
    private readonly random: Random,
  ) {}

  private resolve(node: unknown): unknown {
    let at = node;
    for (let hops = 0; isRecord(at) && typeof at.$ref === 'string'; hops++) {
      if (hops >= MAX_HOPS || !at.$ref.startsWith('#')) return true;
      const target = resolvePointer(this.root, at.$ref);
      if (target === undefined) return true;
      const { $ref: _ref, ...siblings } = at;
      at = Object.keys(siblings).length === 0 ? target : { ...siblings, allOf: [target, ...asArray(siblings.allOf)] };
    }
    return at;
  }

  values(node: unknown, depth: number): unknown[] {
    const schema = this.resolve(node);
    if (schema === false) return [];
    if (depth > MAX_DEPTH) return [null, 0, 'a'];
    if (!isRecord(schema)) return [null, true, 0, 'a', {}, []];
    const pinned = pinnedValues(schema);
    if (pinned !== undefined) return pinned;
    const out: unknown[] = [...samples(schema)];
    const combined = this.combined(schema);
    if (combined !== undefined) {
      for (const branch of combined) out.push(...this.values(branch, depth + 1).slice(0, 2));
      return unique(out);
    }
    for (const type of typesOf(schema)) out.push(...this.typed(type, schema, depth));
    return unique(out);
  }

  /** A schema with `allOf`/`anyOf`/`oneOf`, as the plain schemas to draw from (the parent merged into each). */
  private combined(schema: Schema): Schema[] | undefined {
    const parent: Schema = { ...schema };
    delete parent.allOf;
    delete parent.anyOf;
    delete parent.oneOf;
    let base = [parent];
    if (Array.isArray(schema.allOf)) {
      const merged = schema.allOf.slice(0, WIDTH).reduce<Schema>((acc, b) => merge(acc, this.resolve(b)), parent);
      base = [merged];
    }
    for (const key of ['anyOf', 'oneOf']) {
      const branches = schema[key];
      if (!Array.isArray(branches)) continue;
      base = base.flatMap((b) => branches.slice(0, WIDTH).map((branch) => merge(b, this.resolve(branch))));
    }
    return schema.allOf === undefined && schema.anyOf === undefined && schema.oneOf === undefined ? undefined : base;
  }

  private typed(type: string, schema: Schema, depth: number): unknown[] {
    switch (type) {
      case 'null':
        return [null];
      case 'boolean':
        return [true, false];
      case 'integer':
        return numbers(schema, true);
      case 'number':
        return numbers(schema, false);
      case 'string':
        return this.strings(schema);
      case 'array':
        return this.arrays(schema, depth);
      default:
        return this.objects(schema, depth);
    }
  }

  private strings(schema: Schema): unknown[] {
    const min = typeof schema.minLength === 'number' ? Math.max(0, Math.floor(schema.minLength)) : 0;
    const max = typeof schema.maxLength === 'number' ? Math.max(0, Math.floor(schema.maxLength)) : Math.max(min, 8);
    const format = typeof schema.format === 'string' ? FORMAT_SAMPLES[schema.format] : undefined;
    const out: unknown[] = format !== undefined ? [format] : [];
    for (const length of new Set([min, Math.min(max, min + 1), max, max + 1]))
      out.push(this.text(Math.min(length, 64)));
    return out;
  }

  private text(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += 'abcdefghij'[Math.floor(this.random() * 10)];
    return out;
  }

  private arrays(schema: Schema, depth: number): unknown[] {
    const tuple = Array.isArray(schema.prefixItems)
      ? schema.prefixItems
      : Array.isArray(schema.items)
        ? schema.items
        : [];
    const rest = Array.isArray(schema.items) ? schema.additionalItems : (schema.items ?? schema.unevaluatedItems);
    const slots = tuple.slice(0, WIDTH).map((s) => this.values(s, depth + 1));
    const restValues = rest === undefined ? [0, 'a', null] : this.values(rest, depth + 1);
    const min = typeof schema.minItems === 'number' ? Math.min(Math.floor(schema.minItems), 8) : 0;
    const max = typeof schema.maxItems === 'number' ? Math.min(Math.floor(schema.maxItems), 8) : 3;
    const lengths = new Set([min, tuple.length, tuple.length + 1, max, max + 1].filter((n) => n >= 0 && n <= 9));
    const out: unknown[] = [];
    for (const length of lengths) {
      for (let k = 0; k < 2; k++) {
        const array: unknown[] = [];
        for (let i = 0; i < length; i++) {
          const pool = i < slots.length ? slots[i] : restValues;
          if (pool.length === 0) break;
          array.push(pool[(i + k) % pool.length]);
        }
        out.push(array);
      }
    }
    return out;
  }

  private objects(schema: Schema, depth: number): unknown[] {
    const properties = isRecord(schema.properties) ? Object.entries(schema.properties).slice(0, 40) : [];
    const required = new Set(
      Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [],
    );
    const pools = new Map(properties.map(([name, s]) => [name, this.values(s, depth + 1)]));
    for (const [pattern, s] of isRecord(schema.patternProperties) ? Object.entries(schema.patternProperties) : [])
      pools.set(nameFor(pattern), this.values(s, depth + 1));
    const extra = this.values(schema.additionalProperties ?? schema.unevaluatedProperties, depth + 1);
    const all: Schema = {};
    const minimal: Schema = {};
    for (const [name, pool] of pools) {
      if (pool.length === 0) continue;
      setOwn(all, name, pool[0]);
      if (required.has(name)) setOwn(minimal, name, pool[0]);
    }
    for (const name of required) {
      if (Object.hasOwn(all, name)) continue;
      setOwn(all, name, 'a');
      setOwn(minimal, name, 'a');
    }
    const out: unknown[] = [all, minimal];
    if (extra.length > 0) out.push({ ...all, extra_field: extra[0], 'x-extra': extra[extra.length - 1] });
    // One property at a time through its values, the others at their first value.
    for (const [name, pool] of pools) {
      for (const value of pool.slice(1)) out.push({ ...all, [name]: value });
      if (out.length > MAX_CANDIDATES) break;
    }
    return out;
  }
}

/** A property name a `patternProperties` pattern probably matches: its literal start, then a letter. */
function nameFor(pattern: string): string {
  const literal = /^\^?([A-Za-z0-9_-]*)/.exec(pattern)?.[1] ?? '';
  return `${literal}a`;
}

/** `const` / `enum`: the only values that can be valid (undefined when neither is there). */
function pinnedValues(schema: Schema): unknown[] | undefined {
  if (schema.const !== undefined) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum.slice(0, 16);
  return undefined;
}

function samples(schema: Schema): unknown[] {
  const out: unknown[] = [];
  if (schema.default !== undefined) out.push(schema.default);
  if (Array.isArray(schema.examples)) out.push(...schema.examples.slice(0, 3));
  return out;
}

function typesOf(schema: Schema): string[] {
  const listed = typeList(schema.type);
  if (listed !== undefined) return listed;
  if (schema.properties !== undefined || schema.required !== undefined) return ['object'];
  if (schema.items !== undefined || schema.prefixItems !== undefined) return ['array'];
  if (schema.minLength !== undefined || schema.maxLength !== undefined || schema.pattern !== undefined)
    return ['string'];
  if (schema.minimum !== undefined || schema.maximum !== undefined) return ['number'];
  return ['null', 'boolean', 'integer', 'string', 'object', 'array'];
}

function numbers(schema: Schema, integer: boolean): unknown[] {
  const lo = firstNumber(schema.minimum, schema.exclusiveMinimum);
  const hi = firstNumber(schema.maximum, schema.exclusiveMaximum);
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : 0.5;
  const out: number[] = [];
  for (const b of [lo, hi]) if (b !== undefined) out.push(b, b - step, b + step, b - 1, b + 1);
  if (lo !== undefined && hi !== undefined) out.push(Math.round((lo + hi) / 2));
  out.push(0, 1, -1, step, integer ? 2 : 1.5);
  return out.filter((n) => Number.isFinite(n) && (!integer || Number.isInteger(n)));
}

function firstNumber(...values: unknown[]): number | undefined {
  return values.find((v): v is number => typeof v === 'number');
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A shallow conjunction for generating: properties and `required` united, the branch's other keywords win. */
function merge(a: Schema, bRaw: unknown): Schema {
  if (!isRecord(bRaw)) return a;
  const b = bRaw;
  const out: Schema = { ...a, ...b };
  if (isRecord(a.properties) || isRecord(b.properties))
    out.properties = {
      ...(isRecord(a.properties) ? a.properties : {}),
      ...(isRecord(b.properties) ? b.properties : {}),
    };
  out.required = [...new Set([...asArray(a.required), ...asArray(b.required)])];
  if (a.type !== undefined && b.type === undefined) out.type = a.type;
  return out;
}

function unique(values: unknown[]): unknown[] {
  return distinct(values, WIDTH * 4);
}

/**
 * Boundary instances of `schema` (with `$ref`s resolved against `root`), and near misses: each object without one of
 * its properties and with an extra one, each array one element longer and shorter. Same seed, same instances.
 *
 * @example
 * generateInstances({ type: 'array', prefixItems: [{ type: 'string' }] }, undefined, 7);
 * // [[], ['abc'], ['abc', 0], ...]
 */
export function generateInstances(schema: unknown, root: unknown, seed: number): unknown[] {
  const generator = new Generator(root ?? schema, mulberry32(seed));
  const base = generator.values(schema, 0);
  const out = [...base];
  for (const value of base) out.push(...nearMisses(value));
  return distinct(out, MAX_CANDIDATES);
}

function nearMisses(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return [[...value, value.length > 0 ? value[value.length - 1] : 'a'], [...value, 'a'], value.slice(0, -1)];
  }
  if (!isRecord(value)) return [];
  const out: unknown[] = [];
  for (const key of Object.keys(value).slice(0, 12)) {
    const copy = { ...value };
    delete copy[key];
    out.push(copy);
  }
  out.push({ ...value, extra_field: 'a' });
  return out;
}

/** The first `cap` values, each once (by JSON text). */
function distinct(values: unknown[], cap: number): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const value of values) {
    const key = JSON.stringify(value) ?? 'undefined';
    if (value === undefined || seen.has(key)) continue;
    seen.add(key);
    out.push(value);
    if (out.length >= cap) break;
  }
  return out;
}
