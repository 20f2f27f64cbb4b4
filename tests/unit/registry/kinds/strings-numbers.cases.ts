import type { KindCase } from './case';

const str = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'string', ...extra });
const num = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'number', ...extra });

export const stringCases: KindCase[] = [
  { kind: 'MAX_LENGTH_ADDED', breaks: 'backward', old: str(), new: str({ maxLength: 3 }), path: '/maxLength', mirror: 'MAX_LENGTH_REMOVED', witnesses: { backward: ['abcd'] } },
  { kind: 'MAX_LENGTH_REMOVED', breaks: 'forward', old: str({ maxLength: 3 }), new: str(), path: '/maxLength', mirror: 'MAX_LENGTH_ADDED', witnesses: { forward: ['abcd'] } },
  { kind: 'MAX_LENGTH_DECREASED', breaks: 'backward', old: str({ maxLength: 5 }), new: str({ maxLength: 3 }), path: '/maxLength', mirror: 'MAX_LENGTH_INCREASED', witnesses: { backward: ['abcd'] } },
  { kind: 'MAX_LENGTH_INCREASED', breaks: 'forward', old: str({ maxLength: 3 }), new: str({ maxLength: 5 }), path: '/maxLength', mirror: 'MAX_LENGTH_DECREASED', witnesses: { forward: ['abcd'] } },
  { kind: 'MIN_LENGTH_ADDED', breaks: 'backward', old: str(), new: str({ minLength: 2 }), path: '/minLength', mirror: 'MIN_LENGTH_REMOVED', witnesses: { backward: ['a'] } },
  { kind: 'MIN_LENGTH_REMOVED', breaks: 'forward', old: str({ minLength: 2 }), new: str(), path: '/minLength', mirror: 'MIN_LENGTH_ADDED', witnesses: { forward: ['a'] } },
  { kind: 'MIN_LENGTH_INCREASED', breaks: 'backward', old: str({ minLength: 1 }), new: str({ minLength: 2 }), path: '/minLength', mirror: 'MIN_LENGTH_DECREASED', witnesses: { backward: ['a'] } },
  { kind: 'MIN_LENGTH_DECREASED', breaks: 'forward', old: str({ minLength: 2 }), new: str({ minLength: 1 }), path: '/minLength', mirror: 'MIN_LENGTH_INCREASED', witnesses: { forward: ['a'] } },
  { kind: 'PATTERN_ADDED', breaks: 'backward', old: str(), new: str({ pattern: '^a' }), path: '/pattern', mirror: 'PATTERN_REMOVED', witnesses: { backward: ['b'] } },
  { kind: 'PATTERN_REMOVED', breaks: 'forward', old: str({ pattern: '^a' }), new: str(), path: '/pattern', mirror: 'PATTERN_ADDED', witnesses: { forward: ['b'] } },
  { kind: 'PATTERN_CHANGED', breaks: 'both', old: str({ pattern: '^a' }), new: str({ pattern: '^b' }), path: '/pattern', mirror: 'PATTERN_CHANGED', witnesses: { backward: ['a'], forward: ['b'] } },
  { kind: 'FORMAT_ADDED', breaks: 'backward', old: str(), new: str({ format: 'date-time' }), path: '/format', mirror: 'FORMAT_REMOVED', witnesses: { backward: ['yesterday'] } },
  { kind: 'FORMAT_REMOVED', breaks: 'forward', old: str({ format: 'date-time' }), new: str(), path: '/format', mirror: 'FORMAT_ADDED', witnesses: { forward: ['yesterday'] } },
  { kind: 'FORMAT_CHANGED', breaks: 'both', old: str({ format: 'date-time' }), new: str({ format: 'email' }), path: '/format', mirror: 'FORMAT_CHANGED', witnesses: { backward: ['2026-11-24T10:00:00Z'], forward: ['a@example.com'] } },
  { kind: 'CONTENT_ENCODING_CHANGED', breaks: 'both', old: str({ contentMediaType: 'application/json' }), new: str({ contentMediaType: 'text/plain' }), path: '/contentMediaType', mirror: 'CONTENT_ENCODING_CHANGED', conservative: true },
  { kind: 'CONTENT_ENCODING_CHANGED', breaks: 'both', old: str(), new: str({ contentEncoding: 'base64' }), path: '/contentEncoding', mirror: 'CONTENT_ENCODING_CHANGED', conservative: true },
];

export const numberCases: KindCase[] = [
  { kind: 'MAXIMUM_ADDED', breaks: 'backward', old: num(), new: num({ maximum: 10 }), path: '/maximum', mirror: 'MAXIMUM_REMOVED', witnesses: { backward: [11] } },
  { kind: 'MAXIMUM_REMOVED', breaks: 'forward', old: num({ maximum: 10 }), new: num(), path: '/maximum', mirror: 'MAXIMUM_ADDED', witnesses: { forward: [11] } },
  { kind: 'MAXIMUM_DECREASED', breaks: 'backward', old: num({ maximum: 10 }), new: num({ maximum: 5 }), path: '/maximum', mirror: 'MAXIMUM_INCREASED', witnesses: { backward: [7] } },
  { kind: 'MAXIMUM_DECREASED', breaks: 'backward', old: num({ maximum: 10 }), new: num({ exclusiveMaximum: 10 }), path: '/exclusiveMaximum', mirror: 'MAXIMUM_INCREASED', witnesses: { backward: [10] }, note: 'inclusive -> exclusive at the same value' },
  { kind: 'MAXIMUM_INCREASED', breaks: 'forward', old: num({ maximum: 5 }), new: num({ maximum: 10 }), path: '/maximum', mirror: 'MAXIMUM_DECREASED', witnesses: { forward: [7] } },
  { kind: 'MINIMUM_ADDED', breaks: 'backward', old: num(), new: num({ minimum: 0 }), path: '/minimum', mirror: 'MINIMUM_REMOVED', witnesses: { backward: [-1] } },
  { kind: 'MINIMUM_REMOVED', breaks: 'forward', old: num({ minimum: 0 }), new: num(), path: '/minimum', mirror: 'MINIMUM_ADDED', witnesses: { forward: [-1] } },
  { kind: 'MINIMUM_INCREASED', breaks: 'backward', old: num({ minimum: 0 }), new: num({ minimum: 5 }), path: '/minimum', mirror: 'MINIMUM_DECREASED', witnesses: { backward: [1] } },
  { kind: 'MINIMUM_INCREASED', breaks: 'backward', old: num({ minimum: 0 }), new: num({ exclusiveMinimum: 0 }), path: '/exclusiveMinimum', mirror: 'MINIMUM_DECREASED', witnesses: { backward: [0] }, note: 'inclusive -> exclusive at the same value' },
  { kind: 'MINIMUM_DECREASED', breaks: 'forward', old: num({ minimum: 5 }), new: num({ minimum: 0 }), path: '/minimum', mirror: 'MINIMUM_INCREASED', witnesses: { forward: [1] } },
  { kind: 'MULTIPLE_OF_ADDED', breaks: 'backward', old: num(), new: num({ multipleOf: 2 }), path: '/multipleOf', mirror: 'MULTIPLE_OF_REMOVED', witnesses: { backward: [3] } },
  { kind: 'MULTIPLE_OF_REMOVED', breaks: 'forward', old: num({ multipleOf: 2 }), new: num(), path: '/multipleOf', mirror: 'MULTIPLE_OF_ADDED', witnesses: { forward: [3] } },
  { kind: 'MULTIPLE_OF_EXPANDED', breaks: 'backward', old: num({ multipleOf: 2 }), new: num({ multipleOf: 4 }), path: '/multipleOf', mirror: 'MULTIPLE_OF_REDUCED', witnesses: { backward: [2] } },
  { kind: 'MULTIPLE_OF_REDUCED', breaks: 'forward', old: num({ multipleOf: 4 }), new: num({ multipleOf: 2 }), path: '/multipleOf', mirror: 'MULTIPLE_OF_EXPANDED', witnesses: { forward: [2] } },
  { kind: 'MULTIPLE_OF_CHANGED', breaks: 'both', old: num({ multipleOf: 2 }), new: num({ multipleOf: 3 }), path: '/multipleOf', mirror: 'MULTIPLE_OF_CHANGED', witnesses: { backward: [2], forward: [3] } },
];
