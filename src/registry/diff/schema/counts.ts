// Count bounds (`maxLength`, `minItems`, `maxProperties`, `maxContains`, ...): each caller names its four kinds as
// literals, so every kind can be found by searching for its name.
import type { CountKinds, DiffContext } from './context';
import { below, type SchemaObject } from './model';

/** Lower bounds whose 0 is their default: `minLength: 0` admits every string, so it is no constraint at all.
 * (`minContains` is not one of them: its default is 1, and 0 lets an array with no matching item through.) */
const ZERO_IS_ABSENT = new Set(['minLength', 'minItems', 'minProperties']);

function count(s: SchemaObject, key: string): number | undefined {
  const v = s[key];
  if (typeof v !== 'number') return undefined;
  return v === 0 && ZERO_IS_ABSENT.has(key) ? undefined : v;
}

/**
 * Compares one numeric count keyword and reports it added, removed, raised or lowered.
 *
 * @example
 * compareCount(ctx, MAX_ITEMS, 'maxItems', { maxItems: 5 }, { maxItems: 3 }, ''); // MAX_ITEMS_DECREASED
 */
export function compareCount(
  ctx: DiffContext,
  kinds: CountKinds,
  key: string,
  o: SchemaObject,
  n: SchemaObject,
  path: string,
): void {
  const a = count(o, key);
  const b = count(n, key);
  if (a === b) return;
  const at = below(path, key);
  // `minContains` absent means 1: adding 1 changes nothing, adding 0 lowers it (and removing 0 raises it).
  const implied = key === 'minContains' ? 1 : undefined;
  if (implied !== undefined && (a ?? implied) === (b ?? implied)) return;
  if (implied !== undefined && ((a === undefined && b! < implied) || (b === undefined && a! < implied))) {
    const [x, y] = [a ?? implied, b ?? implied];
    ctx.emit(y > x ? kinds.increased : kinds.decreased, at, `${key} ${a ?? 'absent (1)'} -> ${b ?? 'absent (1)'}`);
    return;
  }
  if (a === undefined) ctx.emit(kinds.added, at, `${key} ${b} added`);
  else if (b === undefined) ctx.emit(kinds.removed, at, `${key} ${a} removed`);
  else ctx.emit(b > a ? kinds.increased : kinds.decreased, at, `${key} ${a} -> ${b}`);
}
