import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'netra-ws-contracts';

function findRoot(start: string): string {
  // Walk up to our own package.json: the same answer whether this file runs from src/ (tsx, the Jest transform) or from a
  // compiled copy under dist/.
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours, or unreadable: keep walking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${start}`);
  }
}

/** The repository root (where package.json, contracts/ and generated/ live). */
export const PROJECT_ROOT = findRoot(__dirname);

/**
 * A path inside the repository, from its root.
 *
 * @example
 * projectPath('contracts', 'rules'); // '/…/netra-ws-contracts/contracts/rules'
 */
export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
