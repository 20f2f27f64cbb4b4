// Array keywords: `items` (one schema or a tuple), `maxItems`/`minItems`, `uniqueItems`, `contains` with its counts,
// and `unevaluatedItems`.
import { breaksBackward, breaksForward } from '../kinds';
import type { CountKinds, DiffContext, SlotKinds } from './context';
import { compareCount } from './counts';
import { below, type SchemaObject } from './model';
import { compareSlot, slotState } from './slots';
import { asTuple, compareTuples, tupleOf } from './tuples';

const ITEMS: SlotKinds = { narrowed: 'ITEMS_NARROWED', extended: 'ITEMS_EXTENDED' };
const CONTAINS: SlotKinds = { narrowed: 'CONTAINS_NARROWED', extended: 'CONTAINS_EXTENDED' };
const UNEVALUATED_ITEMS: SlotKinds = { narrowed: 'UNEVALUATED_ITEMS_NARROWED', extended: 'UNEVALUATED_ITEMS_EXTENDED' };
const MAX_ITEMS: CountKinds = {
  added: 'MAX_ITEMS_ADDED',
  removed: 'MAX_ITEMS_REMOVED',
  increased: 'MAX_ITEMS_INCREASED',
  decreased: 'MAX_ITEMS_DECREASED',
};
const MIN_ITEMS: CountKinds = {
  added: 'MIN_ITEMS_ADDED',
  removed: 'MIN_ITEMS_REMOVED',
  increased: 'MIN_ITEMS_INCREASED',
  decreased: 'MIN_ITEMS_DECREASED',
};
const MAX_CONTAINS: CountKinds = {
  added: 'MAX_CONTAINS_ADDED',
  removed: 'MAX_CONTAINS_REMOVED',
  increased: 'MAX_CONTAINS_INCREASED',
  decreased: 'MAX_CONTAINS_DECREASED',
};
const MIN_CONTAINS: CountKinds = {
  added: 'MIN_CONTAINS_ADDED',
  removed: 'MIN_CONTAINS_REMOVED',
  increased: 'MIN_CONTAINS_INCREASED',
  decreased: 'MIN_CONTAINS_DECREASED',
};

/** Items and tuples; returns true when a tuple took `unevaluatedItems` as its rest (compared there already). */
function compareItems(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string, depth: number): boolean {
  if (tupleOf(o) === undefined && tupleOf(n) === undefined) {
    compareSlot(ctx, ITEMS, o.items, n.items, below(path, 'items'), depth, 'items');
    return false;
  }
  const x = asTuple(o);
  const y = asTuple(n);
  compareTuples(ctx, x, y, path, depth);
  return x.restIsUnevaluated || y.restIsUnevaluated;
}

/**
 * Compares the array keywords of two schemas that both allow arrays.
 *
 * @example
 * compareArray(ctx, { maxItems: 5 }, { maxItems: 3 }, '', 0); // MAX_ITEMS_DECREASED at /maxItems
 */
/**
 * Under a `maxContains` the count of matching items is bounded above, so a change to `contains` breaks both ways
 * whatever its own direction: a wider `contains` matches more items of an old array (past the maximum: refused), a
 * narrower one fewer items of a new array (under the maximum again: accepted where the old schema refused).
 */
function compareContainsUnderMax(ctx: DiffContext, o: SchemaObject, n: SchemaObject, at: string, depth: number): void {
  if (o.maxContains === undefined && n.maxContains === undefined) return;
  const inner = ctx.trial(o.contains, n.contains, depth + 1);
  if (!inner.some((c) => breaksBackward(c.kind) || breaksForward(c.kind))) return;
  ctx.emit('CONTAINS_CHANGED_UNDER_MAX_CONTAINS', at, 'contains changed; maxContains bounds how many items match it');
}

/** `unevaluatedItems` that can refuse an item and is not pre-empted by a schema-form `items` (which evaluates all). */
function limitsUnevaluated(ctx: DiffContext, s: SchemaObject, reader: 'oldReader' | 'newReader'): boolean {
  if (s.items !== undefined && !Array.isArray(s.items)) return false;
  return slotState(s.unevaluatedItems, ctx[reader]).state !== 'any';
}

/**
 * In 2020-12 `contains` evaluates the items it matches, so next to a limiting `unevaluatedItems` any change to it
 * (added, removed, changed) also moves items between being judged by `unevaluatedItems` and not: it breaks both ways.
 */
function compareContainsBesideUnevaluated(ctx: DiffContext, o: SchemaObject, n: SchemaObject, at: string): void {
  if (o.contains === undefined && n.contains === undefined) return;
  if (!limitsUnevaluated(ctx, o, 'oldReader') && !limitsUnevaluated(ctx, n, 'newReader')) return;
  if (o.contains !== undefined && n.contains !== undefined && ctx.same(o.contains, n.contains)) return;
  ctx.emit(
    'CONTAINS_CHANGED_BESIDE_UNEVALUATED_ITEMS',
    at,
    'contains changed; the items it matches are evaluated, so unevaluatedItems judges other items now',
  );
}

export function compareArray(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
  const unevaluatedDone = compareItems(ctx, o, n, path, depth);
  compareCount(ctx, MAX_ITEMS, 'maxItems', o, n, path);
  compareCount(ctx, MIN_ITEMS, 'minItems', o, n, path);
  const ou = o.uniqueItems === true;
  const nu = n.uniqueItems === true;
  if (ou !== nu)
    ctx.emit(
      nu ? 'UNIQUE_ITEMS_ADDED' : 'UNIQUE_ITEMS_REMOVED',
      below(path, 'uniqueItems'),
      `uniqueItems ${ou} -> ${nu}`,
    );
  // `contains` absent means no constraint, but `contains: {}` still demands a non-empty array.
  const at = below(path, 'contains');
  if (o.contains === undefined && n.contains !== undefined) ctx.emit('CONTAINS_NARROWED', at, 'contains added');
  else if (o.contains !== undefined && n.contains === undefined) ctx.emit('CONTAINS_EXTENDED', at, 'contains removed');
  else if (o.contains !== undefined) {
    compareSlot(ctx, CONTAINS, o.contains, n.contains, at, depth, 'contains');
    compareContainsUnderMax(ctx, o, n, at, depth);
  }
  compareContainsBesideUnevaluated(ctx, o, n, at);
  compareCount(ctx, MAX_CONTAINS, 'maxContains', o, n, path);
  compareCount(ctx, MIN_CONTAINS, 'minContains', o, n, path);
  if (!unevaluatedDone) {
    const key = 'unevaluatedItems';
    compareSlot(ctx, UNEVALUATED_ITEMS, o[key], n[key], below(path, key), depth, key);
  }
}
