// `not`: a change under `not` is judged as any other subschema change with the polarity flipped. When the negated
// schema only narrowed, the whole schema accepts more (it breaks FORWARD only); when it only widened, the whole
// accepts less (BACKWARD only); anything else is assumed to break both ways.
import { breaksBackward, breaksForward, changeKinds } from '../kinds';
import type { DiffContext } from './context';
import { below, type SchemaObject } from './model';

/**
 * Compares `not` of two schemas.
 *
 * @example
 * compareNot(ctx, { not: { enum: ['a', 'b'] } }, { not: { enum: ['a'] } }, '', 0);
 * // NOT_SCHEMA_NARROWED at /not: 'b' is accepted now (compatible for a new reader of old data)
 */
export function compareNot(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
  if (o.not === undefined && n.not === undefined) return;
  const at = below(path, 'not');
  if (o.not === undefined) return ctx.emit('NOT_ADDED', at, 'not added');
  if (n.not === undefined) return ctx.emit('NOT_REMOVED', at, 'not removed');
  const inner = ctx.trial(o.not, n.not, depth);
  if (inner.length === 0) return;
  const kinds = [...new Set(inner.map((c) => c.kind))].join(', ');
  if (inner.every((c) => changeKinds[c.kind].group === 'annotation')) {
    for (const c of inner) ctx.emit(c.kind, at + c.path, c.detail);
    return;
  }
  const narrows = inner.some((c) => breaksBackward(c.kind));
  const widens = inner.some((c) => breaksForward(c.kind));
  if (narrows && !widens)
    ctx.emit('NOT_SCHEMA_NARROWED', at, `the schema under not accepts less (${kinds}): the whole accepts more`);
  else if (widens && !narrows)
    ctx.emit('NOT_SCHEMA_EXTENDED', at, `the schema under not accepts more (${kinds}): the whole accepts less`);
  else ctx.emit('NOT_CHANGED', at, `the schema under not changed (${kinds})`);
}
