// Turns the parser's output (shared and circular JS objects, `x-parser-*` bookkeeping keys) into plain finite JSON.

import { escapePointerToken } from '../util/json-pointer';
import { isRecord, setOwn } from '../util/records';
import { SUBSCHEMA_ARRAY_KEYWORDS, SUBSCHEMA_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from './schema-keywords';

const X_PARSER = 'x-parser-';

/**
 * Deep-copies `value` as JSON: drops `x-parser-*` keys, `undefined` and functions, and
 * replaces a reference back to an enclosing object with `{ $ref: '#<pointer of that object>' }` so the result is
 * finite. Shared (non-circular) objects are copied at every place they appear.
 *
 * @example
 * const node: Record<string, unknown> = { a: 1, 'x-parser-schema-id': 'A' };
 * node.self = node;
 * toFiniteJson(node); // { a: 1, self: { $ref: '#' } }
 */
export function toFiniteJson(value: unknown): unknown {
  const stack = new Map<object, string>();
  const copy = (node: unknown, pointer: string): unknown => {
    if (node === null || typeof node !== 'object') {
      return typeof node === 'function' || typeof node === 'symbol' || typeof node === 'bigint' ? undefined : node;
    }
    const enclosing = stack.get(node);
    if (enclosing !== undefined) return { $ref: `#${enclosing}` };
    stack.set(node, pointer);
    try {
      if (Array.isArray(node)) {
        return node.map((item, i) => {
          const out = copy(item, `${pointer}/${i}`);
          return out === undefined ? null : out;
        });
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) {
        if (key.startsWith(X_PARSER)) continue;
        const copied = copy(item, `${pointer}/${escapePointerToken(key)}`);
        if (copied !== undefined) setOwn(out, key, copied);
      }
      return out;
    } finally {
      stack.delete(node);
    }
  };
  return copy(value, '');
}

/** Identity keywords that lose their meaning once everything is dereferenced (and would re-base our `$ref`s). */
const DROPPED_KEYWORDS = new Set(['$id', '$schema']);

type SchemaVisitor = (child: unknown) => void;

/** Calls `visit` on every direct subschema of `schema` (schema-aware: property names are never keywords). */
function forEachSubschema(schema: Record<string, unknown>, visit: SchemaVisitor): void {
  for (const [key, value] of Object.entries(schema)) {
    if (SUBSCHEMA_KEYWORDS.has(key)) visit(value);
    else if (key === 'items') {
      if (Array.isArray(value)) value.forEach(visit);
      else visit(value);
    } else if (SUBSCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) value.forEach(visit);
    else if ((SUBSCHEMA_MAP_KEYWORDS.has(key) || key === 'dependencies') && isRecord(value)) {
      for (const item of Object.values(value)) if (!Array.isArray(item)) visit(item);
    }
  }
}

function defName(schema: Record<string, unknown>): string {
  const id = schema['x-parser-schema-id'];
  const base =
    typeof id === 'string' && !id.startsWith('<anonymous')
      ? id
      : typeof schema.title === 'string' && schema.title.trim() !== ''
        ? schema.title
        : 'Schema';
  const safe = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return safe === '' ? 'Schema' : safe;
}

/**
 * Copies a dereferenced (possibly circular) schema into finite JSON: `x-parser-*`, `$id` and `$schema` keywords are
 * dropped, and every schema that is part of a cycle is emitted once under the root's `$defs` and referenced with
 * `{ $ref: '#/$defs/<name>' }` (the root itself as `#`). Property names and data (`enum`, `const`, `examples`, ...)
 * are copied untouched.
 *
 * @example
 * const tree: Record<string, unknown> = { type: 'object', properties: {} };
 * (tree.properties as Record<string, unknown>).children = { type: 'array', items: tree };
 * toFiniteSchema(tree); // { type: 'object', properties: { children: { type: 'array', items: { $ref: '#' } } } }
 */
export function toFiniteSchema(root: unknown): unknown {
  if (!isRecord(root)) return toFiniteJson(root);
  // Pass 1: depth-first search for back edges; their targets are the schemas that must become $defs.
  const recursive = new Set<object>();
  const onStack = new Set<object>();
  const done = new Set<object>();
  const search = (node: unknown): void => {
    if (!isRecord(node)) return;
    if (onStack.has(node)) {
      recursive.add(node);
      return;
    }
    if (done.has(node)) return;
    onStack.add(node);
    forEachSubschema(node, search);
    onStack.delete(node);
    done.add(node);
  };
  search(root);

  // Pass 2: copy, cutting every recursive schema into a $ref.
  const existingDefs = isRecord(root.$defs) ? Object.keys(root.$defs) : [];
  const usedNames = new Set(existingDefs);
  const names = new Map<object, string>();
  const defs: Record<string, unknown> = {};
  const refTo = (node: Record<string, unknown>): { $ref: string } => {
    if (node === root) return { $ref: '#' };
    let name = names.get(node);
    if (name === undefined) {
      const base = defName(node);
      name = base;
      for (let i = 2; usedNames.has(name); i++) name = `${base}_${i}`;
      usedNames.add(name);
      names.set(node, name);
      setOwn(defs, name, {}); // reserve the key now so $defs lists schemas in the order they are first met
      setOwn(defs, name, copySchema(node));
    }
    return { $ref: `#/$defs/${name}` };
  };
  const copySubschema = (node: unknown): unknown => {
    if (isRecord(node) && recursive.has(node)) return refTo(node);
    return copySchema(node);
  };
  const copySchema = (node: unknown): unknown => {
    if (!isRecord(node)) return toFiniteJson(node);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith(X_PARSER) || DROPPED_KEYWORDS.has(key)) continue;
      if (SUBSCHEMA_KEYWORDS.has(key)) setOwn(out, key, copySubschema(value));
      else if (key === 'items')
        setOwn(out, key, Array.isArray(value) ? value.map(copySubschema) : copySubschema(value));
      else if (SUBSCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) setOwn(out, key, value.map(copySubschema));
      else if ((SUBSCHEMA_MAP_KEYWORDS.has(key) || key === 'dependencies') && isRecord(value)) {
        const map: Record<string, unknown> = {};
        for (const [name, item] of Object.entries(value)) {
          setOwn(map, name, Array.isArray(item) ? toFiniteJson(item) : copySubschema(item));
        }
        setOwn(out, key, map);
      } else {
        const copied = toFiniteJson(value);
        if (copied !== undefined) setOwn(out, key, copied);
      }
    }
    return out;
  };
  const out = copySchema(root) as Record<string, unknown>;
  if (Object.keys(defs).length > 0) {
    out.$defs = { ...(isRecord(out.$defs) ? out.$defs : {}), ...defs };
  }
  return out;
}
