import { NetraError } from '../util/errors';

/** Stable codes of the docs generator's errors. */
export type DocsErrorCode = 'DOCS_INPUT_INVALID' | 'DOCS_INPUT_UNREADABLE' | 'DOCS_WRITE_FAILED' | 'DOCS_BAD_OPTION';

/**
 * An input the docs site is built from (rules, profiles, sessions, registry) cannot be read or makes no sense, or the
 * site cannot be written. Always exit code 2: the input or the usage is bad, not a contract check.
 *
 * @example
 * throw new DocsError('DOCS_INPUT_INVALID', 'contracts/profiles.yaml: expected a mapping of profile names');
 */
export class DocsError extends NetraError {
  constructor(code: DocsErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { exitCode: 2, cause: options.cause });
  }
}
