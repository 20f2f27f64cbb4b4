// The structural JSON Schema diff: old schema + new schema -> named changes, each at a JSON pointer of the schema.
// It compares meaning, not text: `$ref`s are followed, key order is ignored, mergeable `allOf`s are flattened,
// union branches are matched to each other, and every difference gets a kind from the catalogue (kinds.ts). This
// file holds the walk; each keyword group compares its keywords in its own file.
import { isRecord, setOwn } from '../../../util/records';
import { RegistryError } from '../../errors';
import type { ChangeKind } from '../kinds';
import { compareAnnotations } from './annotations';
import { compareArray } from './arrays';
import { compareAllOf, compareLiftedUnion, compareUnions, unionKeyword } from './combinators';
import { compareConditionals } from './conditionals';
import type { DiffContext, SchemaChange } from './context';
import { compareFormat } from './formats';
import { allowsFamily, isAnnotationKey, isFalseSchema, isUnresolved, typeSet, type SchemaObject } from './model';
import { compareNot } from './negation';
import { compareNumber } from './numbers';
import { compareObject } from './objects';
import type { SchemaReader } from './reader';
import { compareUnknownKeywords, compareUnresolved } from './references';
import { compareString } from './strings';
import { compareType, compareValues } from './types-values';

/** Deeper than this, a comparison stops descending (schemas nested this deep are compared down to here). */
export const MAX_DIFF_DEPTH = 200;

/** How many subschema comparisons one `diffSchemas` call may make, trials included. */
export const MAX_COMPARISONS = 50_000;

/** Shared by a differ and every trial differ it forks: the work budget and the memo of trial results. */
export class DiffSession {
  private remaining: number;
  private readonly trials = new Map<SchemaReader, Map<SchemaReader, WeakMap<object, WeakMap<object, Trial>>>>();

  constructor(private readonly limit = MAX_COMPARISONS) {
    this.remaining = limit;
  }

  /** Counts one comparison; past the limit, throws RegistryError `SCHEMA_TOO_LARGE` (diffSchemas names it). */
  spend(): void {
    if (--this.remaining < 0)
      throw new RegistryError('SCHEMA_TOO_LARGE', `more than ${this.limit} subschema comparisons`);
  }

  /** The memo of trials between two readers (the same pair of objects may mean different things elsewhere). */
  private memo(a: SchemaReader, b: SchemaReader): WeakMap<object, WeakMap<object, Trial>> {
    let byNew = this.trials.get(a);
    if (byNew === undefined) this.trials.set(a, (byNew = new Map()));
    let memo = byNew.get(b);
    if (memo === undefined) byNew.set(b, (memo = new WeakMap()));
    return memo;
  }

  trialOf(readers: [SchemaReader, SchemaReader], o: unknown, n: unknown, run: () => Trial): Trial {
    if (typeof o !== 'object' || o === null || typeof n !== 'object' || n === null) return run();
    const memo = this.memo(readers[0], readers[1]);
    let row = memo.get(o);
    if (row === undefined) memo.set(o, (row = new WeakMap()));
    const cached = row.get(n);
    if (cached !== undefined) return cached;
    const out = run();
    row.set(n, out);
    return out;
  }
}

type Trial = readonly SchemaChange[];

export class SchemaDiffer implements DiffContext {
  readonly changes: SchemaChange[] = [];
  private readonly inProgress = new Map<object, Set<object>>();

  constructor(
    readonly oldReader: SchemaReader,
    readonly newReader: SchemaReader,
    private readonly session: DiffSession = new DiffSession(),
  ) {}

  emit(kind: ChangeKind, path: string, detail: string): void {
    this.changes.push({ kind, path, detail });
  }

  trial(oldNode: unknown, newNode: unknown, depth: number): Trial {
    return this.trialBetween(this.oldReader, this.newReader, oldNode, newNode, depth);
  }

  trialWithin(side: 'old' | 'new', a: unknown, b: unknown, depth: number): Trial {
    const reader = side === 'old' ? this.oldReader : this.newReader;
    return this.trialBetween(reader, reader, a, b, depth);
  }

  private trialBetween(x: SchemaReader, y: SchemaReader, a: unknown, b: unknown, depth: number): Trial {
    return this.session.trialOf([x, y], a, b, () => {
      const fork = new SchemaDiffer(x, y, this.session);
      fork.compare(a, b, '', depth + 1);
      return fork.changes;
    });
  }

  same(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (a === undefined || b === undefined) return false;
    return this.oldReader.canonicalOf(a).text === this.newReader.canonicalOf(b).text;
  }

  compare(oldNode: unknown, newNode: unknown, path: string, depth = 0): void {
    if (depth > MAX_DIFF_DEPTH) {
      if (!this.same(this.oldReader.read(oldNode), this.newReader.read(newNode)))
        this.emit('SCHEMA_COMPARISON_LIMIT_REACHED', path, `nested deeper than ${MAX_DIFF_DEPTH} levels; not compared`);
      return;
    }
    this.session.spend();
    const o = this.oldReader.read(oldNode);
    const n = this.newReader.read(newNode);
    if (isUnresolved(o) || isUnresolved(n)) return compareUnresolved(this, o, n, path);
    const oFalse = isFalseSchema(o);
    const nFalse = isFalseSchema(n);
    if (oFalse || nFalse) {
      if (oFalse && !nFalse) this.emit('SCHEMA_NO_LONGER_FALSE', path, 'false -> a schema that accepts values');
      if (nFalse && !oFalse) this.emit('SCHEMA_BECAME_FALSE', path, 'the schema became false: nothing is valid');
      return;
    }
    const os: SchemaObject = isRecord(o) ? o : {};
    const ns: SchemaObject = isRecord(n) ? n : {};

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
    const [os, ns] = this.alignConjunctions(oIn, nIn);
    compareAnnotations(this, os, ns, path);
    if (compareLiftedUnion(this, os, ns, path, depth)) return;
    compareType(this, os, ns, path);
    compareValues(this, os, ns, path);
    compareFormat(this, os, ns, path);

    const oTypes = typeSet(os);
    const nTypes = typeSet(ns);
    const gate = (family: 'string' | 'number' | 'object' | 'array'): boolean =>
      allowsFamily(oTypes, family) && allowsFamily(nTypes, family);
    if (gate('string')) compareString(this, os, ns, path);
    if (gate('number')) compareNumber(this, os, ns, path);
    if (gate('object')) compareObject(this, os, ns, path, depth);
    if (gate('array')) compareArray(this, os, ns, path, depth);
    compareAllOf(this, os, ns, path, depth);
    compareUnions(this, os, ns, path, depth);
    compareNot(this, os, ns, path, depth);
    compareConditionals(this, os, ns, path, depth);
    compareUnknownKeywords(this, os, ns, path);
  }

  /**
   * P ∧ oneOf(B1..Bn) ≡ oneOf(P∧B1..P∧Bn): when the constraints next to a union differ between the two sides (e.g.
   * `required` moved from the parent into every branch), compare the distributed forms. An allOf that could not be
   * flattened, next to constraints that differ: compare both sides as pure allOfs (the constraints beside the allOf
   * become one more branch), so `P` -> `allOf [P, Q]` is one branch added.
   */
  private alignConjunctions(oIn: SchemaObject, nIn: SchemaObject): [SchemaObject, SchemaObject] {
    let os = oIn;
    let ns = nIn;
    const oUnion = unionKeyword(os);
    const nUnion = unionKeyword(ns);
    if ((oUnion !== undefined || nUnion !== undefined) && !this.sameConstraints(os, ns, oUnion, nUnion)) {
      if (oUnion !== undefined) os = this.oldReader.distribute(os, oUnion);
      if (nUnion !== undefined) ns = this.newReader.distribute(ns, nUnion);
    }
    if ((Array.isArray(os.allOf) || Array.isArray(ns.allOf)) && !this.sameConstraints(os, ns, 'allOf', 'allOf')) {
      os = pureAllOf(os);
      ns = pureAllOf(ns);
    }
    return [os, ns];
  }

  /** Same constraints next to the unions (annotations and the union keywords themselves left out)? */
  private sameConstraints(o: SchemaObject, n: SchemaObject, ok?: string, nk?: string): boolean {
    const strip = (s: SchemaObject, keyword?: string): SchemaObject =>
      Object.fromEntries(Object.entries(s).filter(([k]) => k !== keyword && !isAnnotationKey(k)));
    const a = this.oldReader.canonicalOf(strip(o, ok));
    const b = this.newReader.canonicalOf(strip(n, nk));
    return a.text === b.text && !a.hasRef && !b.hasRef;
  }
}

/** `{ ...annotations, allOf: [constraints, ...allOf] }`: the same instances, as one conjunction. */
function pureAllOf(s: SchemaObject): SchemaObject {
  const out: SchemaObject = {};
  const rest: SchemaObject = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'allOf') continue;
    setOwn(isAnnotationKey(key) ? out : rest, key, value);
  }
  const branches = Array.isArray(s.allOf) ? (s.allOf as unknown[]) : [];
  out.allOf = Object.keys(rest).length > 0 ? [rest, ...branches] : branches;
  return out;
}
