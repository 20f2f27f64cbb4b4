import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CodegenError } from './errors';
import { GENERATED_MARKER } from './message-schema';

/** Sub-folders whose generated files `generate` owns (and removes when their message is gone). */
const MANAGED_FOLDERS = ['schemas', 'validators'];
/** Top-level generated files that are not always produced (client.ts needs the run protocol's messages). */
const OPTIONAL_FILES = ['client.ts'];

export interface OutputDifference {
  /** Path relative to the output folder, `/`-separated. */
  file: string;
  status: 'differs' | 'missing' | 'extra';
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Generated files on disk that are no longer produced; only files carrying our marker count, so nothing else is touched. */
async function staleFiles(outDir: string, files: Map<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const folder of MANAGED_FOLDERS) {
    let entries: string[];
    try {
      entries = (await readdir(path.join(outDir, folder))).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const rel = `${folder}/${entry}`;
      if (files.has(rel)) continue;
      const content = await readOrUndefined(path.join(outDir, folder, entry));
      if (content !== undefined && content.slice(0, 400).includes(GENERATED_MARKER)) stale.push(rel);
    }
  }
  for (const rel of OPTIONAL_FILES) {
    if (files.has(rel)) continue;
    const content = await readOrUndefined(path.join(outDir, rel));
    if (content !== undefined && content.slice(0, 400).includes(GENERATED_MARKER)) stale.push(rel);
  }
  return stale;
}

/**
 * Refuses an output folder that is not one: an existing file, or a path through a file. A folder that does not
 * exist yet is fine (it is created).
 *
 * @throws CodegenError `OUTPUT_NOT_A_FOLDER` (exit 2).
 * @example
 * await checkOutputFolder('generated');
 */
export async function checkOutputFolder(outDir: string): Promise<void> {
  try {
    if (!(await stat(outDir)).isDirectory()) {
      throw new CodegenError('OUTPUT_NOT_A_FOLDER', `${outDir} is a file, not a folder; --out names a folder`);
    }
  } catch (err) {
    if (err instanceof CodegenError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') {
      throw new CodegenError('OUTPUT_NOT_A_FOLDER', `${outDir} passes through a file; --out names a folder`);
    }
    throw new CodegenError('OUTPUT_WRITE_FAILED', `cannot use ${outDir} (${code ?? 'EIO'})`, { cause: err });
  }
}

/**
 * Compares generated files with what is on disk under `outDir`: every file that differs, is missing, or is a stale
 * generated file no longer produced. Empty when the folder is up to date.
 *
 * @example
 * const differences = await diffOutput('generated', (await generateFiles(spec)).files);
 * for (const d of differences) console.log(d.status, d.file);
 */
export async function diffOutput(outDir: string, files: Map<string, string>): Promise<OutputDifference[]> {
  await checkOutputFolder(outDir);
  const out: OutputDifference[] = [];
  for (const [rel, content] of files) {
    const onDisk = await readOrUndefined(path.join(outDir, rel));
    if (onDisk === undefined) out.push({ file: rel, status: 'missing' });
    else if (onDisk !== content) out.push({ file: rel, status: 'differs' });
  }
  for (const rel of await staleFiles(outDir, files)) out.push({ file: rel, status: 'extra' });
  return out;
}

/**
 * Writes generated files under `outDir` (only those whose bytes change) and removes stale generated files.
 * Returns what changed.
 *
 * @example
 * await writeOutput('generated', (await generateFiles(spec)).files);
 */
export async function writeOutput(outDir: string, files: Map<string, string>): Promise<OutputDifference[]> {
  const changes = await diffOutput(outDir, files);
  for (const change of changes) {
    const target = path.join(outDir, change.file);
    try {
      if (change.status === 'extra') {
        await rm(target, { force: true });
      } else {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, files.get(change.file) as string);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      throw new CodegenError('OUTPUT_WRITE_FAILED', `cannot write ${target} (${code})`, { cause: err });
    }
  }
  return changes;
}
