/**
 * The one error base class of the project. Every capability throws subclasses of it with a stable `code`
 * (UPPER_SNAKE) so that callers, the CLI and tests can branch on the code instead of parsing messages.
 *
 * @example
 * throw new NetraError('SPEC_INVALID', 'asyncapi.yaml:12:3  invalid-ref  ...', { exitCode: 2 });
 */
export class NetraError extends Error {
  /** Stable, documented, UPPER_SNAKE code. */
  readonly code: string;
  /** Exit code the CLI uses when this error ends a command: 1 = a check failed, 2 = bad input or usage. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** True when `err` is a NetraError, optionally with the given code. */
export function isNetraError(err: unknown, code?: string): err is NetraError {
  return err instanceof NetraError && (code === undefined || err.code === code);
}
