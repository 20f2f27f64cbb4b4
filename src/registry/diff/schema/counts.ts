// Count bounds (`maxLength`, `minItems`, `maxProperties`, `maxContains`, ...): each caller names its four kinds as
// literals, so every kind can be found by searching for its name.
import type { CountKinds, DiffContext } from './context';
import { below, type SchemaObject } from './model';

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
  const a = typeof o[key] === 'number' ? (o[key] as number) : undefined;
  const b = typeof n[key] === 'number' ? (n[key] as number) : undefined;
  if (a === b) return;
  const at = below(path, key);
  if (a === undefined) ctx.emit(kinds.added, at, `${key} ${b} added`);
  else if (b === undefined) ctx.emit(kinds.removed, at, `${key} ${a} removed`);
  else ctx.emit(b > a ? kinds.increased : kinds.decreased, at, `${key} ${a} -> ${b}`);
}
