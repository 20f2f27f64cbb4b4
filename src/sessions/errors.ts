import { NetraError } from '../util/errors';

/**
 * A session file (or a record handed to the writer) that cannot be read as the fixed session format.
 * Codes: `SESSION_UNREADABLE` (file system), `SESSION_INVALID` (bad line or record), `SESSION_WRITE_INVALID`
 * (the writer was asked to write something the format forbids). Always exit code 2: the input is bad, not the provider.
 *
 * @example
 * throw new SessionError('SESSION_INVALID', 'run.session.jsonl:7: "t" must be a number', { file, line: 7 });
 */
export class SessionError extends NetraError {
  /** The session file, when known. */
  readonly file?: string;
  /** 1-based line of the offending record, when known. */
  readonly line?: number;

  constructor(code: string, message: string, where: { file?: string; line?: number; cause?: unknown } = {}) {
    super(code, message, { exitCode: 2, cause: where.cause });
    this.file = where.file;
    this.line = where.line;
  }
}
