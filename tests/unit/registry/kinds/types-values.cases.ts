import type { KindCase } from './case';

export const typeAndValueCases: KindCase[] = [
  { kind: 'TYPE_NARROWED', breaks: 'backward', old: { type: 'number' }, new: { type: 'integer' }, path: '/type', mirror: 'TYPE_EXTENDED', witnesses: { backward: [1.5] } },
  { kind: 'TYPE_NARROWED', breaks: 'backward', old: {}, new: { type: 'object' }, path: '/type', mirror: 'TYPE_EXTENDED', witnesses: { backward: ['a', 1, null] }, note: 'a type where none was' },
  { kind: 'TYPE_EXTENDED', breaks: 'forward', old: { type: 'integer' }, new: { type: 'number' }, path: '/type', mirror: 'TYPE_NARROWED', witnesses: { forward: [1.5] }, note: 'integer to number widens' },
  { kind: 'TYPE_EXTENDED', breaks: 'forward', old: { type: 'string' }, new: { type: ['string', 'null'] }, path: '/type', mirror: 'TYPE_NARROWED', witnesses: { forward: [null] } },
  { kind: 'TYPE_EXTENDED', breaks: 'forward', old: { type: 'string' }, new: { type: 'string', nullable: true }, path: '/type', mirror: 'TYPE_NARROWED', note: 'OpenAPI nullable', witnesses: {} },
  { kind: 'TYPE_CHANGED', breaks: 'both', old: { type: 'string' }, new: { type: 'integer' }, path: '/type', mirror: 'TYPE_CHANGED', witnesses: { backward: ['a'], forward: [1] } },
  { kind: 'SCHEMA_BECAME_FALSE', breaks: 'backward', old: { type: 'string' }, new: false, path: '', mirror: 'SCHEMA_NO_LONGER_FALSE', witnesses: { backward: ['a'] }, rootOnly: true },
  { kind: 'SCHEMA_BECAME_FALSE', breaks: 'backward', old: { type: 'object', properties: { a: { type: 'string' } } }, new: { type: 'object', properties: { a: false } }, path: '/properties/a', mirror: 'SCHEMA_NO_LONGER_FALSE', witnesses: { backward: [{ a: 'x' }] } },
  { kind: 'SCHEMA_NO_LONGER_FALSE', breaks: 'forward', old: { not: {} }, new: { type: 'string' }, path: '', mirror: 'SCHEMA_BECAME_FALSE', witnesses: { forward: ['a'] }, rootOnly: true, note: '{ not: {} } is false' },
  { kind: 'SCHEMA_NO_LONGER_FALSE', breaks: 'forward', old: { type: 'object', properties: { a: false } }, new: { type: 'object', properties: { a: { type: 'string' } } }, path: '/properties/a', mirror: 'SCHEMA_BECAME_FALSE', witnesses: { forward: [{ a: 'x' }] } },

  { kind: 'ENUM_ARRAY_NARROWED', breaks: 'backward', old: { type: 'string', enum: ['a', 'b'] }, new: { type: 'string', enum: ['a'] }, path: '/enum', mirror: 'ENUM_ARRAY_EXTENDED', witnesses: { backward: ['b'] } },
  { kind: 'ENUM_ARRAY_NARROWED', breaks: 'backward', old: { enum: ['a', 'b'] }, new: { const: 'a' }, path: '/const', mirror: 'ENUM_ARRAY_EXTENDED', witnesses: { backward: ['b'] }, note: 'enum -> const' },
  { kind: 'ENUM_ARRAY_EXTENDED', breaks: 'forward', old: { type: 'string', enum: ['a'] }, new: { type: 'string', enum: ['a', 'b'] }, path: '/enum', mirror: 'ENUM_ARRAY_NARROWED', witnesses: { forward: ['b'] } },
  { kind: 'ENUM_ARRAY_CHANGED', breaks: 'both', old: { enum: ['a', 'b'] }, new: { enum: ['a', 'c'] }, path: '/enum', mirror: 'ENUM_ARRAY_CHANGED', witnesses: { backward: ['b'], forward: ['c'] } },
  { kind: 'ENUM_ADDED', breaks: 'backward', old: { type: 'string' }, new: { type: 'string', enum: ['a'] }, path: '/enum', mirror: 'ENUM_REMOVED', witnesses: { backward: ['z'] } },
  { kind: 'ENUM_REMOVED', breaks: 'forward', old: { type: 'string', enum: ['a'] }, new: { type: 'string' }, path: '/enum', mirror: 'ENUM_ADDED', witnesses: { forward: ['z'] } },
  { kind: 'CONST_ADDED', breaks: 'backward', old: { type: 'string' }, new: { type: 'string', const: 'a' }, path: '/const', mirror: 'CONST_REMOVED', witnesses: { backward: ['z'] } },
  { kind: 'CONST_REMOVED', breaks: 'forward', old: { type: 'string', const: 'a' }, new: { type: 'string' }, path: '/const', mirror: 'CONST_ADDED', witnesses: { forward: ['z'] } },
  { kind: 'CONST_CHANGED', breaks: 'both', old: { type: 'string', const: 'a' }, new: { type: 'string', const: 'b' }, path: '/const', mirror: 'CONST_CHANGED', witnesses: { backward: ['a'], forward: ['b'] } },
];
