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

/** Upper bounds: adding or lowering one narrows; removing or raising one widens. */
type BoundKinds<P extends string> = Record<
  `${P}_ADDED` | `${P}_REMOVED` | `${P}_DECREASED` | `${P}_INCREASED`,
  KindRule
>;
function upperBound<P extends string>(prefix: P, what: string, group: KindGroup): BoundKinds<P> {
  return {
    [`${prefix}_ADDED`]: narrow(group, `A ${what} was added.`),
    [`${prefix}_REMOVED`]: widen(group, `The ${what} was removed.`),
    [`${prefix}_DECREASED`]: narrow(group, `The ${what} was lowered.`),
    [`${prefix}_INCREASED`]: widen(group, `The ${what} was raised.`),
  } as BoundKinds<P>;
}
/** Lower bounds: adding or raising one narrows; removing or lowering one widens. */
function lowerBound<P extends string>(prefix: P, what: string, group: KindGroup): BoundKinds<P> {
  return {
    [`${prefix}_ADDED`]: narrow(group, `A ${what} was added.`),
    [`${prefix}_REMOVED`]: widen(group, `The ${what} was removed.`),
    [`${prefix}_INCREASED`]: narrow(group, `The ${what} was raised.`),
    [`${prefix}_DECREASED`]: widen(group, `The ${what} was lowered.`),
  } as BoundKinds<P>;
}
/** A subschema slot (additionalProperties, items, ...): `false` < a schema < absent/`true`. */
function slot<P extends string>(
  prefix: P,
  what: string,
  group: KindGroup,
): Record<`${P}_NARROWED` | `${P}_EXTENDED`, KindRule> {
  return {
    [`${prefix}_NARROWED`]: narrow(group, `${what} accepts less (e.g. absent/true -> a schema -> false).`),
    [`${prefix}_EXTENDED`]: widen(group, `${what} accepts more (e.g. false -> a schema -> absent/true).`),
  } as Record<`${P}_NARROWED` | `${P}_EXTENDED`, KindRule>;
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
  ...upperBound('MAX_LENGTH', 'maximum string length (`maxLength`)', 'string'),
  ...lowerBound('MIN_LENGTH', 'minimum string length (`minLength`)', 'string'),
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
  ...upperBound('MAXIMUM', 'upper bound (`maximum` / `exclusiveMaximum`, whichever is tighter)', 'number'),
  ...lowerBound('MINIMUM', 'lower bound (`minimum` / `exclusiveMinimum`, whichever is tighter)', 'number'),
  MULTIPLE_OF_ADDED: narrow('number', 'A `multipleOf` was added.'),
  MULTIPLE_OF_REMOVED: widen('number', 'The `multipleOf` was removed.'),
  MULTIPLE_OF_EXPANDED: narrow('number', 'The new `multipleOf` is a multiple of the old one (e.g. 5 -> 10).'),
  MULTIPLE_OF_REDUCED: widen('number', 'The old `multipleOf` is a multiple of the new one (e.g. 10 -> 5).'),
  MULTIPLE_OF_CHANGED: both('number', 'The `multipleOf` changed to an unrelated divisor (e.g. 2 -> 3).'),

  // ---- objects ------------------------------------------------------------------------------------------------
  REQUIRED_ATTRIBUTE_ADDED: narrow(
    'object',
    'An existing property became required.',
    'data an old writer wrote may lack the property, and the new reader refuses it',
    'keep the property optional (give it a default in the reader instead)',
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
  REQUIRED_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL: widen(
    'object',
    'A required property was removed from a partially open object.',
    'new data may lack it and an old reader requires it; the schemas are also compared (reported as separate changes)',
    'keep sending the property until no reader requires it',
  ),
  ...slot('ADDITIONAL_PROPERTIES', '`additionalProperties` (the content model for undeclared names)', 'object'),
  PATTERN_PROPERTIES_CHANGED: both(
    'object',
    'A `patternProperties` pattern was added or removed.',
    'which names a pattern covers cannot be compared in general, so both directions are assumed broken',
  ),
  ...slot('PROPERTY_NAMES', '`propertyNames`', 'object'),
  ...slot('UNEVALUATED_PROPERTIES', '`unevaluatedProperties`', 'object'),
  ...upperBound('MAX_PROPERTIES', 'maximum number of properties (`maxProperties`)', 'object'),
  ...lowerBound('MIN_PROPERTIES', 'minimum number of properties (`minProperties`)', 'object'),
  DEPENDENCY_ARRAY_ADDED: narrow('object', 'A `dependentRequired` (array `dependencies`) entry was added.'),
  DEPENDENCY_ARRAY_REMOVED: widen('object', 'A `dependentRequired` (array `dependencies`) entry was removed.'),
  DEPENDENCY_ARRAY_EXTENDED: narrow('object', 'A `dependentRequired` entry now requires more properties.'),
  DEPENDENCY_ARRAY_NARROWED: widen('object', 'A `dependentRequired` entry now requires fewer properties.'),
  DEPENDENCY_ARRAY_CHANGED: both('object', 'A `dependentRequired` entry requires different properties.'),
  DEPENDENCY_SCHEMA_ADDED: narrow('object', 'A `dependentSchemas` (schema `dependencies`) entry was added.'),
  DEPENDENCY_SCHEMA_REMOVED: widen('object', 'A `dependentSchemas` (schema `dependencies`) entry was removed.'),

  // ---- arrays -------------------------------------------------------------------------------------------------
  ...slot('ITEMS', '`items` (the schema of every array element)', 'array'),
  ...slot(
    'ADDITIONAL_ITEMS',
    'The schema of the elements after a tuple (`additionalItems`, or `items` after `prefixItems`)',
    'array',
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
  ...upperBound('MAX_ITEMS', 'maximum array length (`maxItems`)', 'array'),
  ...lowerBound('MIN_ITEMS', 'minimum array length (`minItems`)', 'array'),
  UNIQUE_ITEMS_ADDED: narrow('array', '`uniqueItems: true` was added.'),
  UNIQUE_ITEMS_REMOVED: widen('array', '`uniqueItems: true` was removed.'),
  ...slot('CONTAINS', '`contains`', 'array'),
  ...upperBound('MAX_CONTAINS', '`maxContains`', 'array'),
  ...lowerBound('MIN_CONTAINS', '`minContains`', 'array'),
  ...slot('UNEVALUATED_ITEMS', '`unevaluatedItems`', 'array'),

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
    'The schema under `not` changed.',
    'a change under `not` inverts direction; it is not analysed further, so both directions are assumed broken',
  ),
  CONDITIONAL_ADDED: narrow('conditional', 'An `if`/`then`/`else` was added (it can only add restrictions).'),
  CONDITIONAL_REMOVED: widen('conditional', 'The `if`/`then`/`else` was removed.'),
  CONDITIONAL_CHANGED: both(
    'conditional',
    'The `if` schema changed.',
    'a different condition selects different values for `then` and `else`; not analysed further, so both directions are assumed broken',
  ),
  ...slot('CONDITIONAL_BRANCH', 'A `then` or `else` schema (same `if`)', 'conditional'),

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

  // ---- messages -----------------------------------------------------------------------------------------------
  MESSAGE_ADDED: widen(
    'message',
    'A message was added (or a defined message is used by an operation now).',
    'the set of messages widens: an old reader meets a message it does not know',
    'fine for messages a newer peer receives (BACKWARD); for messages older peers receive, make sure they ignore unknown types',
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
