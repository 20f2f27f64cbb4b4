// Keywords that hold one subschema (`items`, `additionalProperties`, `contains`, `then`, ...): `false` accepts
// nothing, a schema some values, absent/`true`/`{}` everything. Each caller names its two kinds as literals.
import { isRecord } from '../../../util/records';
import type { DiffContext, SlotKinds } from './context';
import { isFalseSchema, isUnconstrained } from './model';
import type { SchemaReader } from './reader';

export type SlotState = { state: 'any' } | { state: 'none' } | { state: 'schema'; schema: unknown };

/**
 * What a slot accepts: anything, nothing, or what a schema accepts.
 *
 * @example
 * slotState(false, reader); // { state: 'none' }
 */
export function slotState(value: unknown, reader: SchemaReader): SlotState {
  if (value === undefined || value === true) return { state: 'any' };
  if (value === false) return { state: 'none' };
  const read = reader.read(value);
  if (isFalseSchema(read)) return { state: 'none' };
  if (isUnconstrained(read)) return { state: 'any' };
  return { state: 'schema', schema: value };
}

const RANK = { none: 0, schema: 1, any: 2 } as const;

function describe(s: SlotState): string {
  return s.state === 'any' ? 'anything' : s.state === 'none' ? 'nothing (false)' : 'a schema';
}

/**
 * Compares one subschema slot: two schema objects are compared inside (which names the difference precisely);
 * otherwise the slot narrowed (toward `false`) or was extended (toward anything).
 *
 * @example
 * compareSlot(ctx, ITEMS, undefined, { type: 'string' }, '/items', 0, 'items'); // ITEMS_NARROWED
 */
export function compareSlot(
  ctx: DiffContext,
  kinds: SlotKinds,
  oValue: unknown,
  nValue: unknown,
  path: string,
  depth: number,
  label: string,
): void {
  if (
    isRecord(oValue) &&
    isRecord(nValue) &&
    !isFalseSchema(ctx.oldReader.read(oValue)) &&
    !isFalseSchema(ctx.newReader.read(nValue))
  ) {
    return ctx.compare(oValue, nValue, path, depth + 1);
  }
  const a = slotState(oValue, ctx.oldReader);
  const b = slotState(nValue, ctx.newReader);
  if (a.state === b.state) return;
  ctx.emit(
    RANK[b.state] < RANK[a.state] ? kinds.narrowed : kinds.extended,
    path,
    `${label}: ${describe(a)} -> ${describe(b)}`,
  );
}
