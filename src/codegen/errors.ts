import { NetraError, type NetraErrorOptions } from '../util/errors';

/**
 * Stable codes of code generation's errors:
 * - `CODEGEN_SCHEMA_INVALID`, `CODEGEN_TYPES_FAILED`: a document that parsed cannot be generated from (exit 2);
 * - `CODEGEN_UNSAFE_TEXT`: text of the document cannot be placed in generated code safely (exit 2);
 * - `RUN_PROTOCOL_INVALID`: the `x-netra-run` marks do not make a run protocol (exit 2);
 * - `OUTPUT_NOT_A_FOLDER`, `OUTPUT_WRITE_FAILED`: `--out` is not a usable folder (exit 2);
 * - `GENERATED_OUT_OF_DATE`: `--check` found generated files that do not match the spec (exit 1);
 */
export type CodegenErrorCode =
  | 'CODEGEN_SCHEMA_INVALID'
  | 'CODEGEN_TYPES_FAILED'
  | 'CODEGEN_UNSAFE_TEXT'
  | 'GENERATED_OUT_OF_DATE'
  | 'RUN_PROTOCOL_INVALID'
  | 'OUTPUT_NOT_A_FOLDER'
  | 'OUTPUT_WRITE_FAILED';

/**
 * Code generation failed, or `--check` found differences. Exit code 2 unless given (`GENERATED_OUT_OF_DATE`: 1).
 *
 * @example
 * throw new CodegenError('GENERATED_OUT_OF_DATE', '2 generated files differ from asyncapi.yaml', { exitCode: 1 });
 */
export class CodegenError extends NetraError<CodegenErrorCode> {
  constructor(code: CodegenErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, options);
  }
}
