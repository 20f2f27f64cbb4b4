/** How a command that failed with this error exits: 1 = a check failed, 2 = bad input or usage. */
export type ExitCode = 1 | 2;

export interface NetraErrorOptions {
  /** Default 2 (bad input). */
  exitCode?: ExitCode;
  cause?: unknown;
}

/**
 * The one error base class of the project. Every capability throws a subclass with a stable `code` (UPPER_SNAKE)
 * from a typed union, so that callers, the CLI and tests branch on the code instead of parsing messages. Every
 * subclass has this same constructor shape: `(code, message, { exitCode?, cause? })`.
 *
 * @example
 * type SpecErrorCode = 'SPEC_INVALID' | 'SPEC_UNREADABLE';
 * class SpecError extends NetraError<SpecErrorCode> {}
 * throw new SpecError('SPEC_INVALID', 'asyncapi.yaml:12:3  invalid-ref  ...');
 */
export class NetraError<Code extends string = string> extends Error {
  /** Stable, documented, UPPER_SNAKE code. */
  readonly code: Code;
  /** Exit code the CLI uses when this error ends a command. */
  readonly exitCode: ExitCode;

  constructor(code: Code, message: string, options: NetraErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
  }
}
