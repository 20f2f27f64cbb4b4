// Tuples: `prefixItems` (2020-12) or array-form `items` (draft-07), and what may follow them: `items` /
// `additionalItems`, or, when that is absent, `unevaluatedItems` (a 2020-12 tuple closed with
// `unevaluatedItems: false` is closed, not open). Positions present on one side only are judged by the other
// side's rest-of-array model.
import type { DiffContext, SlotKinds } from './context';
import { below, isFalseSchema, isUnconstrained, type SchemaObject } from './model';
import { compareSlot, slotState } from './slots';

/** A tuple: its positions and the schema of the elements after them. */
export interface Tuple {
  prefix: unknown[];
  prefixKey: string;
  rest: unknown;
  restKey: string;
  /** The rest is `unevaluatedItems` (no `items`/`additionalItems` beside the tuple). */
  restIsUnevaluated: boolean;
}

function restAfter(s: SchemaObject, key: string): Pick<Tuple, 'rest' | 'restKey' | 'restIsUnevaluated'> {
  if (s[key] !== undefined || s.unevaluatedItems === undefined)
    return { rest: s[key], restKey: key, restIsUnevaluated: false };
  return { rest: s.unevaluatedItems, restKey: 'unevaluatedItems', restIsUnevaluated: true };
}

/**
 * The tuple of an array schema; undefined when it has none.
 *
 * @example
 * tupleOf({ prefixItems: [{}], unevaluatedItems: false }); // rest false, restKey 'unevaluatedItems'
 */
export function tupleOf(s: SchemaObject): Tuple | undefined {
  if (Array.isArray(s.prefixItems))
    return { prefix: s.prefixItems, prefixKey: 'prefixItems', ...restAfter(s, 'items') };
  if (Array.isArray(s.items)) return { prefix: s.items, prefixKey: 'items', ...restAfter(s, 'additionalItems') };
  return undefined;
}

/** A schema without a tuple as a tuple of no positions (its `items`, or `unevaluatedItems`, is the rest). */
export function asTuple(s: SchemaObject): Tuple {
  return tupleOf(s) ?? { prefix: [], prefixKey: 'prefixItems', ...restAfter(s, 'items') };
}

const ADDITIONAL_ITEMS: SlotKinds = { narrowed: 'ADDITIONAL_ITEMS_NARROWED', extended: 'ADDITIONAL_ITEMS_EXTENDED' };

/**
 * Compares two tuples position by position, then what follows them.
 *
 * @example
 * compareTuples(ctx, asTuple({ prefixItems: [S], items: false }), asTuple({ prefixItems: [S, I], items: false }), '', 0);
 * // ITEM_ADDED_TO_CLOSED_CONTENT_MODEL at /prefixItems/1
 */
export function compareTuples(ctx: DiffContext, x: Tuple, y: Tuple, path: string, depth: number): void {
  const count = Math.max(x.prefix.length, y.prefix.length);
  for (let i = 0; i < count; i++) {
    if (i < x.prefix.length && i < y.prefix.length) {
      ctx.compare(x.prefix[i], y.prefix[i], below(path, y.prefixKey, i), depth + 1);
    } else if (i < y.prefix.length) {
      itemAdded(ctx, x.rest, y.prefix[i], below(path, y.prefixKey, i), i, depth);
    } else {
      itemRemoved(ctx, x.prefix[i], y.rest, below(path, x.prefixKey, i), i, depth);
    }
  }
  const restKey = y.rest !== undefined ? y.restKey : x.restKey;
  compareSlot(ctx, ADDITIONAL_ITEMS, x.rest, y.rest, below(path, restKey), depth, 'elements after the tuple');
}

function itemAdded(
  ctx: DiffContext,
  oldRest: unknown,
  schema: unknown,
  at: string,
  index: number,
  depth: number,
): void {
  const rest = slotState(oldRest, ctx.oldReader);
  if (rest.state === 'any') {
    if (isUnconstrained(ctx.newReader.read(schema)))
      ctx.emit('ITEM_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL', at, `position ${index} added; it accepts any value`);
    else
      ctx.emit(
        'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
        at,
        `position ${index} added; old arrays could hold any value there`,
      );
  } else if (rest.state === 'none') {
    if (isFalseSchema(ctx.newReader.read(schema)))
      ctx.emit(
        'FALSE_ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
        at,
        `position ${index} added as false; arrays still end before it`,
      );
    else ctx.emit('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL', at, `position ${index} added; old arrays ended before it`);
  } else {
    ctx.emit(
      'ITEM_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
      at,
      `position ${index} added; compared with the old rest-of-array schema`,
    );
    ctx.compare(oldRest, schema, at, depth + 1);
  }
}

function itemRemoved(
  ctx: DiffContext,
  schema: unknown,
  newRest: unknown,
  at: string,
  index: number,
  depth: number,
): void {
  const rest = slotState(newRest, ctx.newReader);
  if (rest.state === 'any') {
    if (isUnconstrained(ctx.oldReader.read(schema)))
      ctx.emit('ITEM_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL', at, `position ${index} removed; it accepted any value`);
    else
      ctx.emit('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL', at, `position ${index} removed; any value accepted there now`);
  } else if (rest.state === 'none') {
    if (isFalseSchema(ctx.oldReader.read(schema)))
      ctx.emit(
        'FALSE_ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        at,
        `position ${index} removed; it was false, arrays ended before it`,
      );
    else
      ctx.emit(
        'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        at,
        `position ${index} removed; arrays must end before it now`,
      );
  } else {
    ctx.emit(
      'ITEM_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
      at,
      `position ${index} removed; compared with the new rest-of-array schema`,
    );
    ctx.compare(schema, newRest, at, depth + 1);
  }
}
