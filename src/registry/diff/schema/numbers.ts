// Number keywords: the effective upper and lower bounds (`maximum`/`exclusiveMaximum`, draft-04 boolean or numeric,
// whichever is tighter) and `multipleOf`.
import type { ChangeKind } from '../kinds';
import type { DiffContext } from './context';
import { below, type SchemaObject } from './model';

type Bound = { value: number; exclusive: boolean; keyword: string };

/** The tighter of `maximum`/`exclusiveMaximum` (or of the minimums); undefined when there is none. */
function numericBound(s: SchemaObject, upper: boolean): Bound | undefined {
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

function compareUpperBound(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  const a = numericBound(o, true);
  const b = numericBound(n, true);
  if (a === undefined && b === undefined) return;
  if (a === undefined) return ctx.emit('MAXIMUM_ADDED', below(path, b!.keyword), `${b!.keyword} ${b!.value} added`);
  if (b === undefined) return ctx.emit('MAXIMUM_REMOVED', below(path, a.keyword), `${a.keyword} ${a.value} removed`);
  if (a.value === b.value && a.exclusive === b.exclusive) return;
  const tighter = a.value === b.value ? b.exclusive : b.value < a.value;
  const kind: ChangeKind = tighter ? 'MAXIMUM_DECREASED' : 'MAXIMUM_INCREASED';
  ctx.emit(kind, below(path, b.keyword), `${a.keyword} ${a.value} -> ${b.keyword} ${b.value}`);
}

function compareLowerBound(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  const a = numericBound(o, false);
  const b = numericBound(n, false);
  if (a === undefined && b === undefined) return;
  if (a === undefined) return ctx.emit('MINIMUM_ADDED', below(path, b!.keyword), `${b!.keyword} ${b!.value} added`);
  if (b === undefined) return ctx.emit('MINIMUM_REMOVED', below(path, a.keyword), `${a.keyword} ${a.value} removed`);
  if (a.value === b.value && a.exclusive === b.exclusive) return;
  const tighter = a.value === b.value ? b.exclusive : b.value > a.value;
  const kind: ChangeKind = tighter ? 'MINIMUM_INCREASED' : 'MINIMUM_DECREASED';
  ctx.emit(kind, below(path, b.keyword), `${a.keyword} ${a.value} -> ${b.keyword} ${b.value}`);
}

/**
 * Compares the number keywords of two schemas that both allow numbers.
 *
 * @example
 * compareNumber(ctx, { maximum: 10 }, { exclusiveMaximum: 10 }, ''); // MAXIMUM_DECREASED at /exclusiveMaximum
 */
export function compareNumber(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  compareUpperBound(ctx, o, n, path);
  compareLowerBound(ctx, o, n, path);
  const a = typeof o.multipleOf === 'number' && o.multipleOf > 0 ? o.multipleOf : undefined;
  const b = typeof n.multipleOf === 'number' && n.multipleOf > 0 ? n.multipleOf : undefined;
  if (a === b) return;
  const at = below(path, 'multipleOf');
  if (a === undefined) return ctx.emit('MULTIPLE_OF_ADDED', at, `multipleOf ${b} added`);
  if (b === undefined) return ctx.emit('MULTIPLE_OF_REMOVED', at, `multipleOf ${a} removed`);
  const isMultiple = (x: number, y: number): boolean => Math.abs(x / y - Math.round(x / y)) < 1e-9;
  const detail = `multipleOf ${a} -> ${b}`;
  if (isMultiple(b, a)) ctx.emit('MULTIPLE_OF_EXPANDED', at, detail);
  else if (isMultiple(a, b)) ctx.emit('MULTIPLE_OF_REDUCED', at, detail);
  else ctx.emit('MULTIPLE_OF_CHANGED', at, detail);
}
