// The structural JSON Schema diff: old schema + new schema -> named changes, each at a JSON pointer of the schema.
// It compares meaning, not text: `$ref`s are followed, key order is ignored, mergeable `allOf`s are flattened,
// union branches are matched to each other, and every difference gets a kind from the catalogue (kinds.ts).
import { joinPointer } from './canonical';
import type { ChangeKind } from './kinds';
import { matchBranches, provablyDisjoint } from './branches';
import {
  ALL_TYPES,
  allowsFamily,
  isAnnotationKey,
  isFalseSchema,
  isObject,
  isUnconstrained,
  isUnresolved,
  nameOf,
  SchemaReader,
  typeSet,
  type SchemaObject,
} from './schema-model';

/** One difference between two schemas. */
export interface SchemaChange {
  kind: ChangeKind;
  /** JSON pointer into the schema (the new one; the old one for things that were removed). */
  path: string;
  /** What changed, for humans: names, old and new values. */
  detail: string;
}

export interface DiffSchemasOptions {
  /** Root the old schema's `$ref`s resolve against (default: the old schema itself). */
  oldRoot?: unknown;
  /** Root the new schema's `$ref`s resolve against (default: the new schema itself). */
  newRoot?: unknown;
  /** Pointer prefix for every reported path (default ''). */
  path?: string;
}

/**
 * Compares two JSON Schemas and names every difference. Pure; never throws on any JSON input; terminates on cyclic
 * schemas.
 *
 * @example
 * diffSchemas(
 *   { type: 'object', properties: { status: { enum: ['ok', 'failed'] } } },
 *   { type: 'object', properties: { status: { enum: ['ok', 'failed', 'partial'] } } },
 * );
 * // [{ kind: 'ENUM_ARRAY_EXTENDED', path: '/properties/status/enum', detail: 'added "partial"' }]
 */
export function diffSchemas(oldSchema: unknown, newSchema: unknown, options: DiffSchemasOptions = {}): SchemaChange[] {
  const differ = new SchemaDiffer(
    new SchemaReader(options.oldRoot ?? oldSchema),
    new SchemaReader(options.newRoot ?? newSchema),
  );
  try {
    differ.compare(oldSchema, newSchema, options.path ?? '');
  } catch (err) {
    // Last resort for malformed input nobody foresaw: a named, conservative change instead of a crash.
    differ.changes.push({
      kind: 'SCHEMA_KEYWORD_CHANGED',
      path: options.path ?? '',
      detail: `internal: the schemas could not be compared (${(err as Error).message}); assumed breaking both ways`,
    });
  }
  return differ.changes;
}

const STRING_KEYS = ['maxLength', 'minLength', 'pattern'];
const NUMBER_KEYS = ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf'];
const OBJECT_KEYS = [
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'propertyNames',
  'unevaluatedProperties',
  'maxProperties',
  'minProperties',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
];
const ARRAY_KEYS = [
  'items',
  'prefixItems',
  'additionalItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'contains',
  'maxContains',
  'minContains',
  'unevaluatedItems',
];
const OTHER_KEYS = [
  'type',
  'enum',
  'const',
  'format',
  'contentEncoding',
  'contentMediaType',
  'contentSchema',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'discriminator',
];
const KNOWN = new Set([...STRING_KEYS, ...NUMBER_KEYS, ...OBJECT_KEYS, ...ARRAY_KEYS, ...OTHER_KEYS]);

const MAX_DEPTH = 200;

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

type SlotState = { state: 'any' } | { state: 'none' } | { state: 'schema'; schema: unknown };

type ContentModel = { model: 'open' } | { model: 'closed' } | { model: 'partial'; schema: unknown; via: string };

type Bound = { value: number; exclusive: boolean; keyword: string };

export class SchemaDiffer {
  readonly changes: SchemaChange[] = [];
  private readonly inProgress = new Map<unknown, Set<unknown>>();

  constructor(
    readonly oldReader: SchemaReader,
    readonly newReader: SchemaReader,
  ) {}

  private emit(kind: ChangeKind, path: string, detail: string): void {
    this.changes.push({ kind, path, detail });
  }

  /** A fresh differ over the same roots, for trial comparisons (branch matching) that must not report anything. */
  fork(): SchemaDiffer {
    return new SchemaDiffer(this.oldReader, this.newReader);
  }

  compare(oldNode: unknown, newNode: unknown, path: string, depth = 0): void {
    if (depth > MAX_DEPTH) return;
    const o = this.oldReader.read(oldNode);
    const n = this.newReader.read(newNode);

    if (isUnresolved(o) || isUnresolved(n)) {
      const oRef = isUnresolved(o) ? o.unresolved : undefined;
      const nRef = isUnresolved(n) ? n.unresolved : undefined;
      if (oRef !== nRef)
        this.emit(
          'REF_CHANGED',
          joinPointer(path, '$ref'),
          `${oRef ?? '(inline schema)'} -> ${nRef ?? '(inline schema)'}`,
        );
      return;
    }
    const oFalse = isFalseSchema(o);
    const nFalse = isFalseSchema(n);
    if (oFalse || nFalse) {
      if (oFalse && !nFalse) this.emit('SCHEMA_NO_LONGER_FALSE', path, 'false -> a schema that accepts values');
      if (nFalse && !oFalse) this.emit('SCHEMA_BECAME_FALSE', path, 'the schema became false: nothing is valid');
      return;
    }
    const os: SchemaObject = isObject(o) ? o : {};
    const ns: SchemaObject = isObject(n) ? n : {};

    // Fast path: same canonical text and no $ref whose meaning could differ between the two roots.
    const oc = this.oldReader.canonicalOf(os);
    const nc = this.newReader.canonicalOf(ns);
    if (oc.text === nc.text && !oc.hasRef && !nc.hasRef) return;

    // Cycle guard: a pair of (normalised, identity-stable) schemas already being compared further up is a cycle.
    const oKey = this.oldReader.identity(os);
    const nKey = this.newReader.identity(ns);
    let active = this.inProgress.get(oKey);
    if (active === undefined) this.inProgress.set(oKey, (active = new Set()));
    if (active.has(nKey)) return;
    active.add(nKey);
    try {
      this.compareObjects(os, ns, path, depth);
    } finally {
      active.delete(nKey);
    }
  }

  private compareObjects(oIn: SchemaObject, nIn: SchemaObject, path: string, depth: number): void {
    // P ∧ oneOf(B1..Bn) ≡ oneOf(P∧B1..P∧Bn): when the constraints next to a union differ between the two sides
    // (e.g. `required` moved from the parent into every branch), compare the distributed forms.
    let os = oIn;
    let ns = nIn;
    const oUnion = unionKeyword(os);
    const nUnion = unionKeyword(ns);
    if ((oUnion !== undefined || nUnion !== undefined) && !this.sameConstraints(os, ns, oUnion, nUnion)) {
      if (oUnion !== undefined) os = this.oldReader.distribute(os, oUnion);
      if (nUnion !== undefined) ns = this.newReader.distribute(ns, nUnion);
    }
    // An allOf that could not be flattened, next to constraints that differ: compare both sides as pure allOfs
    // (the constraints beside the allOf become one more branch), so `P` -> `allOf [P, Q]` is one branch added.
    if ((Array.isArray(os.allOf) || Array.isArray(ns.allOf)) && !this.sameConstraints(os, ns, 'allOf', 'allOf')) {
      os = pureAllOf(os);
      ns = pureAllOf(ns);
    }
    this.compareAnnotations(os, ns, path);
    if (this.compareLiftedUnion(os, ns, path, depth)) return;
    this.compareType(os, ns, path);
    this.compareValues(os, ns, path);
    this.compareFormat(os, ns, path);

    const oTypes = typeSet(os);
    const nTypes = typeSet(ns);
    const gate = (family: 'string' | 'number' | 'object' | 'array'): boolean =>
      allowsFamily(oTypes, family) && allowsFamily(nTypes, family);
    if (gate('string')) this.compareString(os, ns, path);
    if (gate('number')) this.compareNumber(os, ns, path);
    if (gate('object')) this.compareObject(os, ns, path, depth);
    if (gate('array')) this.compareArray(os, ns, path, depth);
    this.compareCombinators(os, ns, path, depth);
    this.compareConditionals(os, ns, path, depth);
    this.compareUnknown(os, ns, path);
  }

  /** Same constraints next to the unions (annotations and the union keywords themselves left out)? */
  private sameConstraints(o: SchemaObject, n: SchemaObject, ok?: string, nk?: string): boolean {
    const strip = (s: SchemaObject, keyword?: string): SchemaObject =>
      Object.fromEntries(Object.entries(s).filter(([k]) => k !== keyword && !isAnnotationKey(k)));
    const a = this.oldReader.canonicalOf(strip(o, ok));
    const b = this.newReader.canonicalOf(strip(n, nk));
    return a.text === b.text && !a.hasRef && !b.hasRef;
  }

  // ---- annotations ------------------------------------------------------------------------------------------------

  private compareAnnotations(o: SchemaObject, n: SchemaObject, path: string): void {
    const keys = new Set([...Object.keys(o), ...Object.keys(n)].filter(isAnnotationKey));
    for (const key of [...keys].sort()) {
      if (key === '$defs' || key === 'definitions') continue; // compared where they are referenced
      if (this.same(o[key], n[key])) continue;
      const kind: ChangeKind =
        key === 'description'
          ? 'DESCRIPTION_CHANGED'
          : key === 'title'
            ? 'TITLE_CHANGED'
            : key === 'default'
              ? 'DEFAULT_CHANGED'
              : key === 'examples' || key === 'example'
                ? 'EXAMPLES_CHANGED'
                : key === 'deprecated'
                  ? 'DEPRECATED_CHANGED'
                  : key.startsWith('x-')
                    ? 'EXTENSION_CHANGED'
                    : 'ANNOTATION_CHANGED';
      this.emit(kind, joinPointer(path, key), this.changeText(key, o[key], n[key]));
    }
  }

  private changeText(key: string, a: unknown, b: unknown): string {
    if (a === undefined) return `${key} added: ${show(b)}`;
    if (b === undefined) return `${key} removed (was ${show(a)})`;
    return `${key} ${show(a)} -> ${show(b)}`;
  }

  private same(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (a === undefined || b === undefined) return false;
    return this.oldReader.canonicalOf(a).text === this.newReader.canonicalOf(b).text;
  }

  // ---- type, values, format -----------------------------------------------------------------------------------------

  /** The types a schema allows, narrowed by its `enum`/`const` values (an `enum: ["a"]` only allows strings). */
  private effectiveTypes(s: SchemaObject, reader: SchemaReader): Set<string> | undefined {
    const declared = typeSet(s);
    const values = this.allowedValues(s, reader);
    if (values === undefined) return declared;
    const fromValues = new Set<string>();
    for (const v of values.values()) fromValues.add(jsonType(v));
    if (fromValues.has('number')) fromValues.add('integer');
    return declared === undefined ? fromValues : new Set([...declared].filter((t) => fromValues.has(t)));
  }

  private compareType(o: SchemaObject, n: SchemaObject, path: string): void {
    // With concrete values on both sides, the value comparison says exactly what changed.
    if (this.allowedValues(o, this.oldReader) !== undefined && this.allowedValues(n, this.newReader) !== undefined)
      return;
    const a = this.effectiveTypes(o, this.oldReader);
    const b = this.effectiveTypes(n, this.newReader);
    if (a === undefined && b === undefined) return;
    const all = new Set<string>(ALL_TYPES);
    const oldSet = a ?? all;
    const newSet = b ?? all;
    const lost = [...oldSet].filter((t) => !newSet.has(t));
    const gained = [...newSet].filter((t) => !oldSet.has(t));
    if (lost.length === 0 && gained.length === 0) return;
    const describe = (s: SchemaObject): string => (s.type === undefined ? 'any type' : show(s.type));
    const detail = `${describe(o)} -> ${describe(n)}`;
    const at = joinPointer(path, 'type');
    if (gained.length === 0) this.emit('TYPE_NARROWED', at, detail);
    else if (lost.length === 0) this.emit('TYPE_EXTENDED', at, detail);
    else this.emit('TYPE_CHANGED', at, detail);
  }

  /**
   * `enum` and `const` as one set of allowed values (undefined = any value), without the values `type` forbids
   * (`{ type: string, enum: [null, "a"] }` allows only "a").
   */
  private allowedValues(s: SchemaObject, reader: SchemaReader): Map<string, unknown> | undefined {
    let set: Map<string, unknown> | undefined;
    if (Array.isArray(s.enum)) set = new Map(s.enum.map((v) => [reader.canonicalOf(v).text, v]));
    if (s.const !== undefined) {
      const key = reader.canonicalOf(s.const).text;
      if (set === undefined) set = new Map([[key, s.const]]);
      else set = set.has(key) ? new Map([[key, s.const]]) : new Map();
    }
    const declared = typeSet(s);
    if (set !== undefined && declared !== undefined) {
      for (const [key, value] of set) if (!declared.has(jsonType(value))) set.delete(key);
    }
    return set;
  }

  private compareValues(o: SchemaObject, n: SchemaObject, path: string): void {
    const a = this.allowedValues(o, this.oldReader);
    const b = this.allowedValues(n, this.newReader);
    if (a === undefined && b === undefined) return;
    const onlyConst = (s: SchemaObject): boolean => s.const !== undefined && s.enum === undefined;
    const at = joinPointer(path, onlyConst(n) || (n.enum === undefined && onlyConst(o)) ? 'const' : 'enum');
    if (a === undefined) {
      this.emit(onlyConst(n) ? 'CONST_ADDED' : 'ENUM_ADDED', at, `only ${show([...b!.values()])} allowed now`);
      return;
    }
    if (b === undefined) {
      this.emit(
        onlyConst(o) ? 'CONST_REMOVED' : 'ENUM_REMOVED',
        at,
        `was only ${show([...a.values()])}; any value now`,
      );
      return;
    }
    const removed = [...a.keys()].filter((k) => !b.has(k)).map((k) => a.get(k));
    const added = [...b.keys()].filter((k) => !a.has(k)).map((k) => b.get(k));
    if (removed.length === 0 && added.length === 0) return;
    const parts = [
      added.length ? `added ${added.map(show).join(', ')}` : '',
      removed.length ? `removed ${removed.map(show).join(', ')}` : '',
    ];
    const detail = parts.filter(Boolean).join('; ');
    if (onlyConst(o) && onlyConst(n)) this.emit('CONST_CHANGED', at, `${show(o.const)} -> ${show(n.const)}`);
    else if (added.length === 0) this.emit('ENUM_ARRAY_NARROWED', at, detail);
    else if (removed.length === 0) this.emit('ENUM_ARRAY_EXTENDED', at, detail);
    else this.emit('ENUM_ARRAY_CHANGED', at, detail);
  }

  private compareFormat(o: SchemaObject, n: SchemaObject, path: string): void {
    if (!this.same(o.format, n.format)) {
      const at = joinPointer(path, 'format');
      if (o.format === undefined) this.emit('FORMAT_ADDED', at, `format ${show(n.format)} added`);
      else if (n.format === undefined) this.emit('FORMAT_REMOVED', at, `format ${show(o.format)} removed`);
      else this.emit('FORMAT_CHANGED', at, `format ${show(o.format)} -> ${show(n.format)}`);
    }
    for (const key of ['contentEncoding', 'contentMediaType', 'contentSchema']) {
      if (!this.same(o[key], n[key]))
        this.emit('CONTENT_ENCODING_CHANGED', joinPointer(path, key), this.changeText(key, o[key], n[key]));
    }
  }

  // ---- bounds -------------------------------------------------------------------------------------------------------

  private compareCount(
    prefix: string,
    key: string,
    upper: boolean,
    o: SchemaObject,
    n: SchemaObject,
    path: string,
  ): void {
    const a = typeof o[key] === 'number' ? (o[key] as number) : undefined;
    const b = typeof n[key] === 'number' ? (n[key] as number) : undefined;
    if (a === b) return;
    const at = joinPointer(path, key);
    if (a === undefined) this.emit(`${prefix}_ADDED` as ChangeKind, at, `${key} ${b} added`);
    else if (b === undefined) this.emit(`${prefix}_REMOVED` as ChangeKind, at, `${key} ${a} removed`);
    else this.emit(`${prefix}_${b > a ? 'INCREASED' : 'DECREASED'}` as ChangeKind, at, `${key} ${a} -> ${b}`);
    void upper;
  }

  private numericBound(s: SchemaObject, upper: boolean): Bound | undefined {
    const inclusiveKey = upper ? 'maximum' : 'minimum';
    const exclusiveKey = upper ? 'exclusiveMaximum' : 'exclusiveMinimum';
    const candidates: Bound[] = [];
    if (typeof s[inclusiveKey] === 'number') {
      // draft-04: a boolean exclusiveMaximum makes maximum exclusive
      candidates.push({ value: s[inclusiveKey] as number, exclusive: s[exclusiveKey] === true, keyword: inclusiveKey });
    }
    if (typeof s[exclusiveKey] === 'number')
      candidates.push({ value: s[exclusiveKey] as number, exclusive: true, keyword: exclusiveKey });
    if (candidates.length === 0) return undefined;
    // The tighter bound wins: lower for an upper bound, higher for a lower bound; exclusive wins a tie.
    return candidates.reduce((best, c) => {
      if (c.value !== best.value) return (upper ? c.value < best.value : c.value > best.value) ? c : best;
      return c.exclusive ? c : best;
    });
  }

  private compareNumericBound(upper: boolean, o: SchemaObject, n: SchemaObject, path: string): void {
    const prefix = upper ? 'MAXIMUM' : 'MINIMUM';
    const a = this.numericBound(o, upper);
    const b = this.numericBound(n, upper);
    if (a === undefined && b === undefined) return;
    const text = (x: Bound): string => `${x.keyword} ${x.value}`;
    if (a === undefined) return this.emit(`${prefix}_ADDED`, joinPointer(path, b!.keyword), `${text(b!)} added`);
    if (b === undefined) return this.emit(`${prefix}_REMOVED`, joinPointer(path, a.keyword), `${text(a)} removed`);
    if (a.value === b.value && a.exclusive === b.exclusive) return;
    // For an upper bound "tighter" means lower; for a lower bound, higher.
    const tighter = a.value === b.value ? b.exclusive : upper ? b.value < a.value : b.value > a.value;
    const kind: ChangeKind = upper
      ? tighter
        ? 'MAXIMUM_DECREASED'
        : 'MAXIMUM_INCREASED'
      : tighter
        ? 'MINIMUM_INCREASED'
        : 'MINIMUM_DECREASED';
    this.emit(kind, joinPointer(path, b.keyword), `${text(a)} -> ${text(b)}`);
  }

  private compareString(o: SchemaObject, n: SchemaObject, path: string): void {
    this.compareCount('MAX_LENGTH', 'maxLength', true, o, n, path);
    this.compareCount('MIN_LENGTH', 'minLength', false, o, n, path);
    if (!this.same(o.pattern, n.pattern)) {
      const at = joinPointer(path, 'pattern');
      if (o.pattern === undefined) this.emit('PATTERN_ADDED', at, `pattern ${show(n.pattern)} added`);
      else if (n.pattern === undefined) this.emit('PATTERN_REMOVED', at, `pattern ${show(o.pattern)} removed`);
      else this.emit('PATTERN_CHANGED', at, `pattern ${show(o.pattern)} -> ${show(n.pattern)}`);
    }
  }

  private compareNumber(o: SchemaObject, n: SchemaObject, path: string): void {
    this.compareNumericBound(true, o, n, path);
    this.compareNumericBound(false, o, n, path);
    const a = typeof o.multipleOf === 'number' && o.multipleOf > 0 ? o.multipleOf : undefined;
    const b = typeof n.multipleOf === 'number' && n.multipleOf > 0 ? n.multipleOf : undefined;
    if (a === b) return;
    const at = joinPointer(path, 'multipleOf');
    if (a === undefined) return this.emit('MULTIPLE_OF_ADDED', at, `multipleOf ${b} added`);
    if (b === undefined) return this.emit('MULTIPLE_OF_REMOVED', at, `multipleOf ${a} removed`);
    const isMultiple = (x: number, y: number): boolean => Math.abs(x / y - Math.round(x / y)) < 1e-9;
    const detail = `multipleOf ${a} -> ${b}`;
    if (isMultiple(b, a)) this.emit('MULTIPLE_OF_EXPANDED', at, detail);
    else if (isMultiple(a, b)) this.emit('MULTIPLE_OF_REDUCED', at, detail);
    else this.emit('MULTIPLE_OF_CHANGED', at, detail);
  }

  // ---- slots (a keyword holding one subschema) ------------------------------------------------------------------------

  private slotState(value: unknown, reader: SchemaReader): SlotState {
    if (value === undefined || value === true) return { state: 'any' };
    if (value === false) return { state: 'none' };
    const read = reader.read(value);
    if (isFalseSchema(read)) return { state: 'none' };
    if (isUnconstrained(read)) return { state: 'any' };
    return { state: 'schema', schema: value };
  }

  private compareSlot(
    prefix: string,
    oValue: unknown,
    nValue: unknown,
    path: string,
    depth: number,
    label: string,
  ): void {
    const a = this.slotState(oValue, this.oldReader);
    const b = this.slotState(nValue, this.newReader);
    const name = (s: SlotState): string =>
      s.state === 'any' ? 'anything' : s.state === 'none' ? 'nothing (false)' : 'a schema';
    // Two schema objects (even `{}`): compare inside, which names the difference precisely.
    if (
      isObject(oValue) &&
      isObject(nValue) &&
      !isFalseSchema(this.oldReader.read(oValue)) &&
      !isFalseSchema(this.newReader.read(nValue))
    ) {
      return this.compare(oValue, nValue, path, depth + 1);
    }
    if (a.state === b.state) return;
    const rank = { none: 0, schema: 1, any: 2 } as const;
    const kind = `${prefix}_${rank[b.state] < rank[a.state] ? 'NARROWED' : 'EXTENDED'}` as ChangeKind;
    this.emit(kind, path, `${label}: ${name(a)} -> ${name(b)}`);
  }

  // ---- objects ------------------------------------------------------------------------------------------------------

  private contentModel(s: SchemaObject, name: string): ContentModel {
    if (isObject(s.patternProperties)) {
      for (const [pattern, schema] of Object.entries(s.patternProperties)) {
        let matches = false;
        try {
          matches = new RegExp(pattern, 'u').test(name);
        } catch {
          matches = false;
        }
        if (matches) return { model: 'partial', schema, via: `patternProperties ${show(pattern)}` };
      }
    }
    const via = s.additionalProperties !== undefined ? 'additionalProperties' : 'unevaluatedProperties';
    const ap = s.additionalProperties !== undefined ? s.additionalProperties : s.unevaluatedProperties;
    if (ap === undefined || ap === true) return { model: 'open' };
    if (ap === false || isFalseSchema(ap)) return { model: 'closed' };
    if (isUnconstrained(ap)) return { model: 'open' };
    return { model: 'partial', schema: ap, via };
  }

  private compareObject(o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
    const oProps = isObject(o.properties) ? o.properties : {};
    const nProps = isObject(n.properties) ? n.properties : {};
    const oReq = new Set(Array.isArray(o.required) ? (o.required as unknown[]).map(nameOf) : []);
    const nReq = new Set(Array.isArray(n.required) ? (n.required as unknown[]).map(nameOf) : []);
    const has = (map: SchemaObject, key: string): boolean => Object.prototype.hasOwnProperty.call(map, key);
    const names = [...new Set([...Object.keys(nProps), ...Object.keys(oProps)])];

    for (const name of names) {
      const at = joinPointer(path, 'properties', name);
      const inOld = has(oProps, name);
      const inNew = has(nProps, name);
      const wasRequired = oReq.has(name);
      const isRequired = nReq.has(name);
      if (inOld && inNew) {
        if (isRequired && !wasRequired) this.emit('REQUIRED_ATTRIBUTE_ADDED', at, `'${name}' is required now`);
        if (wasRequired && !isRequired) this.emit('REQUIRED_ATTRIBUTE_REMOVED', at, `'${name}' is optional now`);
        this.compare(oProps[name], nProps[name], at, depth + 1);
      } else if (inNew) {
        this.propertyAdded(o, name, nProps[name], isRequired && !wasRequired, at, depth);
        if (wasRequired && !isRequired) this.emit('REQUIRED_ATTRIBUTE_REMOVED', at, `'${name}' is optional now`);
      } else {
        this.propertyRemoved(n, name, oProps[name], wasRequired && !isRequired, at, depth);
        if (isRequired && !wasRequired) this.emit('REQUIRED_ATTRIBUTE_ADDED', at, `'${name}' is required now`);
      }
    }
    // `required` names that no `properties` declares on either side.
    const undeclared = (n2: string): boolean => !has(oProps, n2) && !has(nProps, n2);
    for (const name of [...nReq].filter((r) => !oReq.has(r) && undeclared(r))) {
      this.emit('REQUIRED_ATTRIBUTE_ADDED', joinPointer(path, 'required'), `'${name}' is required now`);
    }
    for (const name of [...oReq].filter((r) => !nReq.has(r) && undeclared(r))) {
      this.emit('REQUIRED_ATTRIBUTE_REMOVED', joinPointer(path, 'required'), `'${name}' is optional now`);
    }

    this.compareSlot(
      'ADDITIONAL_PROPERTIES',
      o.additionalProperties,
      n.additionalProperties,
      joinPointer(path, 'additionalProperties'),
      depth,
      'additionalProperties',
    );
    this.compareSlot(
      'UNEVALUATED_PROPERTIES',
      o.unevaluatedProperties,
      n.unevaluatedProperties,
      joinPointer(path, 'unevaluatedProperties'),
      depth,
      'unevaluatedProperties',
    );
    this.compareSlot(
      'PROPERTY_NAMES',
      o.propertyNames,
      n.propertyNames,
      joinPointer(path, 'propertyNames'),
      depth,
      'propertyNames',
    );

    const oPat = isObject(o.patternProperties) ? o.patternProperties : {};
    const nPat = isObject(n.patternProperties) ? n.patternProperties : {};
    for (const pattern of new Set([...Object.keys(nPat), ...Object.keys(oPat)])) {
      const at = joinPointer(path, 'patternProperties', pattern);
      if (has(oPat, pattern) && has(nPat, pattern)) this.compare(oPat[pattern], nPat[pattern], at, depth + 1);
      else
        this.emit(
          'PATTERN_PROPERTIES_CHANGED',
          at,
          `pattern ${show(pattern)} ${has(nPat, pattern) ? 'added' : 'removed'}`,
        );
    }

    this.compareCount('MAX_PROPERTIES', 'maxProperties', true, o, n, path);
    this.compareCount('MIN_PROPERTIES', 'minProperties', false, o, n, path);
    this.compareDependencies(o, n, path, depth);
  }

  private propertyAdded(
    old: SchemaObject,
    name: string,
    schema: unknown,
    requiredNow: boolean,
    at: string,
    depth: number,
  ): void {
    const model = this.contentModel(old, name);
    const what = `'${name}' added${requiredNow ? ' (required)' : ''}`;
    if (model.model === 'open') {
      if (requiredNow) this.emit('REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', at, `${what} to an open object`);
      else if (isUnconstrained(this.newReader.read(schema)))
        this.emit('PROPERTY_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL', at, `${what}; it accepts any value`);
      else
        this.emit(
          'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
          at,
          `${what} to an open object (old data may hold '${name}' with any value)`,
        );
    } else if (model.model === 'closed') {
      this.emit(
        requiredNow
          ? 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'
          : 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
        at,
        `${what} to a closed object`,
      );
    } else {
      this.emit(
        requiredNow
          ? 'REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL'
          : 'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
        at,
        `${what}; old data held it under ${model.via}, compared below`,
      );
      this.crossCompare(model.schema, 'old', schema, 'new', at, depth);
    }
  }

  private propertyRemoved(
    now: SchemaObject,
    name: string,
    schema: unknown,
    wasRequired: boolean,
    at: string,
    depth: number,
  ): void {
    const model = this.contentModel(now, name);
    const what = `'${name}' removed${wasRequired ? ' (was required)' : ''}`;
    if (model.model === 'open') {
      if (wasRequired)
        this.emit('REQUIRED_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', at, `${what} from an open object`);
      else if (isUnconstrained(this.oldReader.read(schema)))
        this.emit('PROPERTY_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL', at, `${what}; it accepted any value`);
      else
        this.emit(
          'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
          at,
          `${what} from an open object (any value accepted for it now)`,
        );
    } else if (model.model === 'closed') {
      this.emit(
        wasRequired
          ? 'REQUIRED_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'
          : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        at,
        `${what} from a closed object`,
      );
    } else {
      this.emit(
        wasRequired
          ? 'REQUIRED_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL'
          : 'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
        at,
        `${what}; new data holds it under ${model.via}, compared below`,
      );
      this.crossCompare(schema, 'old', model.schema, 'new', at, depth);
    }
  }

  /** Compares a schema of the old document with one of the new document (both read with their own roots). */
  private crossCompare(a: unknown, _aSide: 'old', b: unknown, _bSide: 'new', at: string, depth: number): void {
    this.compare(a, b, at, depth + 1);
  }

  private compareDependencies(o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
    const split = (
      s: SchemaObject,
    ): { arrays: Map<string, string[]>; schemas: Map<string, unknown>; key: Map<string, string> } => {
      const arrays = new Map<string, string[]>();
      const schemas = new Map<string, unknown>();
      const key = new Map<string, string>();
      const take = (source: unknown, keyword: string): void => {
        if (!isObject(source)) return;
        for (const [name, value] of Object.entries(source)) {
          if (Array.isArray(value)) arrays.set(name, value.map(nameOf));
          else schemas.set(name, value);
          key.set(name, keyword);
        }
      };
      take(s.dependencies, 'dependencies');
      take(s.dependentRequired, 'dependentRequired');
      take(s.dependentSchemas, 'dependentSchemas');
      return { arrays, schemas, key };
    };
    const a = split(o);
    const b = split(n);
    for (const name of new Set([...a.arrays.keys(), ...b.arrays.keys()])) {
      const at = joinPointer(path, b.key.get(name) ?? a.key.get(name) ?? 'dependentRequired', name);
      const x = a.arrays.get(name);
      const y = b.arrays.get(name);
      if (x === undefined) this.emit('DEPENDENCY_ARRAY_ADDED', at, `'${name}' now requires ${show(y)}`);
      else if (y === undefined) this.emit('DEPENDENCY_ARRAY_REMOVED', at, `'${name}' no longer requires ${show(x)}`);
      else {
        const more = y.filter((v) => !x.includes(v));
        const fewer = x.filter((v) => !y.includes(v));
        if (more.length === 0 && fewer.length === 0) continue;
        const kind: ChangeKind =
          fewer.length === 0
            ? 'DEPENDENCY_ARRAY_EXTENDED'
            : more.length === 0
              ? 'DEPENDENCY_ARRAY_NARROWED'
              : 'DEPENDENCY_ARRAY_CHANGED';
        this.emit(kind, at, `'${name}' requires ${show(x)} -> ${show(y)}`);
      }
    }
    for (const name of new Set([...a.schemas.keys(), ...b.schemas.keys()])) {
      const at = joinPointer(path, b.key.get(name) ?? a.key.get(name) ?? 'dependentSchemas', name);
      const x = a.schemas.get(name);
      const y = b.schemas.get(name);
      if (x === undefined) this.emit('DEPENDENCY_SCHEMA_ADDED', at, `a schema now applies when '${name}' is present`);
      else if (y === undefined)
        this.emit('DEPENDENCY_SCHEMA_REMOVED', at, `no schema applies any more when '${name}' is present`);
      else this.compare(x, y, at, depth + 1);
    }
  }

  // ---- arrays -------------------------------------------------------------------------------------------------------

  private tuple(s: SchemaObject): { prefix: unknown[]; prefixKey: string; rest: unknown; restKey: string } | undefined {
    if (Array.isArray(s.prefixItems))
      return { prefix: s.prefixItems, prefixKey: 'prefixItems', rest: s.items, restKey: 'items' };
    if (Array.isArray(s.items))
      return { prefix: s.items, prefixKey: 'items', rest: s.additionalItems, restKey: 'additionalItems' };
    return undefined;
  }

  private compareArray(o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
    const a = this.tuple(o);
    const b = this.tuple(n);
    if (a === undefined && b === undefined) {
      this.compareSlot('ITEMS', o.items, n.items, joinPointer(path, 'items'), depth, 'items');
    } else {
      const x = a ?? { prefix: [], prefixKey: 'prefixItems', rest: o.items, restKey: 'items' };
      const y = b ?? { prefix: [], prefixKey: 'prefixItems', rest: n.items, restKey: 'items' };
      const count = Math.max(x.prefix.length, y.prefix.length);
      for (let i = 0; i < count; i++) {
        if (i < x.prefix.length && i < y.prefix.length) {
          this.compare(x.prefix[i], y.prefix[i], joinPointer(path, y.prefixKey, i), depth + 1);
        } else if (i < y.prefix.length) {
          this.itemAdded(x.rest, y.prefix[i], joinPointer(path, y.prefixKey, i), i, depth);
        } else {
          this.itemRemoved(x.prefix[i], y.rest, joinPointer(path, x.prefixKey, i), i, depth);
        }
      }
      this.compareSlot(
        'ADDITIONAL_ITEMS',
        x.rest,
        y.rest,
        joinPointer(path, y.restKey),
        depth,
        'elements after the tuple',
      );
    }
    this.compareCount('MAX_ITEMS', 'maxItems', true, o, n, path);
    this.compareCount('MIN_ITEMS', 'minItems', false, o, n, path);
    const ou = o.uniqueItems === true;
    const nu = n.uniqueItems === true;
    if (ou !== nu)
      this.emit(
        nu ? 'UNIQUE_ITEMS_ADDED' : 'UNIQUE_ITEMS_REMOVED',
        joinPointer(path, 'uniqueItems'),
        `uniqueItems ${ou} -> ${nu}`,
      );
    // `contains` absent means no constraint, but `contains: {}` still demands a non-empty array.
    if (o.contains === undefined && n.contains !== undefined)
      this.emit('CONTAINS_NARROWED', joinPointer(path, 'contains'), 'contains added');
    else if (o.contains !== undefined && n.contains === undefined)
      this.emit('CONTAINS_EXTENDED', joinPointer(path, 'contains'), 'contains removed');
    else if (o.contains !== undefined)
      this.compareSlot('CONTAINS', o.contains, n.contains, joinPointer(path, 'contains'), depth, 'contains');
    this.compareCount('MAX_CONTAINS', 'maxContains', true, o, n, path);
    this.compareCount('MIN_CONTAINS', 'minContains', false, o, n, path);
    this.compareSlot(
      'UNEVALUATED_ITEMS',
      o.unevaluatedItems,
      n.unevaluatedItems,
      joinPointer(path, 'unevaluatedItems'),
      depth,
      'unevaluatedItems',
    );
  }

  private itemAdded(oldRest: unknown, schema: unknown, at: string, index: number, depth: number): void {
    const rest = this.slotState(oldRest, this.oldReader);
    if (rest.state === 'any') {
      if (isUnconstrained(this.newReader.read(schema)))
        this.emit('ITEM_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL', at, `position ${index} added; it accepts any value`);
      else
        this.emit(
          'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
          at,
          `position ${index} added; old arrays could hold any value there`,
        );
    } else if (rest.state === 'none') {
      this.emit('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', at, `position ${index} added; old arrays ended before it`);
    } else {
      this.emit(
        'ITEM_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
        at,
        `position ${index} added; compared with the old rest-of-array schema`,
      );
      this.compare(oldRest, schema, at, depth + 1);
    }
  }

  private itemRemoved(schema: unknown, newRest: unknown, at: string, index: number, depth: number): void {
    const rest = this.slotState(newRest, this.newReader);
    if (rest.state === 'any') {
      if (isUnconstrained(this.oldReader.read(schema)))
        this.emit(
          'ITEM_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL',
          at,
          `position ${index} removed; it accepted any value`,
        );
      else
        this.emit(
          'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
          at,
          `position ${index} removed; any value accepted there now`,
        );
    } else if (rest.state === 'none') {
      this.emit(
        'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        at,
        `position ${index} removed; arrays must end before it now`,
      );
    } else {
      this.emit(
        'ITEM_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
        at,
        `position ${index} removed; compared with the new rest-of-array schema`,
      );
      this.compare(schema, newRest, at, depth + 1);
    }
  }

  // ---- combinators ------------------------------------------------------------------------------------------------

  /** `anyOf`/`oneOf` branches when the schema is nothing but that union (plus annotations). */
  private pureUnion(s: SchemaObject): { keyword: 'anyOf' | 'oneOf'; branches: unknown[] } | undefined {
    const hasAny = Array.isArray(s.anyOf);
    const hasOne = Array.isArray(s.oneOf);
    if (hasAny === hasOne) return undefined;
    const keyword = hasAny ? 'anyOf' : 'oneOf';
    const others = Object.keys(s).filter((k) => k !== keyword && !isAnnotationKey(k));
    if (others.length > 0) return undefined;
    return { keyword, branches: s[keyword] as unknown[] };
  }

  /**
   * A plain schema on one side and a pure union on the other: the plain schema is a one-branch union, so
   * `string` -> `oneOf [string, integer]` is one added branch, not "type removed" plus "oneOf added".
   */
  private compareLiftedUnion(o: SchemaObject, n: SchemaObject, path: string, depth: number): boolean {
    const hasUnion = (s: SchemaObject): boolean => Array.isArray(s.anyOf) || Array.isArray(s.oneOf);
    const stripAnnotations = (s: SchemaObject): SchemaObject =>
      Object.fromEntries(Object.entries(s).filter(([k]) => !isAnnotationKey(k)));
    const ou = this.pureUnion(o);
    const nu = this.pureUnion(n);
    if (nu !== undefined && !hasUnion(o)) {
      this.compareUnion(nu.keyword, [stripAnnotations(o)], nu.keyword, nu.branches, path, depth, { oldPlain: path });
      return true;
    }
    if (ou !== undefined && !hasUnion(n)) {
      this.compareUnion(ou.keyword, ou.branches, ou.keyword, [stripAnnotations(n)], path, depth, { newPlain: path });
      return true;
    }
    return false;
  }

  private compareCombinators(o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
    // allOf (what normalisation could not flatten): branches matched, extra branches narrow, missing ones widen.
    const oAll = Array.isArray(o.allOf) ? (o.allOf as unknown[]) : [];
    const nAll = Array.isArray(n.allOf) ? (n.allOf as unknown[]) : [];
    if (oAll.length > 0 || nAll.length > 0) {
      const m = matchBranches(this, oAll, nAll);
      for (const [i, j] of m.pairs) this.compare(oAll[i], nAll[j], joinPointer(path, 'allOf', j), depth + 1);
      for (const j of m.addedNew)
        this.emit('ALL_OF_BRANCH_ADDED', joinPointer(path, 'allOf', j), `allOf branch ${j} added`);
      for (const i of m.removedOld)
        this.emit('ALL_OF_BRANCH_REMOVED', joinPointer(path, 'allOf', i), `allOf branch ${i} removed`);
    }
    const oAny = Array.isArray(o.anyOf);
    const oOne = Array.isArray(o.oneOf);
    const nAny = Array.isArray(n.anyOf);
    const nOne = Array.isArray(n.oneOf);
    if (oAny !== oOne && nAny !== nOne) {
      // One union on each side (possibly a swapped keyword).
      const ok = oAny ? 'anyOf' : 'oneOf';
      const nk = nAny ? 'anyOf' : 'oneOf';
      this.compareUnion(ok, o[ok] as unknown[], nk, n[nk] as unknown[], path, depth, {});
      return;
    }
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const a = Array.isArray(o[keyword]) ? (o[keyword] as unknown[]) : undefined;
      const b = Array.isArray(n[keyword]) ? (n[keyword] as unknown[]) : undefined;
      if (a === undefined && b === undefined) continue;
      const at = joinPointer(path, keyword);
      if (a === undefined)
        this.emit(
          keyword === 'anyOf' ? 'ANY_OF_ADDED' : 'ONE_OF_ADDED',
          at,
          `${keyword} of ${b!.length} branches added`,
        );
      else if (b === undefined)
        this.emit(
          keyword === 'anyOf' ? 'ANY_OF_REMOVED' : 'ONE_OF_REMOVED',
          at,
          `${keyword} of ${a.length} branches removed`,
        );
      else this.compareUnion(keyword, a, keyword, b, path, depth, {});
    }
  }

  private exclusive(reader: SchemaReader, branches: unknown[], index: number): boolean {
    const me = reader.read(branches[index]);
    return branches.every((other, k) => k === index || provablyDisjoint(me, reader.read(other), reader));
  }

  private compareUnion(
    oKeyword: 'anyOf' | 'oneOf',
    olds: unknown[],
    nKeyword: 'anyOf' | 'oneOf',
    news: unknown[],
    path: string,
    depth: number,
    plain: { oldPlain?: string; newPlain?: string },
  ): void {
    const oldPath = (i: number): string => plain.oldPlain ?? joinPointer(path, oKeyword, i);
    const newPath = (j: number): string => plain.newPlain ?? joinPointer(path, nKeyword, j);
    if (oKeyword !== nKeyword) {
      const at = joinPointer(path, nKeyword);
      if (nKeyword === 'oneOf') {
        const exclusive = news.every((_, j) => this.exclusive(this.newReader, news, j));
        this.emit(
          exclusive ? 'UNION_KEYWORD_CHANGED' : 'ANY_OF_CHANGED_TO_ONE_OF',
          at,
          `anyOf -> oneOf${exclusive ? ' (branches are exclusive)' : ''}`,
        );
      } else {
        const exclusive = olds.every((_, i) => this.exclusive(this.oldReader, olds, i));
        this.emit(
          exclusive ? 'UNION_KEYWORD_CHANGED' : 'ONE_OF_CHANGED_TO_ANY_OF',
          at,
          `oneOf -> anyOf${exclusive ? ' (branches are exclusive)' : ''}`,
        );
      }
    }
    const m = matchBranches(this, olds, news);
    for (const [i, j] of m.pairs) this.compare(olds[i], news[j], newPath(j), depth + 1);
    const becameUnion = plain.oldPlain !== undefined ? ` (the schema became a ${nKeyword})` : '';
    for (const j of m.addedNew) {
      const label = describeBranch(this.newReader.read(news[j]));
      if (nKeyword === 'anyOf') this.emit('ANY_OF_BRANCH_ADDED', newPath(j), `branch ${label} added${becameUnion}`);
      else if (this.exclusive(this.newReader, news, j))
        this.emit('ONE_OF_BRANCH_ADDED', newPath(j), `branch ${label} added${becameUnion}`);
      else
        this.emit(
          'ONE_OF_BRANCH_ADDED_OVERLAPPING',
          newPath(j),
          `branch ${label} added; it may overlap another branch${becameUnion}`,
        );
    }
    const stoppedUnion = plain.newPlain !== undefined ? ` (the ${oKeyword} became a plain schema)` : '';
    for (const i of m.removedOld) {
      const label = describeBranch(this.oldReader.read(olds[i]));
      if (oKeyword === 'anyOf')
        this.emit('ANY_OF_BRANCH_REMOVED', oldPath(i), `branch ${label} removed${stoppedUnion}`);
      else if (this.exclusive(this.oldReader, olds, i))
        this.emit('ONE_OF_BRANCH_REMOVED', oldPath(i), `branch ${label} removed${stoppedUnion}`);
      else
        this.emit(
          'ONE_OF_BRANCH_REMOVED_OVERLAPPING',
          oldPath(i),
          `branch ${label} removed; it may have overlapped another branch${stoppedUnion}`,
        );
    }
  }

  // ---- not, if/then/else, unknown keywords ------------------------------------------------------------------------

  private differs(a: unknown, b: unknown, depth: number): boolean {
    const trial = this.fork();
    trial.compare(a, b, '', depth + 1);
    return trial.changes.length > 0;
  }

  private compareConditionals(o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
    if (o.not !== undefined || n.not !== undefined) {
      const at = joinPointer(path, 'not');
      if (o.not === undefined) this.emit('NOT_ADDED', at, 'not added');
      else if (n.not === undefined) this.emit('NOT_REMOVED', at, 'not removed');
      else if (this.differs(o.not, n.not, depth)) this.emit('NOT_CHANGED', at, 'the schema under not changed');
    }
    if (o.if !== undefined || n.if !== undefined) {
      const at = joinPointer(path, 'if');
      if (o.if === undefined) this.emit('CONDITIONAL_ADDED', at, 'if/then/else added');
      else if (n.if === undefined) this.emit('CONDITIONAL_REMOVED', at, 'if/then/else removed');
      else if (this.differs(o.if, n.if, depth)) this.emit('CONDITIONAL_CHANGED', at, 'the if schema changed');
      else {
        this.compareSlot('CONDITIONAL_BRANCH', o.then, n.then, joinPointer(path, 'then'), depth, 'then');
        this.compareSlot('CONDITIONAL_BRANCH', o.else, n.else, joinPointer(path, 'else'), depth, 'else');
      }
    } else {
      // then/else without if have no effect on validation.
      for (const key of ['then', 'else']) {
        if (!this.same(o[key], n[key]))
          this.emit('ANNOTATION_CHANGED', joinPointer(path, key), `${key} without if (no effect) changed`);
      }
    }
  }

  private compareUnknown(o: SchemaObject, n: SchemaObject, path: string): void {
    if (!this.same(o.discriminator, n.discriminator)) {
      this.emit(
        'DISCRIMINATOR_CHANGED',
        joinPointer(path, 'discriminator'),
        this.changeText('discriminator', o.discriminator, n.discriminator),
      );
    }
    const keys = new Set([...Object.keys(o), ...Object.keys(n)]);
    for (const key of [...keys].sort()) {
      if (KNOWN.has(key) || isAnnotationKey(key) || key === '$ref') continue;
      if (!this.same(o[key], n[key]))
        this.emit('SCHEMA_KEYWORD_CHANGED', joinPointer(path, key), this.changeText(key, o[key], n[key]));
    }
  }
}

/** The JSON type of a value, as JSON Schema names it (`integer` for whole numbers). */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** `{ ...annotations, allOf: [constraints, ...allOf] }`: the same instances, as one conjunction. */
function pureAllOf(s: SchemaObject): SchemaObject {
  const out: SchemaObject = {};
  const rest: SchemaObject = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'allOf') continue;
    if (isAnnotationKey(key)) out[key] = value;
    else rest[key] = value;
  }
  const branches = Array.isArray(s.allOf) ? (s.allOf as unknown[]) : [];
  out.allOf = Object.keys(rest).length > 0 ? [rest, ...branches] : branches;
  return out;
}

/** The union keyword of a schema that has exactly one of `anyOf`/`oneOf`. */
function unionKeyword(s: SchemaObject): 'anyOf' | 'oneOf' | undefined {
  const hasAny = Array.isArray(s.anyOf);
  const hasOne = Array.isArray(s.oneOf);
  if (hasAny === hasOne) return undefined;
  return hasAny ? 'anyOf' : 'oneOf';
}

/** A short label for a union branch: its discriminator, title or type. */
function describeBranch(schema: unknown): string {
  if (!isObject(schema)) return String(schema);
  if (isObject(schema.properties)) {
    for (const [name, prop] of Object.entries(schema.properties)) {
      if (isObject(prop) && prop.const !== undefined) return `${name}=${show(prop.const)}`;
    }
  }
  if (typeof schema.title === 'string') return show(schema.title);
  if (schema.$ref !== undefined) return show(schema.$ref);
  if (schema.type !== undefined) return show(schema.type);
  return '(schema)';
}
