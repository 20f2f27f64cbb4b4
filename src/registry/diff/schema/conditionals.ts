// `if`/`then`/`else`: a changed condition is assumed to break both ways; with the same condition, `then` and `else`
// are compared as subschema slots. `then`/`else` without `if` have no effect on validation.
import type { DiffContext, SlotKinds } from './context';
import { below, type SchemaObject } from './model';
import { compareSlot } from './slots';

const CONDITIONAL_BRANCH: SlotKinds = {
  narrowed: 'CONDITIONAL_BRANCH_NARROWED',
  extended: 'CONDITIONAL_BRANCH_EXTENDED',
};

/**
 * Compares the conditionals of two schemas.
 *
 * @example
 * compareConditionals(ctx, {}, { if: A, then: B }, '', 0); // CONDITIONAL_ADDED at /if
 */
export function compareConditionals(
  ctx: DiffContext,
  o: SchemaObject,
  n: SchemaObject,
  path: string,
  depth: number,
): void {
  if (o.if !== undefined || n.if !== undefined) {
    const at = below(path, 'if');
    if (o.if === undefined) ctx.emit('CONDITIONAL_ADDED', at, 'if/then/else added');
    else if (n.if === undefined) ctx.emit('CONDITIONAL_REMOVED', at, 'if/then/else removed');
    else if (ctx.trial(o.if, n.if, depth).length > 0) ctx.emit('CONDITIONAL_CHANGED', at, 'the if schema changed');
    else {
      compareSlot(ctx, CONDITIONAL_BRANCH, o.then, n.then, below(path, 'then'), depth, 'then');
      compareSlot(ctx, CONDITIONAL_BRANCH, o.else, n.else, below(path, 'else'), depth, 'else');
    }
    return;
  }
  for (const key of ['then', 'else']) {
    if (!ctx.same(o[key], n[key]))
      ctx.emit('ANNOTATION_CHANGED', below(path, key), `${key} without if (no effect) changed`);
  }
}
