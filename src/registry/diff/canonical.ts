// Canonical form of a payload schema: object keys sorted recursively (so reordering properties, or moving a schema
// into `components` and `$ref`-ing it, changes nothing), `required` and `type` arrays sorted and de-duplicated (they
// are sets). Everything else is kept, annotations included: the stored file is the schema consumers read, and its
// fingerprint covers all of it, so a documentation edit is a new (compatible) version too.
//
// Every walk here is bounded: a value nested deeper than MAX_CANONICAL_DEPTH, larger than MAX_CANONICAL_NODES, or an
// object graph with a cycle (a schema object that contains itself, as a dereferencing parser can produce) is refused
// with a typed error instead of overflowing the stack, never ending or exhausting memory.
import { createHash } from 'node:crypto';
import { SUBSCHEMA_ARRAY_KEYWORDS, SUBSCHEMA_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from '../../asyncapi';
import { isRecord, setOwn } from '../../util/records';
import { RegistryError } from '../errors';

/** How deep a schema (or a value inside one) may nest before the registry refuses it. */
export const MAX_CANONICAL_DEPTH = 1000;
/** How many objects and arrays one walk may visit (a shared subtree counts each time it is reached). */
export const MAX_CANONICAL_NODES = 2_000_000;

// Beside the shared tables: `items` as one schema or a tuple, `dependencies` as a map (array entries are kept).
const SUBSCHEMA = new Set([...SUBSCHEMA_KEYWORDS, 'items']);
const SUBSCHEMA_ARRAY = new Set([...SUBSCHEMA_ARRAY_KEYWORDS, 'items']);
const SUBSCHEMA_MAP = new Set([...SUBSCHEMA_MAP_KEYWORDS, 'dependencies']);

/** The objects on the path from the root to the value being walked, and its depth: the walks' guard. */
class WalkGuard {
  private readonly open = new Set<object>();
  private depth = 0;
  private visited = 0;

  enter(value: object): void {
    if (this.open.has(value)) {
      throw new RegistryError('SCHEMA_CYCLIC', 'a schema contains itself (a cyclic object, not a $ref)');
    }
    if (++this.depth > MAX_CANONICAL_DEPTH) {
      throw new RegistryError('SCHEMA_TOO_DEEP', `a schema nests deeper than ${MAX_CANONICAL_DEPTH} levels`);
    }
    if (++this.visited > MAX_CANONICAL_NODES) {
      throw new RegistryError('SCHEMA_TOO_LARGE', `a schema holds more than ${MAX_CANONICAL_NODES} objects and arrays`);
    }
    this.open.add(value);
  }

  leave(value: object): void {
    this.open.delete(value);
    this.depth--;
  }
}

/**
 * Sorts keys recursively; arrays keep their order. Data, not schemas.
 *
 * @throws RegistryError `SCHEMA_TOO_DEEP` / `SCHEMA_TOO_LARGE` / `SCHEMA_CYCLIC`: a value too deep, too large or containing itself.
 * @example
 * sortKeysDeep({ b: 1, a: { d: 2, c: 3 } }); // { a: { c: 3, d: 2 }, b: 1 }
 */
export function sortKeysDeep(value: unknown): unknown {
  return sortData(value, new WalkGuard());
}

function sortData(value: unknown, guard: WalkGuard): unknown {
  if (typeof value !== 'object' || value === null) return value;
  guard.enter(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((item) => sortData(item, guard));
  else {
    const record: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source).sort()) setOwn(record, key, sortData(source[key], guard));
    out = record;
  }
  guard.leave(value);
  return out;
}

function sortedSet(values: unknown[], guard: WalkGuard): unknown[] {
  // A malformed list (not all names) is kept in order but still canonical inside, so key order never matters.
  if (!values.every((v) => typeof v === 'string')) return values.map((v) => sortData(v, guard));
  return [...new Set(values as string[])].sort();
}

/**
 * The canonical form of a JSON Schema: keys sorted recursively, `required` and `type` arrays sorted as sets.
 * Schema-aware: a property called `required` is a name, not the keyword.
 *
 * @throws RegistryError `SCHEMA_TOO_DEEP` / `SCHEMA_TOO_LARGE` / `SCHEMA_CYCLIC`: a schema too deep, too large or containing itself.
 * @example
 * canonicalSchema({ type: 'object', required: ['b', 'a'], properties: { b: {}, a: {} } });
 * // { properties: { a: {}, b: {} }, required: ['a', 'b'], type: 'object' }
 */
export function canonicalSchema(schema: unknown): unknown {
  return canonical(schema, new WalkGuard());
}

function canonical(schema: unknown, guard: WalkGuard): unknown {
  if (!isRecord(schema)) return sortData(schema, guard);
  guard.enter(schema);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema).sort()) setOwn(out, key, canonicalKeyword(key, schema[key], guard));
  guard.leave(schema);
  return out;
}

function canonicalKeyword(key: string, value: unknown, guard: WalkGuard): unknown {
  if ((key === 'required' || key === 'type') && Array.isArray(value)) return sortedSet(value, guard);
  if (SUBSCHEMA_ARRAY.has(key) && Array.isArray(value)) {
    guard.enter(value);
    const out = value.map((item) => canonical(item, guard));
    guard.leave(value);
    return out;
  }
  if (SUBSCHEMA.has(key)) return canonical(value, guard);
  if (SUBSCHEMA_MAP.has(key) && isRecord(value)) {
    guard.enter(value);
    const map: Record<string, unknown> = {};
    for (const name of Object.keys(value).sort()) {
      const item = value[name];
      setOwn(map, name, Array.isArray(item) ? sortData(item, guard) : canonical(item, guard));
    }
    guard.leave(value);
    return map;
  }
  return sortData(value, guard);
}

/** Canonical texts already built, by object: one map for schemas, one for data (the same object reads differently). */
export interface CanonicalTextCache {
  schema: WeakMap<object, string>;
  data: WeakMap<object, string>;
}

/**
 * A cache for canonicalText; keep one per set of objects that do not change while it lives (one diff).
 *
 * @example
 * const cache = canonicalTextCache();
 */
export function canonicalTextCache(): CanonicalTextCache {
  return { schema: new WeakMap(), data: new WeakMap() };
}

/**
 * The same text as `canonicalJson(schema)`, built bottom-up with every subtree's text cached, so that asking for the
 * text of a schema and then of each of its subschemas (as the diff does, level by level) costs one walk in all.
 *
 * @throws RegistryError `SCHEMA_TOO_DEEP` / `SCHEMA_TOO_LARGE` / `SCHEMA_CYCLIC` (see canonicalSchema).
 * @example
 * canonicalText({ required: ['b', 'a'] }, canonicalTextCache()); // '{"required":["a","b"]}'
 */
export function canonicalText(schema: unknown, cache: CanonicalTextCache): string {
  return schemaText(schema, cache, new WalkGuard());
}

/**
 * Sorted keys in the order an object built by inserting them in sorted order enumerates them (what JSON.stringify of
 * the canonical form writes): array-index-like keys first, numerically, then the others as sorted.
 */
function canonicalKeyOrder(record: object): string[] {
  const keys = Object.keys(record).sort();
  const isIndex = (k: string): boolean => /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 4294967295;
  if (!keys.some(isIndex)) return keys;
  const indexes = keys.filter(isIndex).sort((a, b) => Number(a) - Number(b));
  return [...indexes, ...keys.filter((k) => !isIndex(k))];
}

function schemaText(schema: unknown, cache: CanonicalTextCache, guard: WalkGuard): string {
  if (!isRecord(schema)) return dataText(schema, cache, guard);
  const cached = cache.schema.get(schema);
  if (cached !== undefined) return cached;
  guard.enter(schema);
  const parts: string[] = [];
  for (const key of canonicalKeyOrder(schema)) {
    const value = schema[key];
    if (value === undefined || typeof value === 'function') continue;
    const text = keywordText(key, value, cache, guard);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  guard.leave(schema);
  const out = `{${parts.join(',')}}`;
  cache.schema.set(schema, out);
  return out;
}

function keywordText(key: string, value: unknown, cache: CanonicalTextCache, guard: WalkGuard): string | undefined {
  if ((key === 'required' || key === 'type') && Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return JSON.stringify([...new Set(value as string[])].sort());
    return dataText(value, cache, guard);
  }
  if (SUBSCHEMA_ARRAY.has(key) && Array.isArray(value)) {
    guard.enter(value);
    const out = `[${value.map((item) => (item === undefined ? 'null' : schemaText(item, cache, guard))).join(',')}]`;
    guard.leave(value);
    return out;
  }
  if (SUBSCHEMA.has(key)) return value === undefined ? undefined : schemaText(value, cache, guard);
  if (SUBSCHEMA_MAP.has(key) && isRecord(value)) {
    guard.enter(value);
    const parts: string[] = [];
    for (const name of canonicalKeyOrder(value)) {
      const item = value[name];
      if (item === undefined) continue;
      const text = Array.isArray(item) ? dataText(item, cache, guard) : schemaText(item, cache, guard);
      parts.push(`${JSON.stringify(name)}:${text}`);
    }
    guard.leave(value);
    return `{${parts.join(',')}}`;
  }
  return dataText(value, cache, guard);
}

function dataText(value: unknown, cache: CanonicalTextCache, guard: WalkGuard): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
  const cached = cache.data.get(value);
  if (cached !== undefined) return cached;
  guard.enter(value);
  let out: string;
  if (Array.isArray(value)) {
    out = `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : dataText(item, cache, guard))).join(',')}]`;
  } else {
    const parts: string[] = [];
    const record = value as Record<string, unknown>;
    for (const key of canonicalKeyOrder(record)) {
      const item = record[key];
      if (item === undefined || typeof item === 'function') continue;
      parts.push(`${JSON.stringify(key)}:${dataText(item, cache, guard)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  guard.leave(value);
  cache.data.set(value, out);
  return out;
}

/**
 * Canonical JSON text of a schema: compact (`pretty` false, what the fingerprint hashes) or 2-space indented with a
 * final newline (`pretty` true, what `schemas/<message>/v<N>.json` holds).
 *
 * @throws RegistryError `SCHEMA_TOO_DEEP` / `SCHEMA_TOO_LARGE` / `SCHEMA_CYCLIC` (see canonicalSchema).
 * @example
 * canonicalJson({ b: 1, a: 2 }); // '{"a":2,"b":1}'
 */
export function canonicalJson(schema: unknown, pretty = false): string {
  const form = canonicalSchema(schema);
  return pretty ? `${JSON.stringify(form, null, 2)}\n` : JSON.stringify(form);
}

/**
 * `sha256:<hex>` of the compact canonical JSON of a schema. Two schemas that differ only in key order or in the
 * order of `required`/`type` have the same fingerprint.
 *
 * @example
 * fingerprint({ type: 'string' }) === fingerprint({ type: ['string'] }); // false: different schemas
 * fingerprint({ a: 1, b: 2 }) === fingerprint({ b: 2, a: 1 }); // true
 */
export function fingerprint(schema: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(schema)).digest('hex')}`;
}
