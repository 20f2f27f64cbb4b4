// Schema-aware traversal: knows which keywords hold subschemas, so property names and data are never mistaken
// for keywords (a property called `x-id` or `$id` stays; an `x-` keyword goes).

import {
  SUBSCHEMA_ARRAY_KEYWORDS as MANY,
  SUBSCHEMA_KEYWORDS as ONE,
  SUBSCHEMA_MAP_KEYWORDS as MAP,
} from '../asyncapi';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rebuilds `schema` bottom-up: every subschema is replaced by `visit(subschema, keyword)`, then the keyword/value
 * pairs of this level are filtered by `keep`. Data (enum, const, default, examples, ...) is shared, not copied.
 */
export function mapSchema(
  schema: unknown,
  visit: (subschema: unknown, keyword: string) => unknown,
  keep: (keyword: string) => boolean = () => true,
): unknown {
  if (!isJsonObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!keep(key)) continue;
    if (ONE.has(key)) out[key] = visit(value, key);
    else if (key === 'items') out[key] = Array.isArray(value) ? value.map((v) => visit(v, key)) : visit(value, key);
    else if (MANY.has(key) && Array.isArray(value)) out[key] = value.map((v) => visit(v, key));
    else if ((MAP.has(key) || key === 'dependencies') && isJsonObject(value)) {
      const map: JsonObject = {};
      for (const [name, item] of Object.entries(value)) map[name] = Array.isArray(item) ? item : visit(item, key);
      out[key] = map;
    } else out[key] = value;
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
    isJsonObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
