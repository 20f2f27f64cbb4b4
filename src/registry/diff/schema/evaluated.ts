// `unevaluatedProperties` judges the names that no in-place applicator of its object evaluated: not the object's
// own `properties`/`patternProperties`/`additionalProperties` only, but also those of every `allOf`, `anyOf`,
// `oneOf`, `if`/`then`/`else`, `dependentSchemas` and `$ref` below it that validates. A mergeable `allOf` is
// flattened into its parent by the reader, so its names are compared as the object's own. What is left (union
// branches, conditionals, allOf branches that cannot be merged) can still move a name in or out of reach of
// `unevaluatedProperties`: a name that becomes evaluated escapes it (the new schema accepts more), a name that stops
// being evaluated falls under it (accepts less). The subschemas' own constraints are compared where they are.
import { isRecord } from '../../../util/records';
import type { DiffContext } from './context';
import { additionalModel } from './content-model';
import { below, isFalseSchema, isUnresolved, type SchemaObject } from './model';
import type { SchemaReader } from './reader';

/** In-place applicators whose annotations `unevaluatedProperties` of the enclosing object sees. */
const LIST_APPLICATORS = ['allOf', 'anyOf', 'oneOf'] as const;
const SINGLE_APPLICATORS = ['if', 'then', 'else'] as const;
/** Nested deeper than this, the walk stops (a cycle through `$ref`s also ends here). */
const MAX_DEPTH = 32;
/** Every name: an applicator with `additionalProperties`/`unevaluatedProperties` that can accept a value. */
const EVERY_NAME = '*';

function applied(s: SchemaObject): unknown[] {
  const out: unknown[] = [];
  for (const k of LIST_APPLICATORS) if (Array.isArray(s[k])) out.push(...(s[k] as unknown[]));
  for (const k of SINGLE_APPLICATORS) if (s[k] !== undefined) out.push(s[k]);
  if (isRecord(s.dependentSchemas)) out.push(...Object.values(s.dependentSchemas));
  return out;
}

/** Names (`name`), patterns (`/pattern/`) and `*` that the applicators below `s` may evaluate. */
function collect(reader: SchemaReader, node: unknown, into: Set<string>, depth: number, seen: Set<object>): void {
  const s = reader.read(node);
  if (!isRecord(s) || isUnresolved(s) || depth > MAX_DEPTH || seen.has(s)) return;
  seen.add(s);
  // A `false` property schema evaluates its name only when the name is absent: it never lets a value through.
  if (isRecord(s.properties))
    for (const [name, schema] of Object.entries(s.properties)) if (!isFalseSchema(schema)) into.add(name);
  if (isRecord(s.patternProperties))
    for (const [pattern, schema] of Object.entries(s.patternProperties))
      if (!isFalseSchema(schema)) into.add(`/${pattern}/`);
  for (const k of ['additionalProperties', 'unevaluatedProperties']) {
    if (s[k] !== undefined && !isFalseSchema(reader.read(s[k]))) into.add(EVERY_NAME);
  }
  for (const sub of applied(s)) collect(reader, sub, into, depth + 1, seen);
}

/** What the applicators of `s` evaluate beyond the names and patterns `s` declares itself. */
function evaluatedBelow(reader: SchemaReader, s: SchemaObject): Set<string> {
  const out = new Set<string>();
  const seen = new Set<object>([s]);
  for (const sub of applied(s)) collect(reader, sub, out, 1, seen);
  if (isRecord(s.properties)) for (const name of Object.keys(s.properties)) out.delete(name);
  if (isRecord(s.patternProperties)) for (const p of Object.keys(s.patternProperties)) out.delete(`/${p}/`);
  return out;
}

/** `unevaluatedProperties` limits this object: it is not open, and no `additionalProperties` evaluates every name. */
function judgesNames(s: SchemaObject): boolean {
  return (
    s.additionalProperties === undefined && s.unevaluatedProperties !== undefined && additionalModel(s).model !== 'open'
  );
}

/**
 * Reports names that the in-place applicators of an object with a limiting `unevaluatedProperties` started or
 * stopped evaluating.
 *
 * @example
 * compareEvaluated(ctx, { unevaluatedProperties: false }, { unevaluatedProperties: false, if: {}, then: { properties: { b: {} } } }, '', 0);
 * // PROPERTY_EVALUATED_BY_SUBSCHEMA_ADDED at /unevaluatedProperties ('b')
 */
export function compareEvaluated(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  if (!judgesNames(o) || !judgesNames(n)) return;
  const before = evaluatedBelow(ctx.oldReader, o);
  const after = evaluatedBelow(ctx.newReader, n);
  const at = below(path, 'unevaluatedProperties');
  const label = (x: string): string =>
    x === EVERY_NAME ? 'every name' : x.startsWith('/') ? `pattern ${x}` : `'${x}'`;
  for (const x of after) {
    if (!before.has(x))
      ctx.emit(
        'PROPERTY_EVALUATED_BY_SUBSCHEMA_ADDED',
        at,
        `${label(x)} is evaluated by a subschema now; unevaluatedProperties no longer judges it`,
      );
  }
  for (const x of before) {
    if (!after.has(x))
      ctx.emit(
        'PROPERTY_EVALUATED_BY_SUBSCHEMA_REMOVED',
        at,
        `${label(x)} is no longer evaluated by a subschema; unevaluatedProperties judges it now`,
      );
  }
}
