// When may `allOf` branches be flattened into their parent? Most keywords constrain an instance on their own, so a
// conjunction of them is one schema with all of them. A few only mean something next to a sibling keyword of the same
// schema object (`items` after `prefixItems`, `minContains` with `contains`, `then` with `if`, `additionalProperties`
// with `properties`), and the `unevaluated*` keywords see the annotations of their own schema and its in-place
// applicators only. Moving such a keyword into another schema object changes which instances are valid, so a merge
// that would do it is refused and the allOf stays.
import type { SchemaObject } from './model';

/** Keywords that read each other when they sit in the same schema object. */
const SIBLING_GROUPS: readonly (readonly string[])[] = [
  ['prefixItems', 'items', 'additionalItems'],
  ['contains', 'minContains', 'maxContains'],
  ['if', 'then', 'else'],
];

/** Canonical JSON text of a value (key order ignored), as the reader computes it. */
export type TextOf = (value: unknown) => string;

function groupOf(s: SchemaObject, keys: readonly string[], textOf: TextOf): string | undefined {
  const present = keys.filter((k) => s[k] !== undefined);
  if (present.length === 0) return undefined;
  return present.map((k) => `${k}:${textOf(s[k])}`).join(',');
}

/** More than one participant holds keywords of the group, and not all the same ones with the same values. */
function groupsClash(participants: readonly SchemaObject[], keys: readonly string[], textOf: TextOf): boolean {
  const held = participants.map((p) => groupOf(p, keys, textOf)).filter((g): g is string => g !== undefined);
  return new Set(held).size > 1;
}

/**
 * True when flattening `participants` (the parent first, then the allOf branches) into one schema object keeps the
 * same valid instances.
 *
 * @example
 * canMergeAllOf([{ unevaluatedProperties: false }, { properties: { b: {} } }], JSON.stringify); // true: the parent's keyword saw b before
 * canMergeAllOf([{}, { prefixItems: [{}] }, { items: false }], JSON.stringify); // false: `items` would start after the prefix
 */
export function canMergeAllOf(participants: readonly SchemaObject[], textOf: TextOf): boolean {
  if (participants.length < 2) return true;
  if (SIBLING_GROUPS.some((keys) => groupsClash(participants, keys, textOf))) return false;
  // additionalProperties applies to the names its own schema object does not declare.
  const objectKeys = ['properties', 'patternProperties', 'additionalProperties'];
  if (participants.some((p) => p.additionalProperties !== undefined) && groupsClash(participants, objectKeys, textOf))
    return false;
  // A branch's unevaluated* sees that branch's annotations only; the parent's already sees every branch's (allOf
  // branches are in-place applicators), so it may stay where it is.
  const [, ...branches] = participants;
  return !branches.some((b) => b.unevaluatedProperties !== undefined || b.unevaluatedItems !== undefined);
}
