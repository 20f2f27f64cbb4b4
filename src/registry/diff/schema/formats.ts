// `format` (asserted: this project validates formats) and the content keywords of strings.
import type { DiffContext } from './context';
import { below, changeText, show, type SchemaObject } from './model';

/**
 * Compares `format`, `contentEncoding`, `contentMediaType` and `contentSchema`.
 *
 * @example
 * compareFormat(ctx, { type: 'string' }, { type: 'string', format: 'uuid' }, ''); // FORMAT_ADDED at /format
 */
export function compareFormat(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  if (!ctx.same(o.format, n.format)) {
    const at = below(path, 'format');
    if (o.format === undefined) ctx.emit('FORMAT_ADDED', at, `format ${show(n.format)} added`);
    else if (n.format === undefined) ctx.emit('FORMAT_REMOVED', at, `format ${show(o.format)} removed`);
    else ctx.emit('FORMAT_CHANGED', at, `format ${show(o.format)} -> ${show(n.format)}`);
  }
  for (const key of ['contentEncoding', 'contentMediaType', 'contentSchema']) {
    if (!ctx.same(o[key], n[key]))
      ctx.emit('CONTENT_ENCODING_CHANGED', below(path, key), changeText(key, o[key], n[key]));
  }
}
