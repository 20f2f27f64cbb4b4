import type { KindCase } from './case';

const arr = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'array', ...extra });
const S = { type: 'string' };
const I = { type: 'integer' };

export const arrayCases: KindCase[] = [
  { kind: 'ITEMS_NARROWED', breaks: 'backward', old: arr(), new: arr({ items: S }), path: '/items', mirror: 'ITEMS_EXTENDED', witnesses: { backward: [[1]] } },
  { kind: 'ITEMS_NARROWED', breaks: 'backward', old: arr({ items: S }), new: arr({ items: false }), path: '/items', mirror: 'ITEMS_EXTENDED', witnesses: { backward: [['a']] } },
  { kind: 'ITEMS_EXTENDED', breaks: 'forward', old: arr({ items: S }), new: arr(), path: '/items', mirror: 'ITEMS_NARROWED', witnesses: { forward: [[1]] } },
  { kind: 'MAX_LENGTH_ADDED', breaks: 'backward', old: arr({ items: S }), new: arr({ items: { type: 'string', maxLength: 1 } }), path: '/items/maxLength', mirror: 'MAX_LENGTH_REMOVED', witnesses: { backward: [['ab']] }, note: 'items schema -> schema is compared inside' },

  // Tuples (prefixItems; draft-07 array-form items below).
  { kind: 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', breaks: 'backward', old: arr({ prefixItems: [S] }), new: arr({ prefixItems: [S, I] }), path: '/prefixItems/1', mirror: 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', witnesses: { backward: [['a', 'b']] } },
  { kind: 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', breaks: 'forward', old: arr({ prefixItems: [S], items: false }), new: arr({ prefixItems: [S, I], items: false }), path: '/prefixItems/1', mirror: 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', witnesses: { forward: [['a', 1]] } },
  { kind: 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', breaks: 'forward', old: arr({ items: [S], additionalItems: false }), new: arr({ items: [S, I], additionalItems: false }), path: '/items/1', mirror: 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', witnesses: { forward: [['a', 1]] }, draft07: true, note: 'draft-07 tuple' },
  { kind: 'ITEM_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL', breaks: 'none', old: arr({ prefixItems: [S], items: I }), new: arr({ prefixItems: [S, I], items: I }), path: '/prefixItems/1', mirror: 'ITEM_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL' },
  { kind: 'ITEM_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL', breaks: 'none', old: arr({ prefixItems: [S] }), new: arr({ prefixItems: [S, {}] }), path: '/prefixItems/1', mirror: 'ITEM_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL' },
  { kind: 'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', breaks: 'forward', old: arr({ prefixItems: [S, I] }), new: arr({ prefixItems: [S] }), path: '/prefixItems/1', mirror: 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL', witnesses: { forward: [['a', 'b']] } },
  { kind: 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL', breaks: 'backward', old: arr({ prefixItems: [S, I], items: false }), new: arr({ prefixItems: [S], items: false }), path: '/prefixItems/1', mirror: 'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', witnesses: { backward: [['a', 1]] } },
  { kind: 'ITEM_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL', breaks: 'none', old: arr({ prefixItems: [S, I], items: I }), new: arr({ prefixItems: [S], items: I }), path: '/prefixItems/1', mirror: 'ITEM_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL' },
  { kind: 'ITEM_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL', breaks: 'none', old: arr({ prefixItems: [S, {}] }), new: arr({ prefixItems: [S] }), path: '/prefixItems/1', mirror: 'ITEM_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL' },
  { kind: 'ADDITIONAL_ITEMS_NARROWED', breaks: 'backward', old: arr({ prefixItems: [S] }), new: arr({ prefixItems: [S], items: false }), path: '/items', mirror: 'ADDITIONAL_ITEMS_EXTENDED', witnesses: { backward: [['a', 1]] } },
  { kind: 'ADDITIONAL_ITEMS_NARROWED', breaks: 'backward', old: arr({ items: [S] }), new: arr({ items: [S], additionalItems: I }), path: '/additionalItems', mirror: 'ADDITIONAL_ITEMS_EXTENDED', witnesses: { backward: [['a', 'b']] }, draft07: true, note: 'draft-07 additionalItems' },
  { kind: 'ADDITIONAL_ITEMS_EXTENDED', breaks: 'forward', old: arr({ prefixItems: [S], items: false }), new: arr({ prefixItems: [S], items: I }), path: '/items', mirror: 'ADDITIONAL_ITEMS_NARROWED', witnesses: { forward: [['a', 1]] } },

  { kind: 'MAX_ITEMS_ADDED', breaks: 'backward', old: arr(), new: arr({ maxItems: 1 }), path: '/maxItems', mirror: 'MAX_ITEMS_REMOVED', witnesses: { backward: [[1, 2]] } },
  { kind: 'MAX_ITEMS_REMOVED', breaks: 'forward', old: arr({ maxItems: 1 }), new: arr(), path: '/maxItems', mirror: 'MAX_ITEMS_ADDED', witnesses: { forward: [[1, 2]] } },
  { kind: 'MAX_ITEMS_DECREASED', breaks: 'backward', old: arr({ maxItems: 2 }), new: arr({ maxItems: 1 }), path: '/maxItems', mirror: 'MAX_ITEMS_INCREASED', witnesses: { backward: [[1, 2]] } },
  { kind: 'MAX_ITEMS_INCREASED', breaks: 'forward', old: arr({ maxItems: 1 }), new: arr({ maxItems: 2 }), path: '/maxItems', mirror: 'MAX_ITEMS_DECREASED', witnesses: { forward: [[1, 2]] } },
  { kind: 'MIN_ITEMS_ADDED', breaks: 'backward', old: arr(), new: arr({ minItems: 1 }), path: '/minItems', mirror: 'MIN_ITEMS_REMOVED', witnesses: { backward: [[]] } },
  { kind: 'MIN_ITEMS_REMOVED', breaks: 'forward', old: arr({ minItems: 1 }), new: arr(), path: '/minItems', mirror: 'MIN_ITEMS_ADDED', witnesses: { forward: [[]] } },
  { kind: 'MIN_ITEMS_INCREASED', breaks: 'backward', old: arr({ minItems: 1 }), new: arr({ minItems: 2 }), path: '/minItems', mirror: 'MIN_ITEMS_DECREASED', witnesses: { backward: [[1]] } },
  { kind: 'MIN_ITEMS_DECREASED', breaks: 'forward', old: arr({ minItems: 2 }), new: arr({ minItems: 1 }), path: '/minItems', mirror: 'MIN_ITEMS_INCREASED', witnesses: { forward: [[1]] } },
  { kind: 'UNIQUE_ITEMS_ADDED', breaks: 'backward', old: arr(), new: arr({ uniqueItems: true }), path: '/uniqueItems', mirror: 'UNIQUE_ITEMS_REMOVED', witnesses: { backward: [[1, 1]] } },
  { kind: 'UNIQUE_ITEMS_REMOVED', breaks: 'forward', old: arr({ uniqueItems: true }), new: arr({ uniqueItems: false }), path: '/uniqueItems', mirror: 'UNIQUE_ITEMS_ADDED', witnesses: { forward: [[1, 1]] } },

  { kind: 'CONTAINS_NARROWED', breaks: 'backward', old: arr(), new: arr({ contains: S }), path: '/contains', mirror: 'CONTAINS_EXTENDED', witnesses: { backward: [[1], []] } },
  { kind: 'CONTAINS_NARROWED', breaks: 'backward', old: arr(), new: arr({ contains: {} }), path: '/contains', mirror: 'CONTAINS_EXTENDED', witnesses: { backward: [[]] }, note: 'contains: {} still demands one element' },
  { kind: 'CONTAINS_EXTENDED', breaks: 'forward', old: arr({ contains: S }), new: arr(), path: '/contains', mirror: 'CONTAINS_NARROWED', witnesses: { forward: [[1]] } },
  { kind: 'MAX_CONTAINS_ADDED', breaks: 'backward', old: arr({ contains: S }), new: arr({ contains: S, maxContains: 1 }), path: '/maxContains', mirror: 'MAX_CONTAINS_REMOVED', witnesses: { backward: [['a', 'b']] } },
  { kind: 'MAX_CONTAINS_REMOVED', breaks: 'forward', old: arr({ contains: S, maxContains: 1 }), new: arr({ contains: S }), path: '/maxContains', mirror: 'MAX_CONTAINS_ADDED', witnesses: { forward: [['a', 'b']] } },
  { kind: 'MAX_CONTAINS_DECREASED', breaks: 'backward', old: arr({ contains: S, maxContains: 2 }), new: arr({ contains: S, maxContains: 1 }), path: '/maxContains', mirror: 'MAX_CONTAINS_INCREASED', witnesses: { backward: [['a', 'b']] } },
  { kind: 'MAX_CONTAINS_INCREASED', breaks: 'forward', old: arr({ contains: S, maxContains: 1 }), new: arr({ contains: S, maxContains: 2 }), path: '/maxContains', mirror: 'MAX_CONTAINS_DECREASED', witnesses: { forward: [['a', 'b']] } },
  { kind: 'MIN_CONTAINS_ADDED', breaks: 'backward', old: arr({ contains: S }), new: arr({ contains: S, minContains: 2 }), path: '/minContains', mirror: 'MIN_CONTAINS_REMOVED', witnesses: { backward: [['a']] } },
  { kind: 'MIN_CONTAINS_REMOVED', breaks: 'forward', old: arr({ contains: S, minContains: 2 }), new: arr({ contains: S }), path: '/minContains', mirror: 'MIN_CONTAINS_ADDED', witnesses: { forward: [['a']] } },
  { kind: 'MIN_CONTAINS_INCREASED', breaks: 'backward', old: arr({ contains: S, minContains: 2 }), new: arr({ contains: S, minContains: 3 }), path: '/minContains', mirror: 'MIN_CONTAINS_DECREASED', witnesses: { backward: [['a', 'b']] } },
  { kind: 'MIN_CONTAINS_DECREASED', breaks: 'forward', old: arr({ contains: S, minContains: 3 }), new: arr({ contains: S, minContains: 2 }), path: '/minContains', mirror: 'MIN_CONTAINS_INCREASED', witnesses: { forward: [['a', 'b']] } },
  { kind: 'UNEVALUATED_ITEMS_NARROWED', breaks: 'backward', old: arr({ prefixItems: [S] }), new: arr({ prefixItems: [S], unevaluatedItems: false }), path: '/unevaluatedItems', mirror: 'UNEVALUATED_ITEMS_EXTENDED', witnesses: { backward: [['a', 1]] } },
  { kind: 'UNEVALUATED_ITEMS_EXTENDED', breaks: 'forward', old: arr({ prefixItems: [S], unevaluatedItems: false }), new: arr({ prefixItems: [S] }), path: '/unevaluatedItems', mirror: 'UNEVALUATED_ITEMS_NARROWED', witnesses: { forward: [['a', 1]] } },
];
