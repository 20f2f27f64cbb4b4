// What the diff knows about JSON Schema keywords, independent of any document: which keywords only annotate, which
// JSON types a schema allows, and which schemas accept everything or nothing.
import { toPointer } from '../../../util/json-pointer';
import { isRecord } from '../../../util/records';
import { sortKeysDeep } from '../canonical';

export type SchemaObject = Record<string, unknown>;

/** Keywords that only annotate: they never change which instances are valid. */
export function isAnnotationKey(key: string): boolean {
  return ANNOTATION_KEYS.has(key) || key.startsWith('x-');
}
const ANNOTATION_KEYS = new Set([
  'title',
  'description',
  'default',
  'examples',
  'example',
  'deprecated',
  '$comment',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'xml',
  '$anchor',
  '$id',
  '$schema',
  '$defs',
  'definitions',
]);

/**
 * A `$ref` the diff could not resolve (external, a pointer to nothing, or a chain of references that never reaches
 * a schema). A class, so that no schema of the document can be mistaken for one.
 */
export class UnresolvedRef {
  constructor(readonly unresolved: string) {}
}

/**
 * True for a reference the reader could not resolve.
 *
 * @example
 * isUnresolved(reader.read({ $ref: 'other.json#/A' })); // true
 */
export function isUnresolved(value: unknown): value is UnresolvedRef {
  return value instanceof UnresolvedRef;
}

/**
 * A property name from a `required`-like list; a non-string entry (malformed) becomes its canonical JSON text.
 *
 * @example
 * nameOf('id'); // 'id'
 */
export function nameOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(sortKeysDeep(value)) ?? 'null');
}

export const ALL_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] as const;

/**
 * The names of a `type` keyword; undefined for an absent or malformed one (it constrains nothing the diff can reason
 * about).
 *
 * @example
 * typeList(['string', 'null']); // ['string', 'null']
 */
export function typeList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  const names = value.filter((v): v is string => typeof v === 'string');
  return names.length === 0 ? undefined : names;
}

/**
 * The types two `type` keywords both allow (`integer` is in `number`); undefined when neither constrains.
 *
 * @example
 * intersectTypes(['number'], ['integer', 'string']); // ['integer']
 */
export function intersectTypes(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const out: string[] = [];
  for (const t of a) {
    if (b.includes(t)) out.push(t);
    else if (t === 'integer' && b.includes('number')) out.push('integer');
    else if (t === 'number' && b.includes('integer')) out.push('integer');
  }
  return [...new Set(out)];
}

/**
 * The set of JSON types a schema allows, with `integer` implied by `number`; `undefined` when `type` is absent
 * (every type).
 *
 * @example
 * typeSet({ type: 'number' }); // Set { 'number', 'integer' }
 */
export function typeSet(schema: SchemaObject): Set<string> | undefined {
  const list = typeList(schema.type);
  if (list === undefined) return undefined;
  const set = new Set(list);
  if (set.has('number')) set.add('integer');
  return set;
}

/**
 * Does a type set (undefined = all) allow instances of a keyword family?
 *
 * @example
 * allowsFamily(new Set(['integer']), 'number'); // true
 */
export function allowsFamily(set: Set<string> | undefined, family: 'string' | 'number' | 'object' | 'array'): boolean {
  if (set === undefined) return true;
  if (family === 'number') return set.has('number') || set.has('integer');
  return set.has(family);
}

/**
 * True for `true`, `{}` and schemas holding only annotations: they accept every instance.
 *
 * @example
 * isUnconstrained({ description: 'anything' }); // true
 */
export function isUnconstrained(schema: unknown): boolean {
  if (schema === true || schema === undefined) return true;
  if (!isRecord(schema) || isUnresolved(schema)) return false;
  return Object.keys(schema).every(isAnnotationKey);
}

/**
 * True for `false` and `{ not: {} }`: nothing is valid.
 *
 * @example
 * isFalseSchema({ not: true }); // true
 */
export function isFalseSchema(schema: unknown): boolean {
  if (schema === false) return true;
  return (
    isRecord(schema) && Object.keys(schema).length === 1 && isUnconstrained(schema.not) && schema.not !== undefined
  );
}

/**
 * The JSON type of a value, as JSON Schema names it (`integer` for whole numbers).
 *
 * @example
 * jsonType(2); // 'integer'
 */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * A value for people: compact JSON, cut at 80 characters.
 *
 * @example
 * show({ a: 1 }); // '{"a":1}'
 */
export function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = '(a cyclic value)';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * `key added: ...`, `key removed (was ...)` or `key a -> b`.
 *
 * @example
 * changeText('format', undefined, 'uuid'); // 'format added: "uuid"'
 */
export function changeText(key: string, a: unknown, b: unknown): string {
  if (a === undefined) return `${key} added: ${show(b)}`;
  if (b === undefined) return `${key} removed (was ${show(a)})`;
  return `${key} ${show(a)} -> ${show(b)}`;
}

/**
 * A pointer below `path`.
 *
 * @example
 * below('/a', 'properties', 'b/c'); // '/a/properties/b~1c'
 */
export function below(path: string, ...tokens: (string | number)[]): string {
  return path + toPointer(tokens);
}
