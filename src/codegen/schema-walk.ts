// Schema-aware traversal: knows which keywords hold subschemas, so property names and data are never mistaken
// for keywords (a property called `x-id` or `$id` stays; an `x-` keyword goes).

import {
  followRef,
  isRef,
  localDocument,
  SUBSCHEMA_ARRAY_KEYWORDS as MANY,
  SUBSCHEMA_KEYWORDS as ONE,
  SUBSCHEMA_MAP_KEYWORDS as MAP,
} from '../asyncapi';
import { isRecord, setOwn } from '../util/records';

export type JsonObject = Record<string, unknown>;

/**
 * Rebuilds `schema` bottom-up: every subschema is replaced by `visit(subschema, keyword)`, then the keyword/value
 * pairs of this level are filtered by `keep`. Data (enum, const, default, examples, ...) is shared, not copied.
 */
export function mapSchema(
  schema: unknown,
  visit: (subschema: unknown, keyword: string) => unknown,
  keep: (keyword: string) => boolean = () => true,
): unknown {
  if (!isRecord(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!keep(key)) continue;
    if (ONE.has(key)) setOwn(out, key, visit(value, key));
    else if (key === 'items')
      setOwn(out, key, Array.isArray(value) ? value.map((v) => visit(v, key)) : visit(value, key));
    else if (MANY.has(key) && Array.isArray(value))
      setOwn(
        out,
        key,
        value.map((v) => visit(v, key)),
      );
    else if ((MAP.has(key) || key === 'dependencies') && isRecord(value)) {
      const map: JsonObject = {};
      for (const [name, item] of Object.entries(value))
        setOwn(map, name, Array.isArray(item) ? item : visit(item, key));
      setOwn(out, key, map);
    } else setOwn(out, key, value);
  }
  return out;
}

/** Removes every `x-` extension keyword at every schema level (extensions stay in the spec's raw document). */
export function stripExtensions(schema: unknown): unknown {
  const strip = (node: unknown): unknown => mapSchema(node, strip, (key) => !key.startsWith('x-'));
  return strip(schema);
}

/** JSON with object keys in a fixed order (sorted), for comparing schemas by content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/**
 * The first local `$ref` of `schema` that leads back to itself through `$ref`s only (ajv and json-schema-to-typescript
 * would recurse on it until the stack runs out), with the way around; undefined when there is none. References that
 * merely recur through a subschema (a tree whose children are trees) are fine and not reported.
 *
 * @example
 * refCycleOf({ $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' });
 * // { ref: '#/$defs/a', chain: ['#/$defs/a', '#/$defs/b', '#/$defs/a'] }
 */
export function refCycleOf(schema: unknown): { ref: string; chain: string[] } | undefined {
  const documents = localDocument(schema);
  let found: { ref: string; chain: string[] } | undefined;
  const visit = (node: unknown): unknown => {
    if (found !== undefined) return node;
    if (isRef(node) && node.$ref.startsWith('#')) {
      const resolution = followRef(documents, '', node.$ref);
      if (!resolution.ok && resolution.reason === 'cycle') {
        found = { ref: node.$ref, chain: resolution.chain };
        return node;
      }
    }
    return mapSchema(node, visit);
  };
  visit(schema);
  return found;
}
