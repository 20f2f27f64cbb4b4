// Matching the branches of two unions (oneOf/anyOf/allOf) to each other, so that a reordered union is no change and
// an edited branch is reported as edits inside that branch, not as one branch removed and another added.
import { isRecord } from '../../../util/records';
import { changeKinds } from '../kinds';
import type { DiffContext } from './context';
import { isUnresolved, nameOf, typeSet, type SchemaObject } from './model';
import type { SchemaReader } from './reader';

export interface BranchMatch {
  /** [old index, new index] */
  pairs: [number, number][];
  addedNew: number[];
  removedOld: number[];
}

/** Property name -> canonical const value, for properties whose schema pins one value (`const` or one-value `enum`). */
function pinnedProperties(schema: unknown, reader: SchemaReader): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(schema) || !isRecord(schema.properties)) return out;
  for (const [name, raw] of Object.entries(schema.properties)) {
    const prop = reader.read(raw);
    if (!isRecord(prop)) continue;
    if (prop.const !== undefined) out.set(name, reader.canonicalOf(prop.const).text);
    else if (Array.isArray(prop.enum) && prop.enum.length === 1) out.set(name, reader.canonicalOf(prop.enum[0]).text);
  }
  return out;
}

function typesDisjoint(a: SchemaObject, b: SchemaObject): boolean {
  const x = typeSet(a);
  const y = typeSet(b);
  if (x === undefined || y === undefined) return false;
  return ![...x].some((t) => y.has(t));
}

const NO_MATCH = Number.NEGATIVE_INFINITY;

/** How alike two branches are; NO_MATCH when they are certainly different branches. */
function score(ctx: DiffContext, oldBranch: unknown, newBranch: unknown, depth: number): number {
  const a = ctx.oldReader.read(oldBranch);
  const b = ctx.newReader.read(newBranch);
  if (isUnresolved(a) || isUnresolved(b)) {
    return isUnresolved(a) && isUnresolved(b) && a.unresolved === b.unresolved ? 1000 : NO_MATCH;
  }
  const ac = ctx.oldReader.canonicalOf(a);
  const bc = ctx.newReader.canonicalOf(b);
  if (ac.text === bc.text) return ac.hasRef || bc.hasRef ? 900 : 1000;
  if (!isRecord(a) || !isRecord(b)) return a === b ? 1000 : NO_MATCH;
  // Discriminator: a property pinned to one value on both sides decides.
  const pa = pinnedProperties(a, ctx.oldReader);
  const pb = pinnedProperties(b, ctx.newReader);
  let sharedPins = 0;
  let equalPins = 0;
  for (const [name, value] of pa) {
    if (!pb.has(name)) continue;
    sharedPins++;
    if (pb.get(name) === value) equalPins++;
  }
  if (sharedPins > 0 && equalPins === 0) return NO_MATCH;
  if (typesDisjoint(a, b)) return NO_MATCH;
  let base = 0;
  if (equalPins > 0) base += 800 + equalPins;
  if (typeof a.title === 'string' && a.title !== '' && a.title === b.title) base += 400;
  // Fewer differences, better match.
  const trial = ctx.trial(oldBranch, newBranch, depth);
  const substantive = trial.filter((c) => changeKinds[c.kind].group !== 'annotation').length;
  return base + 100 - Math.min(99, substantive + (trial.length - substantive) / 100);
}

/**
 * Pairs old branches with new ones, best match first: identical schemas, then equal discriminator values, equal
 * titles, and finally the fewest differences. Branches of disjoint types or different discriminator values are
 * never paired.
 *
 * @example
 * matchBranches(ctx, [{ const: 'a' }, { const: 'b' }], [{ const: 'b' }], 0); // pairs [[1, 0]], removedOld [0]
 */
export function matchBranches(ctx: DiffContext, olds: unknown[], news: unknown[], depth: number): BranchMatch {
  const scored: { i: number; j: number; s: number }[] = [];
  for (let i = 0; i < olds.length; i++) {
    for (let j = 0; j < news.length; j++) {
      const s = score(ctx, olds[i], news[j], depth);
      if (s !== NO_MATCH) scored.push({ i, j, s });
    }
  }
  // Highest score first; on a tie keep positions close together (a stable reading of "unchanged order").
  scored.sort((x, y) => y.s - x.s || Math.abs(x.i - x.j) - Math.abs(y.i - y.j) || x.j - y.j);
  const usedOld = new Set<number>();
  const usedNew = new Set<number>();
  const pairs: [number, number][] = [];
  for (const { i, j } of scored) {
    if (usedOld.has(i) || usedNew.has(j)) continue;
    usedOld.add(i);
    usedNew.add(j);
    pairs.push([i, j]);
  }
  pairs.sort((x, y) => x[1] - y[1]);
  return {
    pairs,
    addedNew: news.map((_, j) => j).filter((j) => !usedNew.has(j)),
    removedOld: olds.map((_, i) => i).filter((i) => !usedOld.has(i)),
  };
}

/**
 * True when no instance can be valid under both schemas, as far as cheap evidence shows: disjoint types, disjoint
 * `enum`/`const` values, or a property both require and pin to different values (a discriminator).
 *
 * @example
 * provablyDisjoint({ type: 'string' }, { type: 'object' }, reader); // true
 */
export function provablyDisjoint(a: unknown, b: unknown, reader: SchemaReader): boolean {
  if (a === false || b === false) return true;
  if (!isRecord(a) || !isRecord(b) || isUnresolved(a) || isUnresolved(b)) return false;
  if (typesDisjoint(a, b)) return true;
  const values = (s: SchemaObject): Set<string> | undefined => {
    if (s.const !== undefined) return new Set([reader.canonicalOf(s.const).text]);
    if (Array.isArray(s.enum)) return new Set(s.enum.map((v) => reader.canonicalOf(v).text));
    return undefined;
  };
  const va = values(a);
  const vb = values(b);
  if (va !== undefined && vb !== undefined && ![...va].some((v) => vb.has(v))) return true;
  const required = (s: SchemaObject): Set<string> => new Set(Array.isArray(s.required) ? s.required.map(nameOf) : []);
  const ra = required(a);
  const rb = required(b);
  if (isRecord(a.properties) && isRecord(b.properties)) {
    for (const name of Object.keys(a.properties)) {
      if (!ra.has(name) || !rb.has(name) || !(name in b.properties)) continue;
      const pa = reader.read(a.properties[name]);
      const pb = reader.read(b.properties[name]);
      if (isRecord(pa) && isRecord(pb)) {
        const xa = values(pa);
        const xb = values(pb);
        if (xa !== undefined && xb !== undefined && ![...xa].some((v) => xb.has(v))) return true;
        if (typesDisjoint(pa, pb)) return true;
      }
    }
  }
  return false;
}
