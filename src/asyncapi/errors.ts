import { NetraError, type NetraErrorOptions } from '../util/errors';

/** One problem found in a document, located at a 1-based line and column of the file it refers to. */
export interface SpecDiagnostic {
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
}

/**
 * Formats a diagnostic the way every tool of the project prints it: `file:line:col  code  message`.
 *
 * @example
 * formatDiagnostic({ file: 'asyncapi.yaml', line: 12, col: 3, code: 'invalid-ref', message: "'#/x' does not exist" });
 * // "asyncapi.yaml:12:3  invalid-ref  '#/x' does not exist"
 */
export function formatDiagnostic(d: SpecDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}  ${d.code}  ${d.message.replace(/\s*[\r\n\u2028\u2029]\s*/g, ' ')}`;
}

/**
 * Stable codes of the loader's errors (all exit code 2, bad input):
 * - `SPEC_UNREADABLE`: the file cannot be read.
 * - `SPEC_NOT_TEXT`: the file is binary or not UTF-8.
 * - `SPEC_TOO_LARGE`: the file is over the size limit (refused before it is read).
 * - `SPEC_TOO_COMPLEX`: YAML aliases past the limit, nesting past the limit, too many referenced files, or the
 *   parse needed more memory than allowed.
 * - `SPEC_REF_CYCLE`: a `$ref` that leads, through `$ref`s only, back to itself.
 * - `SPEC_REF_OUTSIDE`: a relative `$ref` to a file outside the root document's folder.
 * - `SPEC_TIMEOUT`: the parse took longer than the time limit.
 * - `SPEC_INVALID`: not a valid AsyncAPI document (every problem the parser found).
 * - `SPEC_LOADER_CLOSED`: the loader was closed (`closeSpecLoader`) while the parse was running or queued.
 */
export type SpecErrorCode =
  | 'SPEC_UNREADABLE'
  | 'SPEC_NOT_TEXT'
  | 'SPEC_TOO_LARGE'
  | 'SPEC_TOO_COMPLEX'
  | 'SPEC_REF_CYCLE'
  | 'SPEC_REF_OUTSIDE'
  | 'SPEC_TIMEOUT'
  | 'SPEC_INVALID'
  | 'SPEC_LOADER_CLOSED';

export interface SpecErrorOptions extends NetraErrorOptions {
  /** The problems as data, one per `file:line:col  code  message` line of the message. */
  diagnostics?: SpecDiagnostic[];
}

/**
 * A document could not be loaded. The message holds one `file:line:col  code  message` line per problem;
 * `diagnostics` holds them as data. Exit code 2 (bad input).
 *
 * @example
 * try {
 *   await loadSpec('asyncapi.yaml');
 * } catch (err) {
 *   if (err instanceof SpecError) for (const d of err.diagnostics) console.error(d.file, d.line, d.message);
 * }
 */
export class SpecError extends NetraError<SpecErrorCode> {
  readonly diagnostics: SpecDiagnostic[];

  constructor(code: SpecErrorCode, message: string, options: SpecErrorOptions = {}) {
    super(code, message, options);
    this.diagnostics = options.diagnostics ?? [];
  }

  /**
   * The error whose message is its diagnostics, one formatted line each.
   *
   * @example
   * throw SpecError.of('SPEC_INVALID', [{ file: 'a.yaml', line: 1, col: 1, code: 'not-parsed', message: 'no document' }]);
   */
  static of(code: SpecErrorCode, diagnostics: SpecDiagnostic[], options: NetraErrorOptions = {}): SpecError {
    return new SpecError(code, diagnostics.map(formatDiagnostic).join('\n'), { ...options, diagnostics });
  }
}
