// Where a version of the spec comes from: a file, or `git:<ref>` (the spec as committed at a ref, like
// `buf breaking --against '.git#branch=main'`). For a ref, the YAML/JSON files of the spec's folder are extracted
// into a temporary folder with `git archive`, so relative `$ref`s to other files resolve as they did at that ref.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadSpec, type Spec } from '../../asyncapi';
import { documentModelFromSpec, type DocumentModel } from '../diff/document/model';
import { RegistryError } from '../errors';

function git(cwd: string, args: string[], input?: Buffer): { status: number; stdout: Buffer; stderr: string } {
  const result = spawnSync('git', args, { cwd, input, maxBuffer: 512 * 1024 * 1024 });
  if (result.error !== undefined) {
    throw new RegistryError('GIT_FAILED', `cannot run git: ${result.error.message}`);
  }
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr.toString('utf8').trim() };
}

/** The outcome of loading the spec at a git ref: the spec, or the reason there is none. */
export type RefSpec = { found: true; spec: Spec; label: string } | { found: false; label: string; reason: string };

/**
 * Loads `specFile` as it is at git `ref`. A ref git does not know is an error (`GIT_REF_UNKNOWN`, exit 2); a ref
 * without the file (e.g. before the spec was added) is `{ found: false }`: nothing to compare with.
 *
 * @example
 * const at = await loadSpecAtRef('main', 'asyncapi.yaml');
 * if (at.found) console.log(at.spec.version);
 */
export async function loadSpecAtRef(ref: string, specFile: string): Promise<RefSpec> {
  const absolute = path.resolve(specFile);
  const cwd = path.dirname(absolute);
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (top.status !== 0) throw new RegistryError('GIT_FAILED', `${cwd} is not in a git repository: ${top.stderr}`);
  const root = top.stdout.toString('utf8').trim();
  const verify = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (verify.status !== 0) throw new RegistryError('GIT_REF_UNKNOWN', `git does not know the ref '${ref}'`);
  const relative = path.relative(root, absolute).split(path.sep).join('/');
  const label = `git:${ref}:${relative}`;
  if (git(root, ['cat-file', '-e', `${ref}:${relative}`]).status !== 0) {
    return { found: false, label, reason: `${relative} does not exist at ${ref}` };
  }
  // The YAML/JSON files under the spec's folder at that ref (what relative $refs can reach, in practice).
  const folder = path.posix.dirname(relative);
  const listing = git(root, ['ls-tree', '-r', '-z', '--name-only', ref, '--', folder === '.' ? '.' : folder]);
  if (listing.status !== 0) throw new RegistryError('GIT_FAILED', `git ls-tree ${ref} failed: ${listing.stderr}`);
  const files = listing.stdout
    .toString('utf8')
    .split('\0')
    .filter((f) => /\.(ya?ml|json)$/i.test(f) && !f.split('/').includes('node_modules'));
  if (!files.includes(relative)) files.push(relative);
  const archive = git(root, ['archive', '--format=tar', ref, '--', ...files]);
  if (archive.status !== 0) throw new RegistryError('GIT_FAILED', `git archive ${ref} failed: ${archive.stderr}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'netra-registry-'));
  try {
    const tar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout, maxBuffer: 64 * 1024 * 1024 });
    if (tar.status !== 0)
      throw new RegistryError('GIT_FAILED', `cannot extract ${ref}: ${tar.stderr.toString('utf8').trim()}`);
    const extracted = path.join(dir, ...relative.split('/'));
    if (!existsSync(extracted))
      return { found: false, label, reason: `${relative} could not be extracted from ${ref}` };
    const spec = await loadSpec(extracted);
    return { found: true, spec: { ...spec, file: label }, label };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A spec version to compare with: `git:<ref>` or a file path. */
export interface LoadedSource {
  label: string;
  model?: DocumentModel;
  /** Why there is no model (a ref without the spec). */
  missing?: string;
}

/**
 * Loads `git:<ref>` (relative to `specFile`'s repository) or a file as a comparable model.
 *
 * @example
 * const base = await loadSource('git:main', 'asyncapi.yaml');
 */
export async function loadSource(source: string, specFile: string): Promise<LoadedSource> {
  if (source.startsWith('git:')) {
    const ref = source.slice(4);
    if (ref === '') throw new RegistryError('BAD_AGAINST', "'git:' needs a ref, e.g. git:main or git:HEAD~1");
    const at = await loadSpecAtRef(ref, specFile);
    if (!at.found) return { label: at.label, missing: at.reason };
    return { label: at.label, model: documentModelFromSpec(at.spec) };
  }
  const spec = await loadSpec(source);
  return { label: source, model: documentModelFromSpec(spec) };
}
