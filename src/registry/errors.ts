import { NetraError, type NetraErrorOptions } from '../util/errors';

/** Stable codes of the registry's errors. */
export type RegistryErrorCode =
  | 'BAD_MODE'
  | 'BAD_FORMAT'
  | 'BAD_AGAINST'
  | 'GIT_FAILED'
  | 'GIT_REF_UNKNOWN'
  | 'REGISTRY_NOT_FOUND'
  | 'REGISTRY_INVALID'
  | 'INCOMPATIBLE_CHANGE'
  | 'FORCE_NEEDS_REASON'
  | 'UNKNOWN_MESSAGE'
  | 'CORPUS_UNREADABLE'
  | 'SCHEMA_TOO_DEEP'
  | 'SCHEMA_TOO_LARGE'
  | 'SCHEMA_CYCLIC';

/**
 * An error of the schema registry. Bad input and usage exit 2; `INCOMPATIBLE_CHANGE` (a refused registration)
 * exits 1 like a failed check.
 *
 * @example
 * throw new RegistryError('REGISTRY_NOT_FOUND', 'schemas/registry.yaml does not exist; run `netra-contracts registry register`');
 */
export class RegistryError extends NetraError<RegistryErrorCode> {
  /** Lines that explain the one-line message (e.g. each refused change); the CLI prints them before the message. */
  readonly details: string[];

  constructor(code: RegistryErrorCode, message: string, options: NetraErrorOptions & { details?: string[] } = {}) {
    super(code, message, {
      exitCode: options.exitCode ?? (code === 'INCOMPATIBLE_CHANGE' ? 1 : 2),
      cause: options.cause,
    });
    this.details = options.details ?? [];
  }
}
