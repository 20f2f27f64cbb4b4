import { createHash } from 'node:crypto';
import { SUBSCHEMA_ARRAY_KEYWORDS, SUBSCHEMA_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from '../asyncapi';

// Canonical form of a payload schema: object keys sorted recursively (so reordering properties, or moving a schema
// into `components` and `$ref`-ing it, changes nothing), `required` and `type` arrays sorted and de-duplicated (they
// are sets). Everything else is kept, annotations included: the stored file is the schema consumers read, and its
// fingerprint covers all of it, so a documentation edit is a new (compatible) version too.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Beside the shared tables: `items` as one schema or a tuple, `dependencies` as a map (array entries are kept).
const SUBSCHEMA = new Set([...SUBSCHEMA_KEYWORDS, 'items']);
const SUBSCHEMA_ARRAY = new Set([...SUBSCHEMA_ARRAY_KEYWORDS, 'items']);
const SUBSCHEMA_MAP = new Set([...SUBSCHEMA_MAP_KEYWORDS, 'dependencies']);

/** Sorts keys recursively; arrays keep their order. Data, not schemas. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeysDeep(value[key]);
  return out;
}

function sortedSet(values: unknown[]): unknown[] {
  // A malformed list (not all names) is kept in order but still canonical inside, so key order never matters.
  if (!values.every((v) => typeof v === 'string')) return values.map(sortKeysDeep);
  return [...new Set(values as string[])].sort();
}

/**
 * The canonical form of a JSON Schema: keys sorted recursively, `required` and `type` arrays sorted as sets.
 * Schema-aware: a property called `required` is a name, not the keyword.
 *
 * @example
 * canonicalSchema({ type: 'object', required: ['b', 'a'], properties: { b: {}, a: {} } });
 * // { properties: { a: {}, b: {} }, required: ['a', 'b'], type: 'object' }
 */
export function canonicalSchema(schema: unknown): unknown {
  if (!isObject(schema)) return sortKeysDeep(schema);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema).sort()) {
    const value = schema[key];
    if ((key === 'required' || key === 'type') && Array.isArray(value)) out[key] = sortedSet(value);
    else if (SUBSCHEMA_ARRAY.has(key) && Array.isArray(value)) out[key] = value.map(canonicalSchema);
    else if (SUBSCHEMA.has(key)) out[key] = canonicalSchema(value);
    else if (SUBSCHEMA_MAP.has(key) && isObject(value)) {
      const map: Record<string, unknown> = {};
      for (const name of Object.keys(value).sort()) {
        const item = value[name];
        map[name] = Array.isArray(item) ? item.map(sortKeysDeep) : canonicalSchema(item);
      }
      out[key] = map;
    } else out[key] = sortKeysDeep(value);
  }
  return out;
}

/**
 * Canonical JSON text of a schema: compact (`pretty` false, what the fingerprint hashes) or 2-space indented with a
 * final newline (`pretty` true, what `schemas/<message>/v<N>.json` holds).
 *
 * @example
 * canonicalJson({ b: 1, a: 2 }); // '{"a":2,"b":1}'
 */
export function canonicalJson(schema: unknown, pretty = false): string {
  const canonical = canonicalSchema(schema);
  return pretty ? `${JSON.stringify(canonical, null, 2)}\n` : JSON.stringify(canonical);
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

/** Escapes one JSON pointer token. */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Appends tokens to a JSON pointer. */
export function joinPointer(base: string, ...tokens: (string | number)[]): string {
  return base + tokens.map((t) => `/${pointerToken(t)}`).join('');
}

/** Splits a JSON pointer (with or without a leading `#`) into unescaped tokens. */
export function splitPointer(pointer: string): string[] {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '') return [];
  return body
    .slice(1)
    .split('/')
    .map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'));
}
