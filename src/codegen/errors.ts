import { NetraError } from '../util/errors';

/**
 * Code generation failed on a document that parsed (`CODEGEN_SCHEMA_INVALID`, `CODEGEN_TYPES_FAILED`, exit 2), or
 * `--check` found generated files that do not match the spec (`GENERATED_OUT_OF_DATE`, exit 1).
 *
 * @example
 * throw new CodegenError('GENERATED_OUT_OF_DATE', '2 generated files differ from asyncapi.yaml', 1);
 */
export class CodegenError extends NetraError {
  constructor(code: string, message: string, exitCode = 2) {
    super(code, message, { exitCode });
  }
}
