// What the diff does not analyse further: references it could not resolve, the AsyncAPI `discriminator`, and
// keywords it does not know (`$dynamicRef`, vendor keywords). Each is named and judged conservatively.
import type { DiffContext } from './context';
import { below, changeText, isAnnotationKey, isUnresolved, type SchemaObject } from './model';

/** Keywords some keyword group compares; the rest are compared as unknown keywords. */
const KNOWN = new Set([
  ...['maxLength', 'minLength', 'pattern'],
  ...['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf'],
  ...['properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames'],
  ...['unevaluatedProperties', 'maxProperties', 'minProperties'],
  ...['dependencies', 'dependentRequired', 'dependentSchemas'],
  ...['items', 'prefixItems', 'additionalItems', 'maxItems', 'minItems', 'uniqueItems'],
  ...['contains', 'maxContains', 'minContains', 'unevaluatedItems'],
  ...['type', 'enum', 'const', 'format', 'contentEncoding', 'contentMediaType', 'contentSchema'],
  ...['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'discriminator'],
]);

/**
 * One side (or both) is a reference the reader could not resolve: the same reference on both sides is no change,
 * anything else REF_CHANGED.
 *
 * @example
 * compareUnresolved(ctx, readOld({ $ref: 'a.json' }), readNew({ $ref: 'b.json' }), ''); // REF_CHANGED at /$ref
 */
export function compareUnresolved(ctx: DiffContext, o: unknown, n: unknown, path: string): void {
  const oRef = isUnresolved(o) ? o.unresolved : undefined;
  const nRef = isUnresolved(n) ? n.unresolved : undefined;
  if (oRef === nRef) return;
  ctx.emit('REF_CHANGED', below(path, '$ref'), `${oRef ?? '(inline schema)'} -> ${nRef ?? '(inline schema)'}`);
}

/**
 * The `discriminator` and every keyword no group compares.
 *
 * @example
 * compareUnknownKeywords(ctx, {}, { $dynamicRef: '#node' }, ''); // SCHEMA_KEYWORD_CHANGED at /$dynamicRef
 */
export function compareUnknownKeywords(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  if (!ctx.same(o.discriminator, n.discriminator)) {
    ctx.emit(
      'DISCRIMINATOR_CHANGED',
      below(path, 'discriminator'),
      changeText('discriminator', o.discriminator, n.discriminator),
    );
  }
  const keys = new Set([...Object.keys(o), ...Object.keys(n)]);
  for (const key of [...keys].sort()) {
    if (KNOWN.has(key) || isAnnotationKey(key) || key === '$ref') continue;
    if (!ctx.same(o[key], n[key]))
      ctx.emit('SCHEMA_KEYWORD_CHANGED', below(path, key), changeText(key, o[key], n[key]));
  }
}
