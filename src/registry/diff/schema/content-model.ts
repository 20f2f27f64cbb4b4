// The content model of an object for one property name: what the schema says about that name when `properties`
// does not declare it (a matching `patternProperties`, else `additionalProperties`/`unevaluatedProperties`).
import { isRecord } from '../../../util/records';
import { isFalseSchema, isUnconstrained, show, type SchemaObject } from './model';

export type ContentModel = { model: 'open' } | { model: 'closed' } | { model: 'partial'; schema: unknown; via: string };

/**
 * Tests a `patternProperties` pattern against a name; undefined when the pattern is not a valid regular expression.
 *
 * @example
 * patternMatches('^x-', 'x-trace'); // true
 */
export function patternMatches(pattern: string, name: string): boolean | undefined {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    return undefined;
  }
}

/**
 * The model of undeclared names, `patternProperties` left out (what `additionalProperties` or, failing that,
 * `unevaluatedProperties` says).
 *
 * @example
 * additionalModel({ additionalProperties: false }); // { model: 'closed' }
 */
export function additionalModel(s: SchemaObject): ContentModel {
  const via = s.additionalProperties !== undefined ? 'additionalProperties' : 'unevaluatedProperties';
  const ap = s.additionalProperties !== undefined ? s.additionalProperties : s.unevaluatedProperties;
  if (ap === undefined || ap === true) return { model: 'open' };
  if (ap === false || isFalseSchema(ap)) return { model: 'closed' };
  if (isUnconstrained(ap)) return { model: 'open' };
  return { model: 'partial', schema: ap, via };
}

/**
 * The model of one undeclared name: the first matching `patternProperties` entry, else the additional model.
 *
 * @example
 * contentModel({ patternProperties: { '^x': {} }, additionalProperties: false }, 'x1'); // partial, via patternProperties
 */
export function contentModel(s: SchemaObject, name: string): ContentModel {
  if (isRecord(s.patternProperties)) {
    for (const [pattern, schema] of Object.entries(s.patternProperties)) {
      if (patternMatches(pattern, name) === true)
        return { model: 'partial', schema, via: `patternProperties ${show(pattern)}` };
    }
  }
  return additionalModel(s);
}
