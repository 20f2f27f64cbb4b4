// String keywords: `maxLength`, `minLength`, `pattern`.
import type { CountKinds, DiffContext } from './context';
import { compareCount } from './counts';
import { below, show, type SchemaObject } from './model';

const MAX_LENGTH: CountKinds = {
  added: 'MAX_LENGTH_ADDED',
  removed: 'MAX_LENGTH_REMOVED',
  increased: 'MAX_LENGTH_INCREASED',
  decreased: 'MAX_LENGTH_DECREASED',
};
const MIN_LENGTH: CountKinds = {
  added: 'MIN_LENGTH_ADDED',
  removed: 'MIN_LENGTH_REMOVED',
  increased: 'MIN_LENGTH_INCREASED',
  decreased: 'MIN_LENGTH_DECREASED',
};

/**
 * Compares the string keywords of two schemas that both allow strings.
 *
 * @example
 * compareString(ctx, { maxLength: 10 }, { maxLength: 5 }, ''); // MAX_LENGTH_DECREASED at /maxLength
 */
export function compareString(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  compareCount(ctx, MAX_LENGTH, 'maxLength', o, n, path);
  compareCount(ctx, MIN_LENGTH, 'minLength', o, n, path);
  if (ctx.same(o.pattern, n.pattern)) return;
  const at = below(path, 'pattern');
  if (o.pattern === undefined) ctx.emit('PATTERN_ADDED', at, `pattern ${show(n.pattern)} added`);
  else if (n.pattern === undefined) ctx.emit('PATTERN_REMOVED', at, `pattern ${show(o.pattern)} removed`);
  else ctx.emit('PATTERN_CHANGED', at, `pattern ${show(o.pattern)} -> ${show(n.pattern)}`);
}
