// The loader's worker process: parses the documents the parent sends, one at a time, and answers with the `Spec` or
// the error as data. The parent kills it at the time limit; its heap limit (--max-old-space-size) ends it by itself.
import { SpecError, type SpecDiagnostic, type SpecErrorCode } from './errors';
import { parseDocument, warmParser, type ParseRequest } from './parse-document';

/** A message to the worker: a document to parse, or `warm` (build the parser now, answer nothing). */
export type ParseJob = { id: number; request: ParseRequest } | { warm: true };

/** An error as it crosses the thread boundary. */
export interface ParseFailure {
  code: SpecErrorCode;
  message: string;
  diagnostics: SpecDiagnostic[];
}

/** The worker's answer. */
export type ParseAnswer = { id: number; ok: true; spec: unknown } | { id: number; ok: false; error: ParseFailure };

function failureOf(err: unknown, file: string): ParseFailure {
  if (err instanceof SpecError) return { code: err.code, message: err.message, diagnostics: err.diagnostics };
  const tooDeep = err instanceof RangeError;
  const diagnostic: SpecDiagnostic = tooDeep
    ? { file, line: 1, col: 1, code: 'too-deep', message: `nested too deeply to parse (${err.message})` }
    : { file, line: 1, col: 1, code: 'parser-failure', message: `the parser failed: ${(err as Error)?.message}` };
  const failure = SpecError.of(tooDeep ? 'SPEC_TOO_COMPLEX' : 'SPEC_INVALID', [diagnostic]);
  return { code: failure.code, message: failure.message, diagnostics: failure.diagnostics };
}

const send = process.send?.bind(process);
if (send !== undefined) {
  // The parent is gone (it ended, or it was killed): nothing is left to parse for.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (job: ParseJob) => {
    if ('warm' in job) {
      warmParser();
      return;
    }
    parseDocument(job.request).then(
      (spec) => send({ id: job.id, ok: true, spec } satisfies ParseAnswer),
      (err: unknown) =>
        send({
          id: job.id,
          ok: false,
          error: failureOf(err, job.request.sourceName),
        } satisfies ParseAnswer),
    );
  });
}
