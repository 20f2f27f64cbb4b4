// The catalogue of change kinds. Every change the diff reports has exactly one of these kinds, and every kind has one
// fixed rule saying which compatibility direction it breaks. RULES.md is rendered from this table.
//
// Reader/writer model (Confluent Schema Registry's): a schema R "reads" data written with W when every instance
// valid under W is valid under R.
//   BACKWARD: the NEW schema reads data written with the OLD one (old ⊆ new). A change that narrows breaks it.
//   FORWARD:  the OLD schema reads data written with the NEW one (new ⊆ old). A change that widens breaks it.

/** Which compatibility direction a change kind breaks. */
export type Breaks = 'none' | 'backward' | 'forward' | 'both';

/** What a change is about: a schema keyword, an object's properties, a union's branches, or the document. */
export type KindGroup =
  | 'annotation'
  | 'type'
  | 'value'
  | 'string'
  | 'number'
  | 'object'
  | 'array'
  | 'combinator'
  | 'conditional'
  | 'reference'
  | 'unknown'
  | 'instance'
  | 'message'
  | 'channel'
  | 'operation'
  | 'server'
  | 'security'
  | 'document';

export interface KindRule {
  breaks: Breaks;
  group: KindGroup;
  /** What changed, in one line. */
  summary: string;
  /** Why it breaks in that direction (or why it does not), in reader/writer terms. */
  why: string;
  /** How to make the change compatible, shown next to a breaking change. */
  remedy: string;
  /** A longer argument with the instance that proves it (rendered under the group's table in RULES.md). */
  note?: string;
}

const NARROW_WHY = 'the new schema accepts less than the old one: a new reader refuses some data an old writer wrote';
const WIDEN_WHY = 'the new schema accepts more than the old one: an old reader refuses some data a new writer writes';
const BOTH_WHY = 'the new schema accepts some values the old one refused and refuses some it accepted';
const ANNOTATION_WHY = 'an annotation: it changes no instance from valid to invalid or back';

const NARROW_FIX = 'keep the old, wider constraint, or publish the narrower schema as a new message';
const WIDEN_FIX = 'keep the old, narrower constraint until every old reader is gone, or publish a new message';
const BOTH_FIX = 'keep the old constraint and publish the new shape as a new message (or a new optional field)';
const NO_FIX = 'nothing to do';

function narrow(group: KindGroup, summary: string, why = NARROW_WHY, remedy = NARROW_FIX): KindRule {
  return { breaks: 'backward', group, summary, why, remedy };
}
function widen(group: KindGroup, summary: string, why = WIDEN_WHY, remedy = WIDEN_FIX): KindRule {
  return { breaks: 'forward', group, summary, why, remedy };
}
function both(group: KindGroup, summary: string, why = BOTH_WHY, remedy = BOTH_FIX): KindRule {
  return { breaks: 'both', group, summary, why, remedy };
}
function none(group: KindGroup, summary: string, why = ANNOTATION_WHY): KindRule {
  return { breaks: 'none', group, summary, why, remedy: NO_FIX };
}

function withNote(rule: KindRule, note: string): KindRule {
  return { ...rule, note };
}

const CATALOGUE = {
  // ---- annotations: never breaking ----------------------------------------------------------------------------
  DESCRIPTION_CHANGED: none('annotation', '`description` was added, removed or reworded.'),
  TITLE_CHANGED: none('annotation', '`title` was added, removed or changed.'),
  DEFAULT_CHANGED: none(
    'annotation',
    '`default` was added, removed or changed.',
    'JSON Schema validation ignores `default`; readers that fill it in see a different value, which is a behaviour change to review, not a compatibility break',
  ),
  EXAMPLES_CHANGED: none('annotation', '`examples` (or `example`) changed.'),
  DEPRECATED_CHANGED: none('annotation', '`deprecated` was set or cleared.'),
  ANNOTATION_CHANGED: none(
    'annotation',
    'Another annotation changed: `$comment`, `readOnly`, `writeOnly`, `externalDocs`, `xml`, `$anchor`.',
  ),
  EXTENSION_CHANGED: none(
    'annotation',
    'A specification extension (`x-*`) changed.',
    'extensions have no meaning for JSON Schema or AsyncAPI validation; review ones your own tools read',
  ),

  // ---- type ---------------------------------------------------------------------------------------------------
  TYPE_NARROWED: narrow(
    'type',
    'The set of allowed JSON types shrank (e.g. number -> integer, a type added where none was).',
  ),
  TYPE_EXTENDED: widen(
    'type',
    'The set of allowed JSON types grew (e.g. integer -> number, "null" added, `type` removed).',
  ),
  TYPE_CHANGED: both('type', 'The allowed JSON types changed to an unrelated set (e.g. string -> integer).'),

  // ---- values -------------------------------------------------------------------------------------------------
  ENUM_ARRAY_NARROWED: narrow(
    'value',
    'Values were removed from `enum` (or an enum became a `const` among its values).',
  ),
  ENUM_ARRAY_EXTENDED: widen('value', 'Values were added to `enum` (or a `const` became an enum containing it).'),
  ENUM_ARRAY_CHANGED: both('value', 'Values were both added to and removed from `enum`/`const`.'),
  ENUM_ADDED: narrow('value', 'An `enum` was added where any value was allowed.'),
  ENUM_REMOVED: widen('value', 'The `enum` was removed: any value is allowed now.'),
  CONST_ADDED: narrow('value', 'A `const` was added where any value was allowed.'),
  CONST_REMOVED: widen('value', 'The `const` was removed: any value is allowed now.'),
  CONST_CHANGED: both('value', 'The `const` value changed (e.g. a message `type` discriminator was renamed).'),

  // ---- strings ------------------------------------------------------------------------------------------------
  MAX_LENGTH_ADDED: narrow('string', 'A maximum string length (`maxLength`) was added.'),
  MAX_LENGTH_REMOVED: widen('string', 'The maximum string length (`maxLength`) was removed.'),
  MAX_LENGTH_DECREASED: narrow('string', 'The maximum string length (`maxLength`) was lowered.'),
  MAX_LENGTH_INCREASED: widen('string', 'The maximum string length (`maxLength`) was raised.'),
  MIN_LENGTH_ADDED: narrow('string', 'A minimum string length (`minLength`) was added.'),
  MIN_LENGTH_REMOVED: widen('string', 'The minimum string length (`minLength`) was removed.'),
  MIN_LENGTH_INCREASED: narrow('string', 'The minimum string length (`minLength`) was raised.'),
  MIN_LENGTH_DECREASED: widen('string', 'The minimum string length (`minLength`) was lowered.'),
  PATTERN_ADDED: narrow('string', 'A `pattern` was added.'),
  PATTERN_REMOVED: widen('string', 'The `pattern` was removed.'),
  PATTERN_CHANGED: both(
    'string',
    'The `pattern` changed.',
    'whether one regular expression matches a subset of another cannot be decided in general, so both directions are assumed broken',
  ),
  FORMAT_ADDED: narrow('string', 'A `format` was added (formats are asserted, as this project validates them).'),
  FORMAT_REMOVED: widen('string', 'The `format` was removed.'),
  FORMAT_CHANGED: both('string', 'The `format` changed.'),
  CONTENT_ENCODING_CHANGED: both(
    'string',
    '`contentEncoding`, `contentMediaType` or `contentSchema` changed.',
    'the bytes inside the string are read differently; readers that decode them meet data they cannot decode',
  ),

  // ---- numbers ------------------------------------------------------------------------------------------------
  MAXIMUM_ADDED: narrow('number', 'A upper bound (`maximum` / `exclusiveMaximum`, whichever is tighter) was added.'),
  MAXIMUM_REMOVED: widen(
    'number',
    'The upper bound (`maximum` / `exclusiveMaximum`, whichever is tighter) was removed.',
  ),
  MAXIMUM_DECREASED: narrow(
    'number',
    'The upper bound (`maximum` / `exclusiveMaximum`, whichever is tighter) was lowered.',
  ),
  MAXIMUM_INCREASED: widen(
    'number',
    'The upper bound (`maximum` / `exclusiveMaximum`, whichever is tighter) was raised.',
  ),
  MINIMUM_ADDED: narrow('number', 'A lower bound (`minimum` / `exclusiveMinimum`, whichever is tighter) was added.'),
  MINIMUM_REMOVED: widen(
    'number',
    'The lower bound (`minimum` / `exclusiveMinimum`, whichever is tighter) was removed.',
  ),
  MINIMUM_INCREASED: narrow(
    'number',
    'The lower bound (`minimum` / `exclusiveMinimum`, whichever is tighter) was raised.',
  ),
  MINIMUM_DECREASED: widen(
    'number',
    'The lower bound (`minimum` / `exclusiveMinimum`, whichever is tighter) was lowered.',
  ),
  MULTIPLE_OF_ADDED: narrow('number', 'A `multipleOf` was added.'),
  MULTIPLE_OF_REMOVED: widen('number', 'The `multipleOf` was removed.'),
  MULTIPLE_OF_EXPANDED: narrow('number', 'The new `multipleOf` is a multiple of the old one (e.g. 5 -> 10).'),
  MULTIPLE_OF_REDUCED: widen('number', 'The old `multipleOf` is a multiple of the new one (e.g. 10 -> 5).'),
  MULTIPLE_OF_CHANGED: both('number', 'The `multipleOf` changed to an unrelated divisor (e.g. 2 -> 3).'),

  // ---- objects ------------------------------------------------------------------------------------------------
  REQUIRED_ATTRIBUTE_ADDED: withNote(
    narrow(
      'object',
      'An existing property became required.',
      'data an old writer wrote may lack the property, and the new reader refuses it',
      'keep the property optional (give it a default in the reader instead)',
    ),
    'Also reported (at `/required`) for a name that `properties` declares on neither side. Some labelled corpora call ' +
      'that change compatible because the name is "not part of the model"; it is not: `required` applies to every ' +
      'name, declared or not. Old `{"type":"object"}`, new `{"type":"object","required":["x"]}`: the instance `{}` is ' +
      'valid under the old schema and invalid under the new one (ajv, draft-07 and 2020-12), so a new reader refuses ' +
      'data an old writer wrote. With `additionalProperties: false` beside it the new schema accepts no instance at all.',
  ),
  REQUIRED_ATTRIBUTE_REMOVED: widen(
    'object',
    'A required property became optional.',
    'a new writer may leave the property out, and an old reader that requires it refuses the data',
    'keep sending the property (keep it required) until every old reader is gone',
  ),
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: narrow(
    'object',
    'An optional property was added to an open object (additionalProperties absent/true).',
    'the old open schema accepted that property name with ANY value, so old data may hold a value the new property schema refuses',
    'give the new property a schema that accepts anything old writers may have sent, or use a name no writer used',
  ),
  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: narrow(
    'object',
    'A required property was added to an open object.',
    'old data may lack the property (and may hold it with any value), and the new reader refuses it',
    'add the property as optional',
  ),
  PROPERTY_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL: none(
    'object',
    'An optional property that accepts any value was added to an open object.',
    'the open model already accepted that name with any value, and so does the new property',
  ),
  OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: widen(
    'object',
    'An optional property was added to a closed object (additionalProperties: false).',
    'old data never holds the property, so the new reader reads it; but an old, closed reader refuses new data that holds it',
    'fine when every reader is newer than every writer (BACKWARD); otherwise open the object first, in an earlier release',
  ),
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: both(
    'object',
    'A required property was added to a closed object.',
    'old data lacks it (the new reader refuses it) and the old closed reader refuses new data that holds it',
    'add the property as optional, and to readers before writers',
  ),
  PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL: none(
    'object',
    'An optional property was added to a partially open object (additionalProperties or a matching patternProperties is a schema).',
    'old data may hold that name, validated by the partial schema; the property schema is compared with that schema and each difference is reported as its own change at the property path',
  ),
  REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL: narrow(
    'object',
    'A required property was added to a partially open object.',
    'old data may lack it; the property schema is also compared with the partial schema (reported as separate changes)',
    'add the property as optional',
  ),
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: widen(
    'object',
    'An optional property was removed from an open object.',
    'the new open schema accepts that name with any value, which an old reader (that still knows the property) may refuse',
    'keep the property in the schema (mark it `deprecated`) and stop sending it',
  ),
  REQUIRED_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: widen(
    'object',
    'A required property was removed from an open object.',
    'new data may lack the property, and an old reader that requires it refuses the data',
    'keep sending the property; mark it `deprecated` and remove it once no reader requires it',
  ),
  PROPERTY_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL: none(
    'object',
    'An optional property that accepted any value was removed from an open object.',
    'the open model accepts that name with any value, exactly as the removed property did',
  ),
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: narrow(
    'object',
    'An optional property was removed from a closed object.',
    'old data may hold the property, and the new closed reader refuses it',
    'keep the property in the schema (mark it `deprecated`) and ignore it in the reader',
  ),
  REQUIRED_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: both(
    'object',
    'A required property was removed from a closed object.',
    'old data holds the property (the new closed reader refuses it) and new data lacks it (the old reader requires it)',
    'keep the property; mark it `deprecated`',
  ),
  PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL: none(
    'object',
    'An optional property was removed from a partially open object.',
    'that name is now validated by the partial schema; the two schemas are compared and each difference is reported as its own change',
  ),
  FALSE_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: none(
    'object',
    'An optional property whose schema is `false` was added to a closed object.',
    'the closed object refused that name before and the `false` property refuses it now: nothing changes from valid to invalid or back',
  ),
  FALSE_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: none(
    'object',
    'An optional property whose schema is `false` was removed from a closed object.',
    'no instance could hold the name before (its schema was `false`) and the closed object refuses it now: nothing changes',
  ),
  REQUIRED_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL: widen(
    'object',
    'A required property was removed from a partially open object.',
    'new data may lack it and an old reader requires it; the schemas are also compared (reported as separate changes)',
    'keep sending the property until no reader requires it',
  ),
  ADDITIONAL_PROPERTIES_NARROWED: narrow(
    'object',
    '`additionalProperties` (the content model for undeclared names) accepts less (e.g. absent/true -> a schema -> false).',
  ),
  ADDITIONAL_PROPERTIES_EXTENDED: widen(
    'object',
    '`additionalProperties` (the content model for undeclared names) accepts more (e.g. false -> a schema -> absent/true).',
  ),
  PATTERN_PROPERTIES_CHANGED: both(
    'object',
    'A `patternProperties` pattern was added or removed beside other patterns, or is not a valid regular expression.',
    'which names two patterns both cover cannot be decided in general, so both directions are assumed broken',
  ),
  PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: narrow(
    'object',
    'A `patternProperties` pattern was added to an open object.',
    'old data may hold names matching the pattern with any value, which the pattern schema may refuse',
    'give the pattern a schema that accepts anything old writers may have sent',
  ),
  PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: widen(
    'object',
    'A `patternProperties` pattern (not `false`) was added to a closed object.',
    'names matching the pattern were refused and are accepted now: an old, closed reader refuses new data that holds them; old data never held them, so a new reader reads it',
    'fine when readers upgrade first (BACKWARD); otherwise add the pattern to readers before writers use it',
  ),
  PATTERN_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL: none(
    'object',
    'A `patternProperties` pattern was added to a partially open object (`additionalProperties` is a schema).',
    'matching names move from the additional schema to the pattern schema; the two are compared and each difference is reported as its own change',
  ),
  PATTERN_PROPERTY_ADDED_CHANGES_NOTHING: none(
    'object',
    'A `patternProperties` pattern was added that admits exactly what the object admitted for matching names (anything in an open object, `false` in a closed one), or that names only declared properties (`^(a|b)$`: no other name is admitted; a constraint on the declared ones is reported apart).',
    'no instance changes from valid to invalid or back',
  ),
  PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: widen(
    'object',
    'A `patternProperties` pattern was removed from an open object.',
    'matching names accept any value now, which an old reader that still applies the pattern may refuse',
    'keep the pattern until no reader applies it',
  ),
  PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: narrow(
    'object',
    'A `patternProperties` pattern (not `false`) was removed from a closed object.',
    'old data may hold names matching the pattern, which the new closed reader refuses',
    'keep the pattern (its schema may be narrowed later) until no writer sends matching names',
  ),
  PATTERN_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL: none(
    'object',
    'A `patternProperties` pattern was removed from a partially open object.',
    'matching names fall under the additional schema now; the two are compared and each difference is reported as its own change',
  ),
  PATTERN_PROPERTY_REMOVED_CHANGES_NOTHING: none(
    'object',
    'A `patternProperties` pattern was removed that admitted exactly what the object admits for matching names now, or that named only declared properties (a constraint it put on them is reported apart).',
    'no instance changes from valid to invalid or back',
  ),
  PATTERN_PROPERTY_CONSTRAINS_DECLARED_PROPERTY: narrow(
    'object',
    'A `patternProperties` pattern was added whose schema further constrains a declared property whose name it matches.',
    'a declared property must satisfy both its own schema and every matching pattern schema; old data may hold a value the pattern schema refuses',
    'make the pattern not match declared names, or give it a schema that accepts what those properties accept',
  ),
  PATTERN_PROPERTY_NO_LONGER_CONSTRAINS_DECLARED_PROPERTY: widen(
    'object',
    'A `patternProperties` pattern was removed whose schema constrained a declared property whose name it matched.',
    'the property accepts values the pattern schema refused, which an old reader refuses',
    'move the constraint into the property schema before removing the pattern',
  ),
  PROPERTY_NAMES_NARROWED: narrow('object', '`propertyNames` accepts less (e.g. absent/true -> a schema -> false).'),
  PROPERTY_NAMES_EXTENDED: widen('object', '`propertyNames` accepts more (e.g. false -> a schema -> absent/true).'),
  UNEVALUATED_PROPERTIES_NARROWED: narrow(
    'object',
    '`unevaluatedProperties` accepts less (e.g. absent/true -> a schema -> false).',
  ),
  UNEVALUATED_PROPERTIES_EXTENDED: widen(
    'object',
    '`unevaluatedProperties` accepts more (e.g. false -> a schema -> absent/true).',
  ),
  PROPERTY_EVALUATED_BY_SUBSCHEMA_ADDED: withNote(
    widen(
      'object',
      'Beside a limiting `unevaluatedProperties`, a subschema applied in place (`anyOf`/`oneOf`/`if`/`then`/`else`/`dependentSchemas`, or an `allOf` branch that cannot be merged) now declares a name (or pattern) that `unevaluatedProperties` judged before.',
      'the name escapes `unevaluatedProperties` whenever that subschema validates, so a new writer may send values an old reader refused',
    ),
    'An `allOf` branch is applied to every instance, so the reader merges it into its object and its names are ' +
      "compared as the object's own (`PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL` and friends): old " +
      '`{"type":"object","allOf":[{"properties":{"b":{"type":"string"}}}],"unevaluatedProperties":false}`, new the same ' +
      'without the branch: `{"b":"x"}` is valid under the old schema and refused by the new one (ajv, 2020-12), a ' +
      'BACKWARD break, not the FORWARD one "a branch was removed from allOf" suggests; moving `b` between the object ' +
      'and an allOf branch changes nothing. Subschemas that apply only sometimes cannot be merged; the names they ' +
      'evaluate are compared here: old `{"type":"object","unevaluatedProperties":false}`, new the same plus ' +
      '`"if":true,"then":{"properties":{"b":{}}}`: `{"b":1}` is refused by the old schema and valid under the new.',
  ),
  PROPERTY_EVALUATED_BY_SUBSCHEMA_REMOVED: narrow(
    'object',
    'Beside a limiting `unevaluatedProperties`, no subschema applied in place declares a name (or pattern) it declared before, so `unevaluatedProperties` judges it now.',
    'old data holding that name was accepted through the subschema and is now judged (e.g. refused) by `unevaluatedProperties`',
  ),
  MAX_PROPERTIES_ADDED: narrow('object', 'A maximum number of properties (`maxProperties`) was added.'),
  MAX_PROPERTIES_REMOVED: widen('object', 'The maximum number of properties (`maxProperties`) was removed.'),
  MAX_PROPERTIES_DECREASED: narrow('object', 'The maximum number of properties (`maxProperties`) was lowered.'),
  MAX_PROPERTIES_INCREASED: widen('object', 'The maximum number of properties (`maxProperties`) was raised.'),
  MIN_PROPERTIES_ADDED: narrow('object', 'A minimum number of properties (`minProperties`) was added.'),
  MIN_PROPERTIES_REMOVED: widen('object', 'The minimum number of properties (`minProperties`) was removed.'),
  MIN_PROPERTIES_INCREASED: narrow('object', 'The minimum number of properties (`minProperties`) was raised.'),
  MIN_PROPERTIES_DECREASED: widen('object', 'The minimum number of properties (`minProperties`) was lowered.'),
  DEPENDENCY_ARRAY_ADDED: narrow('object', 'A `dependentRequired` (array `dependencies`) entry was added.'),
  DEPENDENCY_ARRAY_REMOVED: widen('object', 'A `dependentRequired` (array `dependencies`) entry was removed.'),
  DEPENDENCY_ARRAY_EXTENDED: narrow('object', 'A `dependentRequired` entry now requires more properties.'),
  DEPENDENCY_ARRAY_NARROWED: widen('object', 'A `dependentRequired` entry now requires fewer properties.'),
  DEPENDENCY_ARRAY_CHANGED: both('object', 'A `dependentRequired` entry requires different properties.'),
  DEPENDENCY_SCHEMA_ADDED: narrow('object', 'A `dependentSchemas` (schema `dependencies`) entry was added.'),
  DEPENDENCY_SCHEMA_REMOVED: widen('object', 'A `dependentSchemas` (schema `dependencies`) entry was removed.'),

  // ---- arrays -------------------------------------------------------------------------------------------------
  ITEMS_NARROWED: narrow(
    'array',
    '`items` (the schema of every array element) accepts less (e.g. absent/true -> a schema -> false).',
  ),
  ITEMS_EXTENDED: widen(
    'array',
    '`items` (the schema of every array element) accepts more (e.g. false -> a schema -> absent/true).',
  ),
  ADDITIONAL_ITEMS_NARROWED: withNote(
    narrow(
      'array',
      'The schema of the elements after a tuple (`additionalItems`, or `items` after `prefixItems`) accepts less (e.g. absent/true -> a schema -> false).',
    ),
    'Only reported beside a tuple. `additionalItems` next to a *non-tuple* `items` (one schema) is ignored by ' +
      'draft-07 (section 9.3.1.2: "if items is a schema, additionalItems is ignored") and does not exist in 2020-12, so ' +
      'adding `additionalItems: false` there changes nothing, whatever some labelled corpora say. Old ' +
      '`{"type":"array","items":{"type":"string"}}`, new the same plus `"additionalItems":false`: `["a","b"]` is valid ' +
      'under both (ajv, draft-07), and so is every other array; the diff reports no change. A 2020-12 tuple with no ' +
      '`items` is closed by `unevaluatedItems` instead, which the diff reads as the rest of the tuple.',
  ),
  ADDITIONAL_ITEMS_EXTENDED: widen(
    'array',
    'The schema of the elements after a tuple (`additionalItems`, or `items` after `prefixItems`) accepts more (e.g. false -> a schema -> absent/true).',
  ),
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: narrow(
    'array',
    'A tuple position was added where any element was allowed after the tuple.',
    'old data may hold any value at that position, which the new position schema may refuse',
  ),
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: widen(
    'array',
    'A tuple position was added where no element was allowed after the tuple.',
    'old arrays never reach that position; an old reader refuses new, longer arrays',
  ),
  ITEM_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL: none(
    'array',
    'A tuple position was added where elements after the tuple had a schema.',
    'the position schema is compared with the old rest-of-array schema; each difference is reported as its own change',
  ),
  ITEM_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL: none(
    'array',
    'A tuple position that accepts any value was added where any element was allowed.',
  ),
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: widen(
    'array',
    'A tuple position was removed; elements after the tuple accept any value.',
    'the new schema accepts any value at that position, which an old reader may refuse',
  ),
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: narrow(
    'array',
    'A tuple position was removed; no element is allowed after the tuple.',
    'old data may hold an element at that position, which the new reader refuses',
  ),
  ITEM_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL: none(
    'array',
    'A tuple position was removed; elements after the tuple have a schema.',
    'the removed position schema is compared with the new rest-of-array schema; each difference is reported as its own change',
  ),
  ITEM_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL: none(
    'array',
    'A tuple position that accepted any value was removed where any element is allowed.',
  ),
  FALSE_ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: none(
    'array',
    'A tuple position whose schema is `false` was added where no element was allowed after the tuple.',
    'arrays had to end before that position, and still do: nothing changes from valid to invalid or back',
  ),
  FALSE_ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: none(
    'array',
    'A tuple position whose schema is `false` was removed; no element is allowed after the tuple.',
    'no array could hold an element there before (its schema was `false`), and none can now',
  ),
  MAX_ITEMS_ADDED: narrow('array', 'A maximum array length (`maxItems`) was added.'),
  MAX_ITEMS_REMOVED: widen('array', 'The maximum array length (`maxItems`) was removed.'),
  MAX_ITEMS_DECREASED: narrow('array', 'The maximum array length (`maxItems`) was lowered.'),
  MAX_ITEMS_INCREASED: widen('array', 'The maximum array length (`maxItems`) was raised.'),
  MIN_ITEMS_ADDED: narrow('array', 'A minimum array length (`minItems`) was added.'),
  MIN_ITEMS_REMOVED: widen('array', 'The minimum array length (`minItems`) was removed.'),
  MIN_ITEMS_INCREASED: narrow('array', 'The minimum array length (`minItems`) was raised.'),
  MIN_ITEMS_DECREASED: widen('array', 'The minimum array length (`minItems`) was lowered.'),
  UNIQUE_ITEMS_ADDED: narrow('array', '`uniqueItems: true` was added.'),
  UNIQUE_ITEMS_REMOVED: widen('array', '`uniqueItems: true` was removed.'),
  CONTAINS_NARROWED: narrow('array', '`contains` accepts less (e.g. absent/true -> a schema -> false).'),
  CONTAINS_EXTENDED: widen('array', '`contains` accepts more (e.g. false -> a schema -> absent/true).'),
  CONTAINS_CHANGED_UNDER_MAX_CONTAINS: both(
    'array',
    '`contains` changed next to a `maxContains` (the change is also reported on its own).',
    'a wider `contains` matches more items of old data, past the maximum; a narrower one matches fewer items of new data, which the old schema refused for matching too many',
    'leave `contains` as it is while `maxContains` bounds it, or publish the new shape as a new message',
  ),
  CONTAINS_CHANGED_BESIDE_UNEVALUATED_ITEMS: both(
    'array',
    '`contains` was added, removed or changed next to a limiting `unevaluatedItems` (2020-12: `contains` evaluates the items it matches).',
    'items that match `contains` escape `unevaluatedItems` (the new schema may accept an item the old refused), and items that no longer match fall under it (refused now)',
    'leave `contains` as it is while `unevaluatedItems` limits the array, or publish the new shape as a new message',
  ),
  MAX_CONTAINS_ADDED: narrow('array', 'A `maxContains` was added.'),
  MAX_CONTAINS_REMOVED: widen('array', 'The `maxContains` was removed.'),
  MAX_CONTAINS_DECREASED: narrow('array', 'The `maxContains` was lowered.'),
  MAX_CONTAINS_INCREASED: widen('array', 'The `maxContains` was raised.'),
  MIN_CONTAINS_ADDED: narrow('array', 'A `minContains` was added.'),
  MIN_CONTAINS_REMOVED: widen('array', 'The `minContains` was removed.'),
  MIN_CONTAINS_INCREASED: narrow('array', 'The `minContains` was raised.'),
  MIN_CONTAINS_DECREASED: widen('array', 'The `minContains` was lowered.'),
  UNEVALUATED_ITEMS_NARROWED: narrow(
    'array',
    '`unevaluatedItems` accepts less (e.g. absent/true -> a schema -> false).',
  ),
  UNEVALUATED_ITEMS_EXTENDED: widen(
    'array',
    '`unevaluatedItems` accepts more (e.g. false -> a schema -> absent/true).',
  ),

  // ---- combinators --------------------------------------------------------------------------------------------
  ALL_OF_BRANCH_ADDED: narrow('combinator', 'A branch was added to `allOf` (one more schema every value must match).'),
  ALL_OF_BRANCH_REMOVED: widen('combinator', 'A branch was removed from `allOf`.'),
  ANY_OF_BRANCH_ADDED: widen('combinator', 'A branch was added to `anyOf` (one more shape a value may take).'),
  ANY_OF_BRANCH_REMOVED: narrow('combinator', 'A branch was removed from `anyOf`.'),
  ONE_OF_BRANCH_ADDED: widen(
    'combinator',
    'A branch was added to `oneOf`, provably exclusive of the other branches (different types or discriminator values).',
  ),
  ONE_OF_BRANCH_ADDED_OVERLAPPING: both(
    'combinator',
    'A branch was added to `oneOf` that may overlap another branch.',
    'new shapes are accepted (an old reader refuses them), and a value that matched one old branch may now match two, which `oneOf` refuses',
    'make the new branch exclusive (e.g. a distinct `type` const), or use `anyOf`',
  ),
  ONE_OF_BRANCH_CHANGED_OVERLAPPING: both(
    'combinator',
    'A `oneOf` branch that may overlap another branch changed (the change is also reported on its own).',
    'a wider branch may now match a value another branch matches too, which `oneOf` refuses; a narrower one may stop matching a value that matched two branches, which `oneOf` refused and now accepts',
    'make the branches exclusive (e.g. a distinct `type` const), or use `anyOf`',
  ),
  ONE_OF_BRANCH_REMOVED: narrow('combinator', 'A branch was removed from `oneOf`; it was exclusive of the others.'),
  ONE_OF_BRANCH_REMOVED_OVERLAPPING: both(
    'combinator',
    'A branch that may overlap another one was removed from `oneOf`.',
    'its values are refused now, and values that matched it and another branch (refused before) are accepted now',
  ),
  ANY_OF_ADDED: narrow('combinator', 'An `anyOf` was added next to other constraints (it can only add restrictions).'),
  ANY_OF_REMOVED: widen('combinator', 'An `anyOf` that stood next to other constraints was removed.'),
  ONE_OF_ADDED: narrow('combinator', 'A `oneOf` was added next to other constraints (it can only add restrictions).'),
  ONE_OF_REMOVED: widen('combinator', 'A `oneOf` that stood next to other constraints was removed.'),
  ANY_OF_CHANGED_TO_ONE_OF: narrow(
    'combinator',
    '`anyOf` became `oneOf` over branches that may overlap.',
    'a value matching two branches was accepted and is refused now',
  ),
  ONE_OF_CHANGED_TO_ANY_OF: widen(
    'combinator',
    '`oneOf` became `anyOf` over branches that may overlap.',
    'a value matching two branches was refused and is accepted now',
  ),
  UNION_KEYWORD_CHANGED: none(
    'combinator',
    '`anyOf` and `oneOf` were swapped over branches that are provably exclusive.',
    'with exclusive branches both keywords accept exactly the same values',
  ),
  NOT_ADDED: narrow('combinator', 'A `not` was added.'),
  NOT_REMOVED: widen('combinator', 'The `not` was removed.'),
  NOT_CHANGED: both(
    'combinator',
    'The schema under `not` changed both ways (some changes inside it narrow, others widen).',
    'a change under `not` inverts direction; with changes both ways inside, both directions are assumed broken',
  ),
  NOT_SCHEMA_NARROWED: widen(
    'combinator',
    'The schema under `not` accepts less (every change inside it narrows).',
    'a narrower negated schema excludes fewer values: the whole schema accepts more, which an old reader may refuse',
  ),
  NOT_SCHEMA_EXTENDED: narrow(
    'combinator',
    'The schema under `not` accepts more (every change inside it widens).',
    'a wider negated schema excludes more values: the whole schema accepts less, and a new reader refuses some old data',
  ),
  CONDITIONAL_ADDED: narrow('conditional', 'An `if`/`then`/`else` was added (it can only add restrictions).'),
  CONDITIONAL_REMOVED: widen('conditional', 'The `if`/`then`/`else` was removed.'),
  CONDITIONAL_CHANGED: both(
    'conditional',
    'The `if` schema changed.',
    'a different condition selects different values for `then` and `else`; not analysed further, so both directions are assumed broken',
  ),
  CONDITIONAL_BRANCH_NARROWED: narrow(
    'conditional',
    'A `then` or `else` schema (same `if`) accepts less (e.g. absent/true -> a schema -> false).',
  ),
  CONDITIONAL_BRANCH_EXTENDED: widen(
    'conditional',
    'A `then` or `else` schema (same `if`) accepts more (e.g. false -> a schema -> absent/true).',
  ),

  // ---- schema-level catch-alls --------------------------------------------------------------------------------
  SCHEMA_BECAME_FALSE: narrow('type', 'The schema became `false` (nothing is valid).'),
  SCHEMA_NO_LONGER_FALSE: widen('type', 'The schema was `false` (nothing valid) and now accepts values.'),
  REF_CHANGED: both(
    'reference',
    'An unresolvable (external) `$ref` points somewhere else.',
    'the referenced schemas cannot be compared, so both directions are assumed broken',
    'inline the schema or resolve the reference so it can be compared',
  ),
  DISCRIMINATOR_CHANGED: both(
    'reference',
    'The AsyncAPI `discriminator` property name changed.',
    'readers that pick a schema by the discriminator pick by another property now',
  ),
  SCHEMA_KEYWORD_CHANGED: both(
    'unknown',
    'A keyword the diff does not analyse changed (named in the detail: `$dynamicRef`, vendor keywords, ...).',
    'its effect on validation is unknown, so both directions are assumed broken',
    'avoid the keyword, or review the change and register it with --force --reason',
  ),
  SCHEMA_COMPARISON_LIMIT_REACHED: both(
    'unknown',
    'The schemas were too large or too deeply nested (unions within unions) to compare within the work limit; the rest was not compared.',
    'what was not compared may break either way, so both directions are assumed broken',
    'simplify the schema (fewer nested unions), or review the change and register it with --force --reason',
  ),

  // ---- instance check -----------------------------------------------------------------------------------------
  INSTANCE_CHECK_DISAGREES_BACKWARD: narrow(
    'instance',
    'The diff found the payload BACKWARD compatible, but a generated instance valid under the old schema is refused by the new one.',
    'the instance (in the detail) is data an old writer may write and the new reader refuses: the diff missed a narrowing (please report it)',
    'make the new schema accept the instance, or register with --force --reason',
  ),
  INSTANCE_CHECK_DISAGREES_FORWARD: withNote(
    widen(
      'instance',
      'The diff found the payload FORWARD compatible, but a generated instance valid under the new schema is refused by the old one.',
      'the instance (in the detail) is data a new writer may write and an old reader refuses: the diff missed a widening (please report it)',
      'make the old schema accept the instance, or register with --force --reason',
    ),
    'How the instance check works: for every message whose payload changed and that the diff judged compatible in a ' +
      'direction its mode checks, a deterministic generator (seeded by the message name) makes at most 120 candidate ' +
      'instances from each of the two payload schemas (required and optional properties, enum/const/examples, ' +
      'boundary lengths and bounds and one past them, tuple ends, every union branch, extra names), and ajv ' +
      '(draft-07, or 2020-12 when the schema uses its keywords) validates each under both. One the old schema accepts ' +
      'and the new refuses is reported as `INSTANCE_CHECK_DISAGREES_BACKWARD`, the other way round as this kind; ' +
      'at most one per direction and message. A known gap it catches: positions evaluated by an `anyOf`/`oneOf`/`if` ' +
      'branch beside `unevaluatedItems` (old `{"type":"array","anyOf":[{"prefixItems":[{}]},{"maxItems":0}],' +
      '"unevaluatedItems":false}`, new the same with two `prefixItems`): the diff reports a tuple position added to ' +
      'an open tuple (BACKWARD); the instance `["",""]` shows the FORWARD break. The generator proves breaks, it ' +
      'cannot prove their absence, and ajv 8 itself misjudges `items` after `prefixItems` inside a conditional beside ' +
      '`unevaluatedItems`, so a change there is not double-checked. ajv 8.20 also passes `[]` under `contains` beside ' +
      'a tuple (`{"prefixItems":[{"type":"number"}],"contains":{"type":"string"}}` accepts `[]`; no item matches, so ' +
      'the spec refuses it): the check moves such a `contains` into an `allOf` of its own first (same meaning), or ' +
      'dropping the tuple position would be reported as a BACKWARD break with the instance `[]`.',
  ),

  // ---- messages -----------------------------------------------------------------------------------------------
  MESSAGE_ADDED: widen(
    'message',
    'A message was added (or a defined message is used by an operation now).',
    'the set of messages widens: an old reader meets a message it does not know',
    'fine for messages a newer peer receives (BACKWARD); for messages older peers receive, make sure they ignore unknown types',
  ),
  MESSAGE_ADDED_TO_TOLERANT_READER: none(
    'message',
    'A server-to-client message was added on channels that promise a tolerant reader (`x-netra-tolerant-reader: true` in the old document).',
    'old clients promised to ignore message types they do not know (hand them to `onUnknown`), so a new event type breaks none of them',
  ),
  MESSAGE_REMOVED: both(
    'message',
    'A message was removed (or no operation uses it any more).',
    'peers still write it (a new reader refuses it) or wait for it (it never comes)',
    'keep the message and mark it `deprecated`; remove it when no peer uses it (register with --force --reason)',
  ),
  MESSAGE_RENAMED: both(
    'message',
    'A message was renamed: one disappeared and one with the same payload (or discriminator) appeared.',
    'peers that look the message up by its name (generated code, registry subject) no longer find it',
    'keep the old name; add the new one beside it if you must',
  ),
  UNUSED_MESSAGE_ADDED: none(
    'message',
    'A message was defined (in components) that no channel or operation uses.',
    'nothing travels on the wire until a channel or operation uses it (then it is MESSAGE_ADDED)',
  ),
  UNUSED_MESSAGE_REMOVED: none(
    'message',
    'A message definition that no channel or operation used was removed.',
    'nothing travelled on the wire with it',
  ),
  MESSAGE_MERGED: none(
    'message',
    'A message disappeared, and a message that stays, with the same payload schema, now travels on its channels in its direction (e.g. duplicates collapsed into one `$ref`).',
    'nothing changes on the wire: the same payloads travel the same way, under another message name',
  ),
  MESSAGE_DIRECTION_CHANGED: both(
    'message',
    'A message travels the other way now (send <-> receive).',
    'the peer that wrote it now reads it, or the other way round',
    'add a new message for the other direction',
  ),
  MESSAGE_DIRECTION_EXTENDED: none(
    'message',
    'A message travels one more way (send or receive -> both).',
    'existing traffic is unchanged; the new direction has no older peers',
  ),
  MESSAGE_DIRECTION_NARROWED: both(
    'message',
    'A message no longer travels one of its ways (both -> send or receive).',
    'older peers still write it that way, or wait for it',
    'keep both directions; deprecate the one you want to drop',
  ),
  MESSAGE_ADDED_TO_CHANNEL: widen(
    'message',
    'An existing message now also travels on another channel.',
    'readers of that channel meet a message they did not expect there',
  ),
  MESSAGE_REMOVED_FROM_CHANNEL: both(
    'message',
    'A message no longer travels on a channel.',
    'peers on that channel still write it or wait for it',
  ),
  MESSAGE_CONTENT_TYPE_CHANGED: both(
    'message',
    "The message's `contentType` changed (or the document's `defaultContentType` it falls back to).",
    'readers decode the bytes with the old content type',
  ),

  // ---- channels -----------------------------------------------------------------------------------------------
  CHANNEL_ADDED: none('channel', 'A channel was added.', 'nobody used it before; its messages are judged on their own'),
  CHANNEL_REMOVED: both('channel', 'A channel was removed.', 'peers still connect to it'),
  CHANNEL_RENAMED: none(
    'channel',
    "A channel's id changed; its address did not.",
    'the id is not on the wire; peers connect to the address',
  ),
  CHANNEL_ADDRESS_CHANGED: both(
    'channel',
    "A channel's address changed.",
    'old peers connect to the old address',
    'keep serving the old address beside the new one',
  ),
  CHANNEL_SERVERS_CHANGED: both(
    'channel',
    'The set of servers a channel is available on changed.',
    'peers connect to the channel on the servers they know',
  ),
  CHANNEL_BINDING_CHANGED: both(
    'channel',
    "A channel's protocol binding (other than its query/headers schemas) was added, removed or changed.",
    'the handshake old peers perform may no longer be what the server expects',
  ),
  BINDING_VERSION_CHANGED: none(
    'channel',
    "A binding's `bindingVersion` changed.",
    'it versions the binding object, not the wire',
  ),

  // ---- operations ---------------------------------------------------------------------------------------------
  OPERATION_ADDED: none(
    'operation',
    'An operation was added.',
    'its messages are judged on their own (MESSAGE_ADDED, ...)',
  ),
  OPERATION_REMOVED: both(
    'operation',
    'An operation was removed.',
    'peers that rely on the interaction lose it',
    'keep the operation and mark it deprecated',
  ),
  OPERATION_RENAMED: none(
    'operation',
    "An operation's id changed; its action, channel and messages did not.",
    'the id is not on the wire',
  ),
  OPERATION_ACTION_CHANGED: both(
    'operation',
    "An operation's action changed (send <-> receive).",
    'the side that wrote the messages now reads them',
    'add a new operation for the other direction',
  ),
  OPERATION_CHANNEL_CHANGED: both('operation', 'An operation now uses another channel.', 'peers use the old channel'),
  OPERATION_MESSAGES_CHANGED: none(
    'operation',
    "An operation's list of messages changed.",
    "each message's own direction and channel are checked separately (MESSAGE_DIRECTION_CHANGED, ...)",
  ),

  // ---- servers and security -----------------------------------------------------------------------------------
  SERVER_ADDED: none('server', 'A server was added.', 'nobody connected to it before'),
  SERVER_REMOVED: both('server', 'A server was removed.', 'peers still connect to it'),
  SERVER_RENAMED: none(
    'server',
    "A server's id changed; its host, protocol and pathname did not.",
    'the id is not on the wire',
  ),
  SERVER_HOST_CHANGED: both('server', "A server's host changed.", 'old peers connect to the old host'),
  SERVER_PROTOCOL_CHANGED: both(
    'server',
    "A server's protocol or protocolVersion changed (e.g. ws -> wss).",
    'old peers speak the old protocol',
    'serve both protocols during a transition',
  ),
  SERVER_PATHNAME_CHANGED: both('server', "A server's pathname changed.", 'old peers connect to the old path'),
  SERVER_SECURITY_ADDED: widen(
    'security',
    'A server accepts one more security scheme (an alternative).',
    'a new client may authenticate with it, which an old server refuses',
  ),
  SERVER_SECURITY_REMOVED: narrow(
    'security',
    'A server no longer accepts one of its security schemes.',
    'old clients that authenticate with it are refused',
    'keep accepting the scheme until no client uses it',
  ),
  SERVER_SECURITY_REQUIRED: narrow(
    'security',
    'A server that required no security now requires some.',
    'old clients connect without credentials and are refused',
  ),
  SERVER_SECURITY_DROPPED: widen(
    'security',
    'A server that required security now requires none.',
    'new clients connect without credentials, which an old server refuses',
  ),
  SECURITY_SCHEME_ADDED: none(
    'security',
    'A security scheme was defined.',
    'it changes nothing until a server uses it',
  ),
  SECURITY_SCHEME_REMOVED: both('security', 'A security scheme was removed.', 'clients still authenticate with it'),
  SECURITY_SCHEME_RENAMED: none(
    'security',
    "A security scheme's id changed; what it asks clients to send did not.",
    'the id is not on the wire',
  ),
  SECURITY_SCHEME_CHANGED: both(
    'security',
    "A security scheme's type, scheme, location, name or format changed.",
    'clients send credentials the old way',
    'define a new scheme beside the old one and accept both',
  ),

  // ---- document -----------------------------------------------------------------------------------------------
  DOCUMENTATION_CHANGED: none(
    'document',
    'Documentation outside schemas changed: info, descriptions, summaries, titles, tags, examples, external docs.',
  ),
  SPEC_VERSION_CHANGED: none('document', '`info.version` changed.', 'a label for humans; the registry records it'),
  ASYNCAPI_VERSION_CHANGED: none(
    'document',
    'The `asyncapi` format version changed.',
    'the same contract written in another version of the format; its content is compared field by field',
  ),
  DOCUMENT_FIELD_CHANGED: both(
    'document',
    'Another document field changed (named by the path): e.g. correlationId, traits, reply, bindings of messages or operations.',
    'its effect on peers is not analysed, so both directions are assumed broken',
    'review the change; register it with --force --reason if it is safe',
  ),
} satisfies Record<string, KindRule>;

/** Every change kind the registry can report. */
export type ChangeKind = keyof typeof CATALOGUE;

/** The change kinds with their rules, in catalogue order. */
export const changeKinds: Readonly<Record<ChangeKind, KindRule>> = CATALOGUE;

/** All kind names, in catalogue order. */
export const changeKindNames: readonly ChangeKind[] = Object.keys(CATALOGUE) as ChangeKind[];

/**
 * True when `name` is a kind of the catalogue.
 *
 * @example
 * isChangeKind('TYPE_NARROWED'); // true
 */
export function isChangeKind(name: string): name is ChangeKind {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, name);
}

/**
 * Does `kind` break BACKWARD compatibility (the new schema reading old data)?
 *
 * @example
 * breaksBackward('REQUIRED_ATTRIBUTE_ADDED'); // true: old data may lack the property
 */
export function breaksBackward(kind: ChangeKind): boolean {
  const b = CATALOGUE[kind].breaks;
  return b === 'backward' || b === 'both';
}

/**
 * Does `kind` break FORWARD compatibility (the old schema reading new data)?
 *
 * @example
 * breaksForward('ENUM_ARRAY_EXTENDED'); // true: an old reader meets a value it does not know
 */
export function breaksForward(kind: ChangeKind): boolean {
  const b = CATALOGUE[kind].breaks;
  return b === 'forward' || b === 'both';
}
