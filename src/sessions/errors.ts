import { NetraError, type NetraErrorOptions } from '../util/errors';

/**
 * `SESSION_UNREADABLE` (file system), `SESSION_INVALID` (a bad line or record), `SESSION_WRITE_INVALID` (the writer
 * was asked to write something the format forbids).
 */
export type SessionErrorCode = 'SESSION_UNREADABLE' | 'SESSION_INVALID' | 'SESSION_WRITE_INVALID';

/** Where in a session file an error is, when known. */
export interface SessionErrorOptions extends NetraErrorOptions {
  /** The session file. */
  file?: string;
  /** 1-based line of the offending record. */
  line?: number;
}

/**
 * A session file (or a record handed to the writer) that cannot be read as the fixed session format. Exit code 2
 * unless told otherwise: the input is bad, not the provider.
 *
 * @example
 * throw new SessionError('SESSION_INVALID', 'run.session.jsonl:7: "t" must be a number', { file, line: 7 });
 */
export class SessionError extends NetraError<SessionErrorCode> {
  /** The session file, when known. */
  readonly file?: string;
  /** 1-based line of the offending record, when known. */
  readonly line?: number;

  constructor(code: SessionErrorCode, message: string, options: SessionErrorOptions = {}) {
    super(code, message, options);
    this.file = options.file;
    this.line = options.line;
  }
}
