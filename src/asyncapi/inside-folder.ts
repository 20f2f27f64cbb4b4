import * as path from 'node:path';

/**
 * True when `file` is `dir` itself or lies under it (both absolute). The one "inside the root folder" check of the
 * loader: the `$ref` guard and the parser's file resolver must agree, or a file one of them allows is refused by the
 * other. A name that merely starts with two dots (`..shared.yaml`) is inside.
 *
 * @example
 * isInsideFolder('/docs', '/docs/..shared.yaml'); // true
 * isInsideFolder('/docs', '/secret.yaml'); // false
 */
export function isInsideFolder(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}
