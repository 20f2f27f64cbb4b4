import { projectPath } from '../util/paths';
import { ProtocolError } from './errors';
import type { MessageValidators, SchemaError, ValidationResult } from './types';

/** The module codegen writes to `generated/validators` (typed by its `index.d.ts`). */
export type GeneratedValidatorsModule = typeof import('../../generated/validators');

type GeneratedResult = { ok: boolean; errors?: unknown; unknown?: boolean };

let cached: MessageValidators | undefined;
let cachedModule: GeneratedValidatorsModule | undefined;

/**
 * The generated validators module itself, loaded from the repository's `generated/validators` at run time (never
 * through a relative import, so compiled and source runs read the same files). Throws `ProtocolError`
 * `VALIDATORS_MISSING` (exit code 2) when codegen has not run.
 *
 * @example
 * generatedValidators().validateClientMessage({ type: 'resume', run_id: 'run_abcdef', last_seq: 0 }).ok; // true
 */
export function generatedValidators(): GeneratedValidatorsModule {
  if (cachedModule) return cachedModule;
  const dir = projectPath('generated', 'validators');
  let mod: GeneratedValidatorsModule;
  try {
    // Loaded at run time: generated code is produced by `netra-contracts generate`, not part of the sources.
    mod = require(dir) as GeneratedValidatorsModule;
  } catch (err) {
    throw new ProtocolError(
      'VALIDATORS_MISSING',
      `cannot load the generated validators (${dir}): run 'netra-contracts generate' first (${(err as Error).message.split('\n')[0]})`,
      { cause: err },
    );
  }
  if (typeof mod.validateServerMessage !== 'function' || typeof mod.validateClientMessage !== 'function') {
    throw new ProtocolError('VALIDATORS_MISSING', `${dir} does not export validateServerMessage/validateClientMessage`);
  }
  cachedModule = mod;
  return mod;
}

/**
 * The ajv standalone validators that codegen wrote to `generated/validators` (from asyncapi.yaml). Throws
 * `ProtocolError` `VALIDATORS_MISSING` (exit code 2) when codegen has not run.
 *
 * @example
 * const { server } = loadGeneratedValidators();
 * server({ type: 'agent_thinking' }).ok; // false
 */
export function loadGeneratedValidators(): MessageValidators {
  if (cached) return cached;
  const mod = generatedValidators();
  cached = {
    server: (msg) => adapt(mod.validateServerMessage(msg)),
    client: (msg) => adapt(mod.validateClientMessage(msg)),
  };
  return cached;
}

const OK: ValidationResult = { ok: true };

function adapt(result: GeneratedResult): ValidationResult {
  if (result.ok) return OK;
  const errors = Array.isArray(result.errors) ? (result.errors as SchemaError[]) : [];
  return result.unknown === true ? { ok: false, errors, unknown: true } : { ok: false, errors };
}
