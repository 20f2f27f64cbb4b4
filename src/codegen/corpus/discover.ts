import { open, readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** Folders that hold `$ref` targets or revision histories, not documents to generate from. */
const SKIPPED_FOLDERS = new Set(['commons', 'common', 'history', 'node_modules']);

async function startsWithAsyncapi(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    const firstLine = head.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
    return firstLine !== undefined && /^(asyncapi:|\{\s*"asyncapi")/.test(firstLine.trim());
  } finally {
    await handle.close();
  }
}

/**
 * Root AsyncAPI documents under `root` (files whose first line is `asyncapi: ...`), sorted, as paths relative to
 * `root` with `/` separators. `commons/`, `common/` (fragments) and `history/` (registry data) are skipped.
 *
 * @example
 * await discoverDocuments('../shared/corpus/asyncapi'); // ['asyncapi-generator/asyncapi-hoppscotch-client.yml', ...]
 */
export async function discoverDocuments(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) await walk(full);
      } else if (/\.(ya?ml|json)$/i.test(entry.name) && (await startsWithAsyncapi(full))) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  await walk(root);
  return found.sort();
}
