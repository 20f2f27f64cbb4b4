import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectPath } from '../util/paths';

// The AsyncAPI specification's schemas compiled at build time (bin/build-spec-validators.js writes them under
// dist/spec-validators/, with `npm run build` and `npm ci`'s prepare): loading one takes a few ms where compiling it
// takes most of a second. A validator is used only for the very schema object it was compiled from (same hash) and
// with the same ajv, ajv-formats, ajv-errors and Spectral it was compiled for; anything else (no build, a stale one,
// another specification version) answers `undefined` and the caller compiles as before.

/** A compiled validator as Spectral's schema function calls it (ajv's `ValidateFunction` shape). */
export type SpecValidator = ((data: unknown) => boolean) & { errors?: unknown };

interface Manifest {
  packages: Record<string, string>;
  validators: Record<string, { file: string; sha256: string } | undefined>;
}

/** Where the build writes them. */
export const SPEC_VALIDATORS_DIR = projectPath('dist', 'spec-validators');

/** Per folder: the manifest, when it was built for the packages installed now; `null` when absent or stale. */
const manifests = new Map<string, Manifest | null>();

function installedVersion(name: string, from: string): string | undefined {
  try {
    const file = require.resolve(`${name}/package.json`, { paths: [from] });
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

function readManifest(dir: string, spectralDir: string): Manifest | null {
  let read: Manifest;
  try {
    read = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return null; // never built (running from source on a fresh checkout): compile at run time
  }
  const fresh = Object.entries(read.packages).every(([name, v]) => installedVersion(name, spectralDir) === v);
  return fresh ? read : null;
}

function currentManifest(dir: string, spectralDir: string): Manifest | null {
  let manifest = manifests.get(dir);
  if (manifest === undefined) {
    manifest = readManifest(dir, spectralDir);
    manifests.set(dir, manifest);
  }
  return manifest;
}

/**
 * The build-time validator of `schema` (one of the specification's schemas, by `$id`), or `undefined` when there is
 * none for exactly this schema and these packages. `spectralDir` is where Spectral's schema function resolves ajv;
 * `dir` is the build's folder (another one in tests).
 *
 * @example
 * const validate = precompiledSpecValidator(schema, spectralDir) ?? ajv.compile(schema);
 */
export function precompiledSpecValidator(
  schema: { $id?: unknown },
  spectralDir: string,
  dir: string = SPEC_VALIDATORS_DIR,
): SpecValidator | undefined {
  const id = schema.$id;
  if (typeof id !== 'string') return undefined;
  const entry = currentManifest(dir, spectralDir)?.validators[id];
  if (entry === undefined) return undefined;
  const hash = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
  if (hash !== entry.sha256) return undefined;
  try {
    return require(path.join(dir, entry.file)) as SpecValidator;
  } catch {
    return undefined; // removed under us: compile instead
  }
}
