// Annotations (`title`, `description`, `default`, `examples`, `deprecated`, `x-*`, ...): never breaking, always named.
import type { ChangeKind } from '../kinds';
import type { DiffContext } from './context';
import { below, changeText, isAnnotationKey, type SchemaObject } from './model';

function annotationKind(key: string): ChangeKind {
  if (key === 'description') return 'DESCRIPTION_CHANGED';
  if (key === 'title') return 'TITLE_CHANGED';
  if (key === 'default') return 'DEFAULT_CHANGED';
  if (key === 'examples' || key === 'example') return 'EXAMPLES_CHANGED';
  if (key === 'deprecated') return 'DEPRECATED_CHANGED';
  if (key.startsWith('x-')) return 'EXTENSION_CHANGED';
  return 'ANNOTATION_CHANGED';
}

/**
 * Reports every annotation that differs (`$defs`/`definitions` are compared where they are referenced).
 *
 * @example
 * compareAnnotations(ctx, { title: 'A' }, { title: 'B' }, ''); // TITLE_CHANGED at /title
 */
export function compareAnnotations(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string): void {
  const keys = new Set([...Object.keys(o), ...Object.keys(n)].filter(isAnnotationKey));
  for (const key of [...keys].sort()) {
    if (key === '$defs' || key === 'definitions') continue;
    if (ctx.same(o[key], n[key])) continue;
    ctx.emit(annotationKind(key), below(path, key), changeText(key, o[key], n[key]));
  }
}
