import { NetraError, type NetraErrorOptions } from '../util/errors';

/** Stable codes of the docs generator's errors. */
export type DocsErrorCode = 'DOCS_INPUT_INVALID' | 'DOCS_INPUT_UNREADABLE' | 'DOCS_WRITE_FAILED' | 'DOCS_BAD_OPTION';

/**
 * An input the docs site is built from (rules, profiles, sessions, registry) cannot be read or makes no sense, or the
 * site cannot be written. Exit code 2 unless given: the input or the usage is bad, not a contract check.
 *
 * @example
 * throw new DocsError('DOCS_INPUT_INVALID', 'contracts/profiles.yaml: expected a mapping of profile names');
 */
export class DocsError extends NetraError<DocsErrorCode> {
  constructor(code: DocsErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, options);
  }
}
