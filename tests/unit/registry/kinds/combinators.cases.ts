import type { KindCase } from './case';

const S = { type: 'string' };
const I = { type: 'integer' };
const tagged = (tag: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'object',
  required: ['kind'],
  properties: { kind: { const: tag }, ...extra },
});

export const combinatorCases: KindCase[] = [
  { kind: 'ALL_OF_BRANCH_ADDED', breaks: 'backward', old: { allOf: [{ pattern: '^a' }] }, new: { allOf: [{ pattern: '^a' }, { pattern: 'b$' }] }, path: '/allOf/1', mirror: 'ALL_OF_BRANCH_REMOVED', witnesses: { backward: ['ax'] }, note: 'two patterns cannot be merged into one schema' },
  { kind: 'ALL_OF_BRANCH_REMOVED', breaks: 'forward', old: { allOf: [{ pattern: '^a' }, { pattern: 'b$' }] }, new: { allOf: [{ pattern: '^a' }] }, path: '/allOf/1', mirror: 'ALL_OF_BRANCH_ADDED', witnesses: { forward: ['ax'] } },
  { kind: 'ANY_OF_BRANCH_ADDED', breaks: 'forward', old: { anyOf: [S] }, new: { anyOf: [S, I] }, path: '/anyOf/1', mirror: 'ANY_OF_BRANCH_REMOVED', witnesses: { forward: [1] } },
  { kind: 'ANY_OF_BRANCH_ADDED', breaks: 'forward', old: S, new: { anyOf: [S, I] }, path: '/anyOf/1', mirror: 'ANY_OF_BRANCH_REMOVED', witnesses: { forward: [1] }, note: 'a plain schema became a union' },
  { kind: 'ANY_OF_BRANCH_REMOVED', breaks: 'backward', old: { anyOf: [S, I] }, new: { anyOf: [S] }, path: '/anyOf/1', mirror: 'ANY_OF_BRANCH_ADDED', witnesses: { backward: [1] } },
  { kind: 'ONE_OF_BRANCH_ADDED', breaks: 'forward', old: { oneOf: [tagged('a')] }, new: { oneOf: [tagged('b'), tagged('a')] }, path: '/oneOf/0', mirror: 'ONE_OF_BRANCH_REMOVED', witnesses: { forward: [{ kind: 'b' }] }, note: 'discriminated by a const; reordered' },
  { kind: 'ONE_OF_BRANCH_ADDED', breaks: 'forward', old: S, new: { oneOf: [S, I] }, path: '/oneOf/1', mirror: 'ONE_OF_BRANCH_REMOVED', witnesses: { forward: [1] }, note: 'a plain schema became a union' },
  {
    kind: 'ONE_OF_BRANCH_ADDED_OVERLAPPING',
    breaks: 'both',
    old: { oneOf: [{ type: 'string', maxLength: 5 }] },
    new: { oneOf: [{ type: 'string', maxLength: 5 }, { type: 'string', pattern: '^a' }] },
    path: '/oneOf/1',
    mirror: 'ONE_OF_BRANCH_REMOVED_OVERLAPPING',
    witnesses: { backward: ['a'], forward: ['aaaaaaaa'] },
  },
  { kind: 'ONE_OF_BRANCH_REMOVED', breaks: 'backward', old: { oneOf: [tagged('a'), tagged('b')] }, new: { oneOf: [tagged('a')] }, path: '/oneOf/1', mirror: 'ONE_OF_BRANCH_ADDED', witnesses: { backward: [{ kind: 'b' }] } },
  {
    kind: 'ONE_OF_BRANCH_REMOVED_OVERLAPPING',
    breaks: 'both',
    old: { oneOf: [{ type: 'string', maxLength: 5 }, { type: 'string', pattern: '^a' }] },
    new: { oneOf: [{ type: 'string', maxLength: 5 }] },
    path: '/oneOf/1',
    mirror: 'ONE_OF_BRANCH_ADDED_OVERLAPPING',
    witnesses: { backward: ['aaaaaaaa'], forward: ['a'] },
  },
  { kind: 'ANY_OF_ADDED', breaks: 'backward', old: { type: 'string', minLength: 1 }, new: { type: 'string', minLength: 1, anyOf: [{ maxLength: 3 }, { pattern: '^a' }] }, path: '/anyOf', mirror: 'ANY_OF_REMOVED', witnesses: { backward: ['bbbb'] } },
  { kind: 'ANY_OF_REMOVED', breaks: 'forward', old: { type: 'string', minLength: 1, anyOf: [{ maxLength: 3 }, { pattern: '^a' }] }, new: { type: 'string', minLength: 1 }, path: '/anyOf', mirror: 'ANY_OF_ADDED', witnesses: { forward: ['bbbb'] } },
  { kind: 'ONE_OF_ADDED', breaks: 'backward', old: { type: 'string', minLength: 1 }, new: { type: 'string', minLength: 1, oneOf: [{ maxLength: 3 }, { pattern: '^a' }] }, path: '/oneOf', mirror: 'ONE_OF_REMOVED', witnesses: { backward: ['bbbb', 'a'] } },
  { kind: 'ONE_OF_REMOVED', breaks: 'forward', old: { type: 'string', minLength: 1, oneOf: [{ maxLength: 3 }, { pattern: '^a' }] }, new: { type: 'string', minLength: 1 }, path: '/oneOf', mirror: 'ONE_OF_ADDED', witnesses: { forward: ['bbbb'] } },
  { kind: 'ANY_OF_CHANGED_TO_ONE_OF', breaks: 'backward', old: { type: 'string', anyOf: [{ maxLength: 5 }, { pattern: '^a' }] }, new: { type: 'string', oneOf: [{ maxLength: 5 }, { pattern: '^a' }] }, path: '/oneOf', mirror: 'ONE_OF_CHANGED_TO_ANY_OF', witnesses: { backward: ['a'] } },
  { kind: 'ONE_OF_CHANGED_TO_ANY_OF', breaks: 'forward', old: { type: 'string', oneOf: [{ maxLength: 5 }, { pattern: '^a' }] }, new: { type: 'string', anyOf: [{ maxLength: 5 }, { pattern: '^a' }] }, path: '/anyOf', mirror: 'ANY_OF_CHANGED_TO_ONE_OF', witnesses: { forward: ['a'] } },
  { kind: 'UNION_KEYWORD_CHANGED', breaks: 'none', old: { anyOf: [S, I] }, new: { oneOf: [S, I] }, path: '/oneOf', mirror: 'UNION_KEYWORD_CHANGED' },
  { kind: 'NOT_ADDED', breaks: 'backward', old: S, new: { type: 'string', not: { const: 'x' } }, path: '/not', mirror: 'NOT_REMOVED', witnesses: { backward: ['x'] } },
  { kind: 'NOT_REMOVED', breaks: 'forward', old: { type: 'string', not: { const: 'x' } }, new: S, path: '/not', mirror: 'NOT_ADDED', witnesses: { forward: ['x'] } },
  { kind: 'NOT_CHANGED', breaks: 'both', old: { type: 'string', not: { const: 'x' } }, new: { type: 'string', not: { const: 'y' } }, path: '/not', mirror: 'NOT_CHANGED', witnesses: { backward: ['y'], forward: ['x'] } },

  { kind: 'CONDITIONAL_ADDED', breaks: 'backward', old: { type: 'object' }, new: { type: 'object', if: { properties: { a: { const: 1 } } }, then: { required: ['b'] } }, path: '/if', mirror: 'CONDITIONAL_REMOVED', witnesses: { backward: [{ a: 1 }] } },
  { kind: 'CONDITIONAL_REMOVED', breaks: 'forward', old: { type: 'object', if: { properties: { a: { const: 1 } } }, then: { required: ['b'] } }, new: { type: 'object' }, path: '/if', mirror: 'CONDITIONAL_ADDED', witnesses: { forward: [{ a: 1 }] } },
  {
    kind: 'CONDITIONAL_CHANGED',
    breaks: 'both',
    old: { type: 'object', if: { properties: { a: { const: 1 } } }, then: { required: ['b'] } },
    new: { type: 'object', if: { properties: { a: { const: 2 } } }, then: { required: ['b'] } },
    path: '/if',
    mirror: 'CONDITIONAL_CHANGED',
    witnesses: { backward: [{ a: 2 }], forward: [{ a: 1 }] },
  },
  {
    kind: 'CONDITIONAL_BRANCH_NARROWED',
    breaks: 'backward',
    old: { type: 'object', if: { properties: { a: { const: 1 } } } },
    new: { type: 'object', if: { properties: { a: { const: 1 } } }, then: { required: ['b'] } },
    path: '/then',
    mirror: 'CONDITIONAL_BRANCH_EXTENDED',
    witnesses: { backward: [{ a: 1 }] },
  },
  {
    kind: 'CONDITIONAL_BRANCH_EXTENDED',
    breaks: 'forward',
    old: { type: 'object', if: { properties: { a: { const: 1 } } }, else: false },
    new: { type: 'object', if: { properties: { a: { const: 1 } } } },
    path: '/else',
    mirror: 'CONDITIONAL_BRANCH_NARROWED',
    witnesses: { forward: [{ a: 2 }] },
  },

  { kind: 'REF_CHANGED', breaks: 'both', old: { $ref: 'https://example.com/a.json' }, new: { $ref: 'https://example.com/b.json' }, path: '/$ref', mirror: 'REF_CHANGED', conservative: true },
  { kind: 'DISCRIMINATOR_CHANGED', breaks: 'both', old: { type: 'object', discriminator: 'kind' }, new: { type: 'object', discriminator: 'type' }, path: '/discriminator', mirror: 'DISCRIMINATOR_CHANGED', conservative: true },
  { kind: 'SCHEMA_KEYWORD_CHANGED', breaks: 'both', old: { type: 'string', $dynamicRef: '#a' }, new: { type: 'string', $dynamicRef: '#b' }, path: '/$dynamicRef', mirror: 'SCHEMA_KEYWORD_CHANGED', conservative: true, rootOnly: true },
  { kind: 'SCHEMA_KEYWORD_CHANGED', breaks: 'both', old: { type: 'string', vendorRule: 1 }, new: { type: 'string', vendorRule: 2 }, path: '/vendorRule', mirror: 'SCHEMA_KEYWORD_CHANGED', conservative: true },
];
