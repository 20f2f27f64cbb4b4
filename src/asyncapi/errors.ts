import { NetraError } from '../util/errors';

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
  return `${d.file}:${d.line}:${d.col}  ${d.code}  ${d.message.replace(/\s*\n\s*/g, ' ')}`;
}

/**
 * A document could not be read (`SPEC_UNREADABLE`) or is not a valid AsyncAPI document (`SPEC_INVALID`).
 * The message holds one `file:line:col  code  message` line per problem; `diagnostics` holds them as data.
 *
 * @example
 * try {
 *   await loadSpec('asyncapi.yaml');
 * } catch (err) {
 *   if (err instanceof SpecError) for (const d of err.diagnostics) console.error(d.file, d.line, d.message);
 * }
 */
export class SpecError extends NetraError {
  readonly diagnostics: SpecDiagnostic[];

  constructor(
    code: 'SPEC_UNREADABLE' | 'SPEC_INVALID',
    diagnostics: SpecDiagnostic[],
    options: { cause?: unknown } = {},
  ) {
    super(code, diagnostics.map(formatDiagnostic).join('\n'), { exitCode: 2, cause: options.cause });
    this.diagnostics = diagnostics;
  }
}
