import { NetraError, type NetraErrorOptions } from '../util/errors';

/**
 * Code generation failed on a document that parsed (`CODEGEN_SCHEMA_INVALID`, `CODEGEN_TYPES_FAILED`, exit 2), or
 * `--check` found generated files that do not match the spec (`GENERATED_OUT_OF_DATE`, exit 1).
 *
 * @example
 * throw new CodegenError('GENERATED_OUT_OF_DATE', '2 generated files differ from asyncapi.yaml', 1);
 */
export type CodegenErrorCode =
  | 'CODEGEN_SCHEMA_INVALID'
  | 'CODEGEN_TYPES_FAILED'
  | 'GENERATED_OUT_OF_DATE'
  | 'RUN_PROTOCOL_INVALID'
  | 'CORPUS_NOT_FOUND';

export class CodegenError extends NetraError<CodegenErrorCode> {
  constructor(code: CodegenErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, options);
  }
}
