import { followRef, isRef, localDocument, resolveRef, type JsonSchema, type RefDocuments } from '../asyncapi';
import { unescapePointerToken } from '../util/json-pointer';
import { isRecord } from '../util/records';

// Turns a message's payload schema into the rows of a fields table. Works on any JSON Schema a third-party document
// may hold: $ref chains (local pointers into the payload, cycles included), allOf merged into one shape, oneOf/anyOf
// as numbered options, arrays of objects, maps, tuples; depth and row count are capped so huge schemas stay readable.

type SchemaObject = Record<string, unknown>;

/** One constraint of a field: `key` in words, `value` (when there is one) shown as code. */
export interface FieldConstraint {
  key: string;
  value?: string;
}

/** One row of a fields table. */
export interface FieldRow {
  /** `field`: a property (or the payload itself); `variant`: one option of a oneOf/anyOf; `note`: a remark. */
  kind: 'field' | 'variant' | 'note';
  /** Dotted path from the payload, with `[]` for array items: `result.recommendations[].id`. */
  path: string;
  /** Last segment of the path (`id`), or the option's label for a variant. */
  name: string;
  /** Nesting level, 0 for the payload's own properties. */
  depth: number;
  /** Type in words: `string (date-time)`, `array of Recommendation`, `object (RunResult)`, `"a" | "b"`. */
  type: string;
  required: boolean;
  constraints: FieldConstraint[];
  description?: string;
  /** Why the row stops here (recursion, depth cap), when it does. */
  note?: string;
}

/** What the table says about the payload itself and its rows. */
export interface FieldsTable {
  /** Type of the payload (`object (AgentStarted)`, `string`, ...). */
  type: string;
  title?: string;
  description?: string;
  /** The payload's own constraints (e.g. `closed`). */
  constraints: FieldConstraint[];
  rows: FieldRow[];
  /** Rows left out because of `maxRows`. */
  omittedRows: number;
}

export interface DeriveFieldsOptions {
  /** Deepest nesting level expanded (0 = the payload's own properties). Default 8. */
  maxDepth?: number;
  /** Most rows produced for one schema; the rest are counted in `omittedRows`. Default 400. */
  maxRows?: number;
  /** Most enum values listed in a constraint. Default 24. */
  maxEnumValues?: number;
}

function json(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

function typesOf(schema: SchemaObject): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === 'string');
  if ('const' in schema)
    return [schema.const === null ? 'null' : Array.isArray(schema.const) ? 'array' : typeof schema.const];
  if (Array.isArray(schema.enum)) {
    return [...new Set(schema.enum.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)))];
  }
  if (isRecord(schema.properties) || isRecord(schema.patternProperties) || isRecord(schema.additionalProperties)) {
    return ['object'];
  }
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return ['array'];
  return [];
}

function isObjectLike(schema: SchemaObject): boolean {
  return typesOf(schema).includes('object');
}

/** The walker, with the root for `$ref`s and the caps; one per table. */
class FieldWalker {
  readonly rows: FieldRow[] = [];
  omittedRows = 0;
  private readonly maxDepth: number;
  private readonly maxRows: number;
  private readonly maxEnumValues: number;
  /** Schemas being expanded on the current path, with the path where their expansion started. */
  private readonly expanding = new Map<object, string>();
  /** The object a resolved schema came from (its `$ref` target), for cycle detection. */
  private readonly targetOf = new WeakMap<object, object>();

  private readonly documents: RefDocuments;

  constructor(root: unknown, options: DeriveFieldsOptions) {
    this.documents = localDocument(root);
    this.maxDepth = options.maxDepth ?? 8;
    this.maxRows = options.maxRows ?? 400;
    this.maxEnumValues = options.maxEnumValues ?? 24;
  }

  /**
   * Follows `$ref`s, one hop at a time (each hop's siblings describe that use); the `title` of the last named target
   * is kept for the type. A reference that leads back to itself through `$ref`s only is shown as unresolved.
   */
  resolve(schema: unknown): { schema: SchemaObject; refTitle?: string; broken?: string } {
    if (isRef(schema) && schema.$ref.startsWith('#')) {
      const whole = followRef(this.documents, '', schema.$ref);
      if (!whole.ok && whole.reason === 'cycle') return { schema, broken: `${schema.$ref} (a $ref cycle)` };
    }
    let node: unknown = schema;
    let refTitle: string | undefined;
    for (let hops = 0; hops < 32 && isRecord(node) && typeof node.$ref === 'string'; hops++) {
      const ref: string = node.$ref;
      const resolution = ref.startsWith('#') ? resolveRef(this.documents, '', ref) : undefined;
      if (resolution === undefined || !resolution.ok) return { schema: node, broken: ref };
      const target = resolution.value;
      if (target === true) return { schema: {} };
      if (target === false) return { schema: { not: {} } };
      // Siblings of $ref (a description, say) describe this use; they win over the target's.
      const siblings = { ...node };
      delete siblings.$ref;
      node = isRecord(target) ? { ...target, ...siblings } : target;
      const name = ref.split('/').pop();
      refTitle =
        isRecord(target) && typeof target.title === 'string'
          ? target.title
          : name && name !== '#'
            ? unescapePointerToken(name)
            : refTitle;
      // Keep identity for cycle detection: the expansion marker is the target object.
      if (isRecord(target)) this.targetOf.set(node as object, target);
    }
    if (schema === true || schema === undefined) return { schema: {} };
    if (schema === false) return { schema: { not: {} } };
    return isRecord(node) ? { schema: node, refTitle } : { schema: {} };
  }

  private identity(schema: SchemaObject, original: unknown): object {
    return this.targetOf.get(schema) ?? (isRecord(original) ? original : schema);
  }

  /** allOf merged into one schema: properties and required united, the first value of every other keyword kept. */
  merge(schema: SchemaObject, seen = new Set<object>()): SchemaObject {
    if (!Array.isArray(schema.allOf)) return schema;
    const out: SchemaObject = { ...schema };
    delete out.allOf;
    const properties: SchemaObject = isRecord(schema.properties) ? { ...schema.properties } : {};
    const required = new Set<string>(
      Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [],
    );
    for (const part of schema.allOf) {
      const resolved = this.resolve(part).schema;
      const id = this.identity(resolved, part);
      if (seen.has(id)) continue;
      seen.add(id);
      const branch = this.merge(resolved, seen);
      if (isRecord(branch.properties)) {
        for (const [key, value] of Object.entries(branch.properties)) if (!(key in properties)) properties[key] = value;
      }
      if (Array.isArray(branch.required)) for (const r of branch.required) if (typeof r === 'string') required.add(r);
      for (const [key, value] of Object.entries(branch)) {
        if (key === 'properties' || key === 'required' || key === 'allOf') continue;
        if (!(key in out)) out[key] = value;
      }
    }
    if (Object.keys(properties).length > 0) out.properties = properties;
    if (required.size > 0) out.required = [...required];
    return out;
  }

  typeText(schema: SchemaObject, refTitle: string | undefined, depth = 0): string {
    const title = typeof schema.title === 'string' && schema.title.trim() !== '' ? schema.title.trim() : refTitle;
    if ('const' in schema) return json(schema.const);
    const union = Array.isArray(schema.oneOf) ? 'one of' : Array.isArray(schema.anyOf) ? 'any of' : undefined;
    let types = typesOf(schema);
    if (schema.nullable === true && !types.includes('null')) types = [...types, 'null'];
    if (types.length === 0) {
      const options = Array.isArray(schema.oneOf)
        ? schema.oneOf
        : Array.isArray(schema.anyOf)
          ? schema.anyOf
          : undefined;
      if (options !== undefined) return `${union} ${options.length} options`;
      return title ?? 'any';
    }
    const parts = types.map((t) => {
      if (t === 'array' && depth < 3) {
        const items = schema.items ?? (Array.isArray(schema.prefixItems) ? schema.prefixItems : undefined);
        if (Array.isArray(items)) return `tuple [${items.map((i) => this.shortType(i, depth + 1)).join(', ')}]`;
        if (items !== undefined) return `array of ${this.shortType(items, depth + 1)}`;
        return 'array';
      }
      if (t === 'string' && typeof schema.format === 'string') return `string (${schema.format})`;
      if (t === 'object' && title !== undefined) return `object (${title})`;
      if (Array.isArray(schema.enum) && schema.enum.length <= 6 && !types.includes('null')) {
        return schema.enum.map(json).join(' | ');
      }
      return t;
    });
    return [...new Set(parts)].join(' | ');
  }

  /** A short type for an array's items: the title when it has one, else its type text. */
  private shortType(items: unknown, depth: number): string {
    const { schema, refTitle } = this.resolve(items);
    const merged = this.merge(schema);
    const title = typeof merged.title === 'string' && merged.title.trim() !== '' ? merged.title.trim() : refTitle;
    if (title !== undefined && isObjectLike(merged)) return title;
    return this.typeText(merged, refTitle, depth);
  }

  constraints(schema: SchemaObject): FieldConstraint[] {
    const out: FieldConstraint[] = [];
    const add = (key: string, value?: unknown, asText = false): void => {
      out.push(value === undefined ? { key } : { key, value: asText ? String(value) : json(value) });
    };
    if ('const' in schema) add('const', schema.const);
    if (Array.isArray(schema.enum)) {
      const values = schema.enum.slice(0, this.maxEnumValues).map(json);
      const more = schema.enum.length - values.length;
      add('enum', `${values.join(', ')}${more > 0 ? `, … (+${more} more)` : ''}`, true);
    }
    for (const key of [
      'minLength',
      'maxLength',
      'minimum',
      'exclusiveMinimum',
      'maximum',
      'exclusiveMaximum',
      'multipleOf',
    ]) {
      if (typeof schema[key] === 'number' || typeof schema[key] === 'boolean') add(key, schema[key]);
    }
    if (typeof schema.pattern === 'string') add('pattern', schema.pattern, true);
    if (typeof schema.format === 'string' && !typesOf(schema).includes('string')) add('format', schema.format, true);
    for (const key of ['minItems', 'maxItems', 'minProperties', 'maxProperties']) {
      if (typeof schema[key] === 'number') add(key, schema[key]);
    }
    if (schema.uniqueItems === true) add('unique items');
    if (isObjectLike(schema)) {
      const closed = schema.additionalProperties === false || schema.unevaluatedProperties === false;
      add(closed ? 'closed (no other fields)' : 'open (other fields allowed)');
    }
    if (isRecord(schema.patternProperties)) {
      for (const pattern of Object.keys(schema.patternProperties)) add('keys matching', pattern, true);
    }
    if ('default' in schema) add('default', schema.default);
    if (schema.deprecated === true) add('deprecated');
    if (schema.readOnly === true) add('read-only');
    if (schema.writeOnly === true) add('write-only');
    if (schema.not !== undefined && isRecord(schema.not) && Object.keys(schema.not).length > 0)
      add('not', this.shortType(schema.not, 1), true);
    return out;
  }

  /** Constraints minus a `const` or short `enum` the type text already spells out. */
  private constraintsBeside(schema: SchemaObject, typeText: string): FieldConstraint[] {
    const shown = (c: FieldConstraint): boolean =>
      (c.key === 'const' && typeText === json(schema.const)) ||
      (c.key === 'enum' && Array.isArray(schema.enum) && typeText === schema.enum.map(json).join(' | '));
    return this.constraints(schema).filter((c) => !shown(c));
  }

  private push(row: FieldRow): boolean {
    if (this.rows.length >= this.maxRows) {
      this.omittedRows++;
      return false;
    }
    this.rows.push(row);
    return true;
  }

  /** Emits the row of one field and, below it, its nested fields. */
  field(name: string, node: unknown, prefix: string, depth: number, required: boolean): void {
    const path = prefix === '' || name.startsWith('[') ? `${prefix}${name}` : `${prefix}.${name}`;
    const { schema: resolved, refTitle, broken } = this.resolve(node);
    const identity = this.identity(resolved, node);
    const schema = this.merge(resolved);
    const description =
      typeof schema.description === 'string' && schema.description.trim() !== ''
        ? schema.description.trim()
        : undefined;
    const type = broken !== undefined ? `unresolved ${broken}` : this.typeText(schema, refTitle);
    const row: FieldRow = {
      kind: 'field',
      path,
      name,
      depth,
      type,
      required,
      constraints: this.constraintsBeside(schema, type),
      ...(description !== undefined ? { description } : {}),
    };
    const recursiveAt = this.expanding.get(identity);
    if (recursiveAt !== undefined) {
      row.note = `recursive: same shape as ${recursiveAt === '' ? 'the payload' : `\`${recursiveAt}\``}`;
      this.push(row);
      return;
    }
    if (!this.push(row)) return;
    this.expanding.set(identity, path);
    try {
      this.children(schema, path, depth + 1, row);
    } finally {
      this.expanding.delete(identity);
    }
  }

  /** Emits the nested rows of a schema: its properties, its array items, its oneOf/anyOf options. */
  children(schema: SchemaObject, path: string, depth: number, owner?: FieldRow): void {
    const hasChildren =
      isRecord(schema.properties) ||
      schema.items !== undefined ||
      Array.isArray(schema.prefixItems) ||
      Array.isArray(schema.oneOf) ||
      Array.isArray(schema.anyOf) ||
      isRecord(schema.additionalProperties) ||
      isRecord(schema.patternProperties);
    if (!hasChildren) return;
    if (depth > this.maxDepth) {
      if (owner !== undefined) owner.note = 'deeper fields not shown here: see the JSON Schema';
      return;
    }
    if (isRecord(schema.properties)) {
      const required = new Set(Array.isArray(schema.required) ? schema.required : []);
      for (const [key, value] of Object.entries(schema.properties))
        this.field(key, value, path, depth, required.has(key));
    }
    if (isRecord(schema.additionalProperties) && Object.keys(schema.additionalProperties).length > 0) {
      this.field('*', schema.additionalProperties, path, depth, false);
    }
    if (isRecord(schema.patternProperties)) {
      for (const value of Object.values(schema.patternProperties)) this.field('*', value, path, depth, false);
    }
    const tuple = Array.isArray(schema.prefixItems)
      ? schema.prefixItems
      : Array.isArray(schema.items)
        ? schema.items
        : undefined;
    if (tuple !== undefined) {
      tuple.forEach((item, i) => this.field(`[${i}]`, item, path, depth, false));
    } else if (schema.items !== undefined && schema.items !== true) {
      this.items(schema.items, path, depth, owner);
    }
    const options = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
    if (options !== undefined) this.variants(options, Array.isArray(schema.oneOf) ? 'one of' : 'any of', path, depth);
  }

  /** An array's items: their fields appear under `path[]`; scalar items add their constraints to the array's row. */
  private items(items: unknown, path: string, depth: number, owner?: FieldRow): void {
    const { schema: resolved } = this.resolve(items);
    const identity = this.identity(resolved, items);
    const schema = this.merge(resolved);
    const recursiveAt = this.expanding.get(identity);
    if (recursiveAt !== undefined) {
      if (owner !== undefined)
        owner.note = `recursive: items have the same shape as ${recursiveAt === '' ? 'the payload' : `\`${recursiveAt}\``}`;
      return;
    }
    const nested =
      isRecord(schema.properties) ||
      Array.isArray(schema.oneOf) ||
      Array.isArray(schema.anyOf) ||
      schema.items !== undefined ||
      isRecord(schema.additionalProperties);
    if (!nested) {
      if (owner !== undefined) {
        for (const c of this.constraints(schema))
          owner.constraints.push({ key: `items ${c.key}`, ...(c.value !== undefined ? { value: c.value } : {}) });
      }
      return;
    }
    if (typesOf(schema).includes('array')) {
      // An array of arrays: the inner array gets its own row.
      this.field('[]', items, path, depth, false);
      return;
    }
    this.expanding.set(identity, `${path}[]`);
    try {
      if (owner !== undefined && isObjectLike(schema)) {
        for (const c of this.constraints(schema)) {
          if (c.key.startsWith('closed') || c.key.startsWith('open')) owner.constraints.push({ key: `items ${c.key}` });
        }
      }
      this.children(schema, `${path}[]`, depth, owner);
    } finally {
      this.expanding.delete(identity);
    }
  }

  /** oneOf/anyOf: a `variant` row per option, its fields below it. */
  variants(options: unknown[], union: string, path: string, depth: number): void {
    options.forEach((option, i) => {
      const { schema: resolved, refTitle } = this.resolve(option);
      const identity = this.identity(resolved, option);
      const schema = this.merge(resolved);
      const title = typeof schema.title === 'string' && schema.title.trim() !== '' ? schema.title.trim() : refTitle;
      const description =
        typeof schema.description === 'string' && schema.description.trim() !== ''
          ? schema.description.trim()
          : undefined;
      const type = this.typeText(schema, refTitle);
      const row: FieldRow = {
        kind: 'variant',
        path,
        name: `${union} · option ${i + 1} of ${options.length}${title !== undefined ? `: ${title}` : ''}`,
        depth,
        type,
        required: false,
        constraints: this.constraintsBeside(schema, type),
        ...(description !== undefined ? { description } : {}),
      };
      const recursiveAt = this.expanding.get(identity);
      if (recursiveAt !== undefined) {
        row.note = `recursive: same shape as ${recursiveAt === '' ? 'the payload' : `\`${recursiveAt}\``}`;
        this.push(row);
        return;
      }
      if (!this.push(row)) return;
      this.expanding.set(identity, path);
      try {
        this.children(schema, path, depth + 1, row);
      } finally {
        this.expanding.delete(identity);
      }
    });
  }

  /** The whole payload: its own description, then its rows. */
  table(payload: JsonSchema): FieldsTable {
    const { schema: resolved, refTitle } = this.resolve(payload);
    const schema = this.merge(resolved);
    const title = typeof schema.title === 'string' && schema.title.trim() !== '' ? schema.title.trim() : refTitle;
    const description =
      typeof schema.description === 'string' && schema.description.trim() !== ''
        ? schema.description.trim()
        : undefined;
    const identity = this.identity(resolved, payload);
    this.expanding.set(identity, '');
    const objectPayload = isRecord(schema.properties) || Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf);
    if (objectPayload) {
      this.children(schema, '', 0);
    } else if (Object.keys(schema).some((k) => k !== 'description' && k !== 'title')) {
      // A scalar or array payload: one row for the payload itself, and its items' fields below it.
      const type = this.typeText(schema, refTitle);
      const row: FieldRow = {
        kind: 'field',
        path: '(payload)',
        name: '(payload)',
        depth: 0,
        type,
        required: true,
        constraints: this.constraintsBeside(schema, type),
      };
      this.push(row);
      this.children(schema, '', 1, row);
    }
    this.expanding.delete(identity);
    return {
      type: this.typeText(schema, refTitle),
      ...(title !== undefined ? { title } : {}),
      ...(description !== undefined ? { description } : {}),
      constraints: this.constraints(schema),
      rows: this.rows,
      omittedRows: this.omittedRows,
    };
  }
}

/**
 * Derives the fields table of a payload schema: one row per field, nested fields with dotted paths
 * (`result.recommendations[].estimated_monthly_savings_usd`), `[]` for array items, oneOf/anyOf options as `variant`
 * rows, recursion (a `$ref` back to an enclosing schema) as a row with a note instead of an endless expansion.
 *
 * @example
 * const table = deriveFields({
 *   type: 'object', required: ['id'], additionalProperties: false,
 *   properties: { id: { type: 'string', minLength: 1 }, tags: { type: 'array', items: { type: 'string' } } },
 * });
 * table.rows.map((r) => `${r.path}: ${r.type}${r.required ? ' (required)' : ''}`);
 * // ['id: string (required)', 'tags: array of string']
 */
export function deriveFields(payload: JsonSchema, options: DeriveFieldsOptions = {}): FieldsTable {
  return new FieldWalker(payload, options).table(payload);
}
