// The rule file schema's validator compiled ahead of time by the build (bin/build-rules-validator.js writes
// dist/rules-validator.js), used only while it matches the schema and ajv as they are now.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { projectPath } from '../util/paths';

/** Where the build writes the validator. */
export const RULES_VALIDATOR_FILE = projectPath('dist', 'rules-validator.js');

/**
 * The first line of a validator built from `schemaText` with ajv `ajvVersion` and `options` (the same formula as
 * `stamp` in bin/build-rules-validator.js; a test holds the two together).
 *
 * @example
 * rulesValidatorStamp('{"type":"object"}', '8.17.1', { allErrors: true }); // '// netra rules-validator 3f0c...'
 */
export function rulesValidatorStamp(schemaText: string, ajvVersion: string, options: object): string {
  const hash = createHash('sha256')
    .update(`ajv ${ajvVersion}\n${JSON.stringify(options)}\n${schemaText}`)
    .digest('hex');
  return `// netra rules-validator ${hash}`;
}

/**
 * The built validator when its stamp matches `schemaText`, the installed ajv and `options`; otherwise undefined
 * (absent, stale or unreadable: the caller compiles the schema at run time, as without a build).
 *
 * @example
 * const validate =
 *   precompiledRulesValidator(text, RULES_AJV_OPTIONS) ?? new Ajv(RULES_AJV_OPTIONS).compile(JSON.parse(text));
 */
export function precompiledRulesValidator(
  schemaText: string,
  options: object,
  file = RULES_VALIDATOR_FILE,
): ValidateFunction | undefined {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const expected = `${rulesValidatorStamp(schemaText, ajvVersion, options)}\n`;
  if (firstBytes(file, expected.length) !== expected) return undefined;
  try {
    return require(file) as ValidateFunction;
  } catch {
    return undefined;
  }
}

/** The first `length` characters of a file (ASCII), or undefined when it cannot be read. */
function firstBytes(file: string, length: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.toString('latin1', 0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
