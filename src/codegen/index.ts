/**
 * Code generation: a loaded spec in, `generated/` out (JSON Schemas, TypeScript types, ajv standalone validators,
 * contract summary). Deterministic: the same spec always gives the same bytes.
 */
import { loadSpec, type LoadOptions, type Spec } from '../asyncapi';
import { CodegenError } from './errors';
import { generateFiles, type GeneratedOutput } from './generate';
import { checkOutputFolder, diffOutput, writeOutput, type OutputDifference } from './output';

export { CodegenError } from './errors';
export { clientModule } from './client';
export { generateFiles } from './generate';
export type { GeneratedOutput } from './generate';
export { diffOutput, writeOutput } from './output';
export type { OutputDifference } from './output';
export { contractOf, runProtocolOf } from './contract';
export type { Contract, ContractMessage, RunProtocol } from './contract';
export { acceptUnknownFormats, createAjv } from './ajv';
export { messageSchema } from './message-schema';

export interface GenerateResult {
  spec: Spec;
  outDir: string;
  files: string[];
  /** With `check`: what differs from the spec. Without: what was written or removed. */
  changes: OutputDifference[];
  warnings: string[];
}

/**
 * Loads `specFile`, generates every output, and writes it under `outDir`; with `check`, writes nothing and throws
 * `GENERATED_OUT_OF_DATE` (exit 1) when the folder differs, listing each file.
 *
 * @throws SpecError (exit 2) for a document with problems; CodegenError.
 * @example
 * const result = await generate({ specFile: 'asyncapi.yaml', outDir: 'generated' });
 * console.log(`${result.files.length} files, ${result.changes.length} changed`);
 */
export async function generate(options: {
  specFile: string;
  outDir: string;
  check?: boolean;
  /** How the document is loaded (e.g. `allowRefOutside`). */
  load?: LoadOptions;
}): Promise<GenerateResult> {
  await checkOutputFolder(options.outDir);
  const spec = await loadSpec(options.specFile, options.load);
  const output: GeneratedOutput = await generateFiles(spec);
  const files = [...output.files.keys()];
  if (options.check) {
    const changes = await diffOutput(options.outDir, output.files);
    if (changes.length > 0) {
      const list = changes.map((c) => `  ${c.status.padEnd(7)} ${pathJoin(options.outDir, c.file)}`).join('\n');
      throw new CodegenError(
        'GENERATED_OUT_OF_DATE',
        `${changes.length} generated file(s) do not match ${options.specFile}; run 'netra-contracts generate':\n${list}`,
        { exitCode: 1 },
      );
    }
    return { spec, outDir: options.outDir, files, changes, warnings: output.warnings };
  }
  const changes = await writeOutput(options.outDir, output.files);
  return { spec, outDir: options.outDir, files, changes, warnings: output.warnings };
}

function pathJoin(dir: string, rel: string): string {
  return `${dir.replace(/\/+$/, '')}/${rel}`;
}

export { runCorpus, KNOWN_INVALID, examplesColumn, tscColumn, discoverDocuments, formatCorpusTable } from './corpus';
export type { CorpusCell, CorpusColumn, CorpusDocument, CorpusOptions, CorpusReport, CorpusRow } from './corpus';
