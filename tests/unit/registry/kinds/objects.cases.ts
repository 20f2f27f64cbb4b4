import type { KindCase } from './case';

/** An object with property `a`, and a content model: open (no additionalProperties), closed, or partially open. */
function obj(model: 'open' | 'closed' | 'partial', props: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = { type: 'object', properties: { a: { type: 'string' }, ...props } };
  if (required.length > 0) out.required = required;
  if (model === 'closed') out.additionalProperties = false;
  if (model === 'partial') out.additionalProperties = { type: 'string' };
  return out;
}
const B = { type: 'string' };

export const objectCases: KindCase[] = [
  { kind: 'REQUIRED_ATTRIBUTE_ADDED', breaks: 'backward', old: obj('open', {}), new: obj('open', {}, ['a']), path: '/properties/a', mirror: 'REQUIRED_ATTRIBUTE_REMOVED', witnesses: { backward: [{}] } },
  { kind: 'REQUIRED_ATTRIBUTE_ADDED', breaks: 'backward', old: obj('closed', {}), new: obj('closed', {}, ['a']), path: '/properties/a', mirror: 'REQUIRED_ATTRIBUTE_REMOVED', witnesses: { backward: [{}] }, note: 'closed model' },
  { kind: 'REQUIRED_ATTRIBUTE_REMOVED', breaks: 'forward', old: obj('open', {}, ['a']), new: obj('open', {}), path: '/properties/a', mirror: 'REQUIRED_ATTRIBUTE_ADDED', witnesses: { forward: [{}] } },

  // Added properties, by the old side's content model.
  { kind: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', breaks: 'backward', old: obj('open', {}), new: obj('open', { b: B }), path: '/properties/b', mirror: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', witnesses: { backward: [{ b: 1 }] } },
  { kind: 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', breaks: 'backward', old: obj('open', {}), new: obj('open', { b: B }, ['b']), path: '/properties/b', mirror: 'REQUIRED_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', witnesses: { backward: [{}] } },
  { kind: 'PROPERTY_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL', breaks: 'none', old: obj('open', {}), new: obj('open', { b: { description: 'anything' } }), path: '/properties/b', mirror: 'PROPERTY_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL' },
  { kind: 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', breaks: 'forward', old: obj('closed', {}), new: obj('closed', { b: B }), path: '/properties/b', mirror: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', witnesses: { forward: [{ b: 'x' }] } },
  { kind: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', breaks: 'both', old: obj('closed', {}), new: obj('closed', { b: B }, ['b']), path: '/properties/b', mirror: 'REQUIRED_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', witnesses: { backward: [{}], forward: [{ b: 'x' }] } },
  { kind: 'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL', breaks: 'none', old: obj('partial', {}), new: obj('partial', { b: B }), path: '/properties/b', mirror: 'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL', note: 'covered: same schema as additionalProperties' },
  {
    kind: 'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
    breaks: 'none',
    old: obj('partial', {}),
    new: obj('partial', { b: { type: 'string', maxLength: 2 } }),
    path: '/properties/b',
    extra: ['MAX_LENGTH_ADDED'],
    mirror: 'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
    witnesses: { backward: [{ b: 'xyz' }] },
    note: 'not covered: the difference from the partial schema is its own change',
  },
  {
    kind: 'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
    breaks: 'none',
    old: { type: 'object', patternProperties: { '^b': { type: 'integer' } } },
    new: { type: 'object', patternProperties: { '^b': { type: 'integer' } }, properties: { b: { type: 'number' } } },
    path: '/properties/b',
    extra: ['TYPE_EXTENDED'],
    mirror: 'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
    witnesses: {},
    note: 'partially open through patternProperties (both apply to b, so no witness either way)',
  },
  { kind: 'REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL', breaks: 'backward', old: obj('partial', {}), new: obj('partial', { b: B }, ['b']), path: '/properties/b', mirror: 'REQUIRED_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL', witnesses: { backward: [{}] } },

  // Removed properties, by the new side's content model.
  { kind: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', breaks: 'forward', old: obj('open', { b: B }), new: obj('open', {}), path: '/properties/b', mirror: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', witnesses: { forward: [{ b: 1 }] } },
  { kind: 'REQUIRED_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', breaks: 'forward', old: obj('open', { b: B }, ['b']), new: obj('open', {}), path: '/properties/b', mirror: 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', witnesses: { forward: [{}] } },
  { kind: 'PROPERTY_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL', breaks: 'none', old: obj('open', { b: {} }), new: obj('open', {}), path: '/properties/b', mirror: 'PROPERTY_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL' },
  { kind: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', breaks: 'backward', old: obj('closed', { b: B }), new: obj('closed', {}), path: '/properties/b', mirror: 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', witnesses: { backward: [{ b: 'x' }] } },
  { kind: 'REQUIRED_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', breaks: 'both', old: obj('closed', { b: B }, ['b']), new: obj('closed', {}), path: '/properties/b', mirror: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', witnesses: { backward: [{ b: 'x' }], forward: [{}] } },
  { kind: 'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL', breaks: 'none', old: obj('partial', { b: B }), new: obj('partial', {}), path: '/properties/b', mirror: 'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL' },
  { kind: 'REQUIRED_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL', breaks: 'forward', old: obj('partial', { b: B }, ['b']), new: obj('partial', {}), path: '/properties/b', mirror: 'REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL', witnesses: { forward: [{}] } },

  { kind: 'ADDITIONAL_PROPERTIES_NARROWED', breaks: 'backward', old: obj('open', {}), new: obj('closed', {}), path: '/additionalProperties', mirror: 'ADDITIONAL_PROPERTIES_EXTENDED', witnesses: { backward: [{ z: 1 }] } },
  { kind: 'ADDITIONAL_PROPERTIES_NARROWED', breaks: 'backward', old: obj('open', {}), new: obj('partial', {}), path: '/additionalProperties', mirror: 'ADDITIONAL_PROPERTIES_EXTENDED', witnesses: { backward: [{ z: 1 }] }, note: 'open -> partially open' },
  { kind: 'ADDITIONAL_PROPERTIES_EXTENDED', breaks: 'forward', old: obj('closed', {}), new: obj('partial', {}), path: '/additionalProperties', mirror: 'ADDITIONAL_PROPERTIES_NARROWED', witnesses: { forward: [{ z: 'x' }] } },
  { kind: 'MAX_LENGTH_ADDED', breaks: 'backward', old: obj('partial', {}), new: { ...obj('open', {}), additionalProperties: { type: 'string', maxLength: 1 } }, path: '/additionalProperties/maxLength', mirror: 'MAX_LENGTH_REMOVED', witnesses: { backward: [{ z: 'xy' }] }, note: 'additionalProperties schema -> schema is compared inside' },
  { kind: 'PATTERN_PROPERTIES_CHANGED', breaks: 'both', old: obj('open', {}), new: { ...obj('open', {}), patternProperties: { '^x': { type: 'string' } } }, path: '/patternProperties/^x', mirror: 'PATTERN_PROPERTIES_CHANGED', conservative: true, witnesses: { backward: [{ x1: 1 }] } },
  { kind: 'PROPERTY_NAMES_NARROWED', breaks: 'backward', old: obj('open', {}), new: { ...obj('open', {}), propertyNames: { maxLength: 2 } }, path: '/propertyNames', mirror: 'PROPERTY_NAMES_EXTENDED', witnesses: { backward: [{ abc: 1 }] } },
  { kind: 'PROPERTY_NAMES_EXTENDED', breaks: 'forward', old: { ...obj('open', {}), propertyNames: { maxLength: 2 } }, new: obj('open', {}), path: '/propertyNames', mirror: 'PROPERTY_NAMES_NARROWED', witnesses: { forward: [{ abc: 1 }] } },
  { kind: 'UNEVALUATED_PROPERTIES_NARROWED', breaks: 'backward', old: obj('open', {}), new: { ...obj('open', {}), unevaluatedProperties: false }, path: '/unevaluatedProperties', mirror: 'UNEVALUATED_PROPERTIES_EXTENDED', witnesses: { backward: [{ z: 1 }] } },
  { kind: 'UNEVALUATED_PROPERTIES_EXTENDED', breaks: 'forward', old: { ...obj('open', {}), unevaluatedProperties: false }, new: obj('open', {}), path: '/unevaluatedProperties', mirror: 'UNEVALUATED_PROPERTIES_NARROWED', witnesses: { forward: [{ z: 1 }] } },

  { kind: 'MAX_PROPERTIES_ADDED', breaks: 'backward', old: obj('open', {}), new: { ...obj('open', {}), maxProperties: 1 }, path: '/maxProperties', mirror: 'MAX_PROPERTIES_REMOVED', witnesses: { backward: [{ a: 'x', b: 1 }] } },
  { kind: 'MAX_PROPERTIES_REMOVED', breaks: 'forward', old: { ...obj('open', {}), maxProperties: 1 }, new: obj('open', {}), path: '/maxProperties', mirror: 'MAX_PROPERTIES_ADDED', witnesses: { forward: [{ a: 'x', b: 1 }] } },
  { kind: 'MAX_PROPERTIES_DECREASED', breaks: 'backward', old: { ...obj('open', {}), maxProperties: 2 }, new: { ...obj('open', {}), maxProperties: 1 }, path: '/maxProperties', mirror: 'MAX_PROPERTIES_INCREASED', witnesses: { backward: [{ a: 'x', b: 1 }] } },
  { kind: 'MAX_PROPERTIES_INCREASED', breaks: 'forward', old: { ...obj('open', {}), maxProperties: 1 }, new: { ...obj('open', {}), maxProperties: 2 }, path: '/maxProperties', mirror: 'MAX_PROPERTIES_DECREASED', witnesses: { forward: [{ a: 'x', b: 1 }] } },
  { kind: 'MIN_PROPERTIES_ADDED', breaks: 'backward', old: obj('open', {}), new: { ...obj('open', {}), minProperties: 1 }, path: '/minProperties', mirror: 'MIN_PROPERTIES_REMOVED', witnesses: { backward: [{}] } },
  { kind: 'MIN_PROPERTIES_REMOVED', breaks: 'forward', old: { ...obj('open', {}), minProperties: 1 }, new: obj('open', {}), path: '/minProperties', mirror: 'MIN_PROPERTIES_ADDED', witnesses: { forward: [{}] } },
  { kind: 'MIN_PROPERTIES_INCREASED', breaks: 'backward', old: { ...obj('open', {}), minProperties: 1 }, new: { ...obj('open', {}), minProperties: 2 }, path: '/minProperties', mirror: 'MIN_PROPERTIES_DECREASED', witnesses: { backward: [{ a: 'x' }] } },
  { kind: 'MIN_PROPERTIES_DECREASED', breaks: 'forward', old: { ...obj('open', {}), minProperties: 2 }, new: { ...obj('open', {}), minProperties: 1 }, path: '/minProperties', mirror: 'MIN_PROPERTIES_INCREASED', witnesses: { forward: [{ a: 'x' }] } },

  { kind: 'DEPENDENCY_ARRAY_ADDED', breaks: 'backward', old: obj('open', {}), new: { ...obj('open', {}), dependentRequired: { a: ['b'] } }, path: '/dependentRequired/a', mirror: 'DEPENDENCY_ARRAY_REMOVED', witnesses: { backward: [{ a: 'x' }] } },
  { kind: 'DEPENDENCY_ARRAY_ADDED', breaks: 'backward', old: obj('open', {}), new: { ...obj('open', {}), dependencies: { a: ['b'] } }, path: '/dependencies/a', mirror: 'DEPENDENCY_ARRAY_REMOVED', witnesses: { backward: [{ a: 'x' }] }, draft07: true, note: 'draft-07 dependencies' },
  { kind: 'DEPENDENCY_ARRAY_REMOVED', breaks: 'forward', old: { ...obj('open', {}), dependentRequired: { a: ['b'] } }, new: obj('open', {}), path: '/dependentRequired/a', mirror: 'DEPENDENCY_ARRAY_ADDED', witnesses: { forward: [{ a: 'x' }] } },
  { kind: 'DEPENDENCY_ARRAY_EXTENDED', breaks: 'backward', old: { ...obj('open', {}), dependentRequired: { a: ['b'] } }, new: { ...obj('open', {}), dependentRequired: { a: ['b', 'c'] } }, path: '/dependentRequired/a', mirror: 'DEPENDENCY_ARRAY_NARROWED', witnesses: { backward: [{ a: 'x', b: 1 }] } },
  { kind: 'DEPENDENCY_ARRAY_NARROWED', breaks: 'forward', old: { ...obj('open', {}), dependentRequired: { a: ['b', 'c'] } }, new: { ...obj('open', {}), dependentRequired: { a: ['b'] } }, path: '/dependentRequired/a', mirror: 'DEPENDENCY_ARRAY_EXTENDED', witnesses: { forward: [{ a: 'x', b: 1 }] } },
  { kind: 'DEPENDENCY_ARRAY_CHANGED', breaks: 'both', old: { ...obj('open', {}), dependentRequired: { a: ['b'] } }, new: { ...obj('open', {}), dependentRequired: { a: ['c'] } }, path: '/dependentRequired/a', mirror: 'DEPENDENCY_ARRAY_CHANGED', witnesses: { backward: [{ a: 'x', b: 1 }], forward: [{ a: 'x', c: 1 }] } },
  { kind: 'DEPENDENCY_SCHEMA_ADDED', breaks: 'backward', old: obj('open', {}), new: { ...obj('open', {}), dependentSchemas: { a: { required: ['b'] } } }, path: '/dependentSchemas/a', mirror: 'DEPENDENCY_SCHEMA_REMOVED', witnesses: { backward: [{ a: 'x' }] } },
  { kind: 'DEPENDENCY_SCHEMA_REMOVED', breaks: 'forward', old: { ...obj('open', {}), dependentSchemas: { a: { required: ['b'] } } }, new: obj('open', {}), path: '/dependentSchemas/a', mirror: 'DEPENDENCY_SCHEMA_ADDED', witnesses: { forward: [{ a: 'x' }] } },
];
