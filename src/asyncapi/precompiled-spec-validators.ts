import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectPath } from '../util/paths';

// The AsyncAPI specification's schemas, and the validator Spectral checks rulesets with, compiled at build time
// (bin/build-spec-validators.js writes them under dist/spec-validators/, with `npm run build` and `npm ci`'s
// prepare): loading one takes a few ms where compiling it takes a large part of a second. A validator is used only
// for exactly what it was compiled from (same hash of the schema or files) and with the same ajv, ajv-formats,
// ajv-errors and Spectral it was compiled for; anything else (no build, a stale one, another specification version)
// answers `undefined` and the caller compiles as before.

/** A compiled validator as Spectral's schema function calls it (ajv's `ValidateFunction` shape). */
export type SpecValidator = ((data: unknown) => boolean) & { errors?: unknown };

interface Manifest {
  packages: Record<string, string>;
  /** `inputs`: for the ruleset validator, the files under spectral-core's dist/ruleset/ it was compiled from. */
  validators: Record<string, { file: string; sha256: string; inputs?: string[] } | undefined>;
}

/** The manifest's name for spectral-core's ruleset validator. */
const RULESET_ID = 'spectral-core/ruleset/js';

/** Spectral's schema function's ajv module: its folder is where Spectral's ajv and plugins resolve from. */
export const SPECTRAL_AJV_MODULE = '@stoplight/spectral-functions/dist/schema/ajv';

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

/** The build's validator `id` when the build still matches: manifest for these packages, and `inputsHash()` as
 * recorded; else `undefined`. */
function builtValidator(
  id: string,
  inputsHash: (inputs: readonly string[]) => string,
  spectralDir: string,
  dir: string,
): SpecValidator | undefined {
  const entry = currentManifest(dir, spectralDir)?.validators[id];
  if (entry === undefined || inputsHash(entry.inputs ?? []) !== entry.sha256) return undefined;
  try {
    return require(path.join(dir, entry.file)) as SpecValidator;
  } catch {
    return undefined; // removed under us: compile instead
  }
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

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
  return builtValidator(id, () => sha256(JSON.stringify(schema)), spectralDir, dir);
}

/**
 * The build-time validator of one of the parser's own rule schemas (a `schema` option of its rules), for Spectral's
 * instance with or without `allErrors`; `undefined` when the build has none for exactly this schema.
 *
 * @example
 * const validate = precompiledRuleSchemaValidator(options.schema, false, spectralDir) ?? ajv.compile(options.schema);
 */
export function precompiledRuleSchemaValidator(
  schema: object,
  allErrors: boolean,
  spectralDir: string,
  dir: string = SPEC_VALIDATORS_DIR,
): SpecValidator | undefined {
  const hash = sha256(JSON.stringify(schema));
  const id = `rule/${allErrors ? 'all-errors' : 'first-error'}/${hash}`;
  return builtValidator(id, () => hash, spectralDir, dir);
}

/** What the ruleset validator was compiled from; the same hash as `rulesetInputsHash` in bin/build-spec-validators.js. */
function rulesetInputs(coreDist: string, inputs: readonly string[]): string {
  const hash = createHash('sha256');
  try {
    for (const file of inputs) hash.update(readFileSync(path.join(coreDist, 'ruleset', file)));
  } catch {
    return ''; // an input the installed spectral-core no longer has: not what was built, compile instead
  }
  for (const name of ['ajv', 'ajv-formats', 'ajv-errors']) hash.update(`${name}@${installedVersion(name, coreDist)}`);
  return hash.digest('hex');
}

/**
 * The build-time copy of the validator spectral-core compiles for the rulesets it is given (its `createValidator('js')`
 * before the `this` it is called with), or `undefined` when the build does not match the installed spectral-core.
 * `coreDist` is spectral-core's dist/ folder.
 *
 * @example
 * const validate = precompiledRulesetValidator(coreDist, spectralDir) ?? createValidator('js');
 */
export function precompiledRulesetValidator(
  coreDist: string,
  spectralDir: string,
  dir: string = SPEC_VALIDATORS_DIR,
): SpecValidator | undefined {
  return builtValidator(RULESET_ID, (inputs) => rulesetInputs(coreDist, inputs), spectralDir, dir);
}
