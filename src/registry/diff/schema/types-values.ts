// `type`, `enum` and `const`: which JSON types and which values a schema allows.
import type { DiffContext } from './context';
import { ALL_TYPES, below, jsonType, show, typeSet, type SchemaObject } from './model';
import type { SchemaReader } from './reader';

/**
 * `enum` and `const` as one set of allowed values (undefined = any value), without the values `type` forbids
 * (`{ type: string, enum: [null, "a"] }` allows only "a"). Keys are canonical JSON texts.
 *
 * @example
 * allowedValues({ enum: ['a', 'b'], const: 'a' }, reader); // Map { '"a"' => 'a' }
 */
export function allowedValues(s: SchemaObject, reader: SchemaReader): Map<string, unknown> | undefined {
  let set: Map<string, unknown> | undefined;
  if (Array.isArray(s.enum)) set = new Map(s.enum.map((v) => [reader.canonicalOf(v).text, v]));
  if (s.const !== undefined) {
    const key = reader.canonicalOf(s.const).text;
    if (set === undefined) set = new Map([[key, s.const]]);
    else set = set.has(key) ? new Map([[key, s.const]]) : new Map();
  }
  const declared = typeSet(s);
  if (set !== undefined && declared !== undefined) {
    for (const [key, value] of set) if (!declared.has(jsonType(value))) set.delete(key);
  }
  return set;
}

/** The types a schema allows, narrowed by its `enum`/`const` values (an `enum: ["a"]` only allows strings). */
function effectiveTypes(s: SchemaObject, reader: SchemaReader): Set<string> | undefined {
  const declared = typeSet(s);
  const values = allowedValues(s, reader);
  if (values === undefined) return declared;
  const fromValues = new Set<string>();
  for (const v of values.values()) fromValues.add(jsonType(v));
  if (fromValues.has('number')) fromValues.add('integer');
  return declared === undefined ? fromValues : new Set([...declared].filter((t) => fromValues.has(t)));
}

/**
 * Compares the JSON types two schemas allow (their `enum`/`const` values included).
 *
 * @example
 * compareType(ctx, { type: 'integer' }, { type: 'number' }, ''); // TYPE_EXTENDED at /type
 */
export function compareType(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  // With concrete values on both sides, the value comparison says exactly what changed.
  if (allowedValues(o, ctx.oldReader) !== undefined && allowedValues(n, ctx.newReader) !== undefined) return;
  const a = effectiveTypes(o, ctx.oldReader);
  const b = effectiveTypes(n, ctx.newReader);
  if (a === undefined && b === undefined) return;
  const all = new Set<string>(ALL_TYPES);
  const oldSet = a ?? all;
  const newSet = b ?? all;
  const lost = [...oldSet].filter((t) => !newSet.has(t));
  const gained = [...newSet].filter((t) => !oldSet.has(t));
  if (lost.length === 0 && gained.length === 0) return;
  const describe = (s: SchemaObject): string => (s.type === undefined ? 'any type' : show(s.type));
  const detail = `${describe(o)} -> ${describe(n)}`;
  const at = below(path, 'type');
  if (gained.length === 0) ctx.emit('TYPE_NARROWED', at, detail);
  else if (lost.length === 0) ctx.emit('TYPE_EXTENDED', at, detail);
  else ctx.emit('TYPE_CHANGED', at, detail);
}

/**
 * Compares the values two schemas allow through `enum` and `const`.
 *
 * @example
 * compareValues(ctx, { enum: ['a'] }, { enum: ['a', 'b'] }, ''); // ENUM_ARRAY_EXTENDED at /enum
 */
export function compareValues(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  const a = allowedValues(o, ctx.oldReader);
  const b = allowedValues(n, ctx.newReader);
  if (a === undefined && b === undefined) return;
  const onlyConst = (s: SchemaObject): boolean => s.const !== undefined && s.enum === undefined;
  const at = below(path, onlyConst(n) || (n.enum === undefined && onlyConst(o)) ? 'const' : 'enum');
  if (a === undefined) {
    const kind = onlyConst(n) ? 'CONST_ADDED' : 'ENUM_ADDED';
    return ctx.emit(kind, at, `only ${show([...b!.values()])} allowed now`);
  }
  if (b === undefined) {
    const kind = onlyConst(o) ? 'CONST_REMOVED' : 'ENUM_REMOVED';
    return ctx.emit(kind, at, `was only ${show([...a.values()])}; any value now`);
  }
  const removed = [...a.keys()].filter((k) => !b.has(k)).map((k) => a.get(k));
  const added = [...b.keys()].filter((k) => !a.has(k)).map((k) => b.get(k));
  if (removed.length === 0 && added.length === 0) return;
  const parts = [
    added.length ? `added ${added.map(show).join(', ')}` : '',
    removed.length ? `removed ${removed.map(show).join(', ')}` : '',
  ];
  const detail = parts.filter(Boolean).join('; ');
  if (onlyConst(o) && onlyConst(n)) ctx.emit('CONST_CHANGED', at, `${show(o.const)} -> ${show(n.const)}`);
  else if (added.length === 0) ctx.emit('ENUM_ARRAY_NARROWED', at, detail);
  else if (removed.length === 0) ctx.emit('ENUM_ARRAY_EXTENDED', at, detail);
  else ctx.emit('ENUM_ARRAY_CHANGED', at, detail);
}
