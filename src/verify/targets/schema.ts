import { readFileSync } from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import { projectPath } from '../../util/paths';

/** Path of the targets file's JSON Schema. */
export const TARGETS_SCHEMA_FILE = projectPath('contracts', 'targets.schema.json');

let compiled: ValidateFunction | undefined;

/**
 * The compiled validator of `contracts/targets.schema.json` (compiled once, on first use).
 *
 * @example
 * const validate = targetsValidator();
 * if (!validate(document)) console.log(validate.errors);
 */
export function targetsValidator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, discriminator: true, strict: true });
    compiled = ajv.compile(JSON.parse(readFileSync(TARGETS_SCHEMA_FILE, 'utf8')) as object);
  }
  return compiled;
}
