// Which JSON Schema keywords hold subschemas. One table for every schema-aware walk in the project (the loader's
// finite copy, codegen's rebuild, the registry's canonical form), so property names and data are never mistaken for
// keywords and no walk forgets a keyword the others know. `items` and `dependencies` hold either a subschema or
// something else (an array of schemas / of names), so each walk decides on them by the value's shape.

/** Keywords whose value is one subschema. */
export const SUBSCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
]);

/** Keywords whose value is an array of subschemas. */
export const SUBSCHEMA_ARRAY_KEYWORDS: ReadonlySet<string> = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

/** Keywords whose value maps names to subschemas. */
export const SUBSCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
