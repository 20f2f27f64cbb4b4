import * as path from 'node:path';
import { generate, type GenerateResult } from '../codegen';
import { diffDocs, generateDocs, writeDocs } from '../docs';
import { NetraError } from '../util/errors';

export interface GenerateAllResult {
  codegen: GenerateResult;
  /** Files under `<out>/docs`. */
  docsFiles: number;
  docsBytes: number;
  /** Docs files written or removed (empty with `check`). */
  docsChanges: { file: string; status: string }[];
}

/**
 * Generates everything that derives from the spec: `generated/` (schemas, types, validators, contract) and the
 * consumer docs under `generated/docs` (which also read `contracts/` and `schemas/`). With `check`, writes nothing
 * and throws GENERATED_OUT_OF_DATE (exit 1) listing every file that differs.
 *
 * @example
 * await generateAll({ spec: 'asyncapi.yaml', out: 'generated', check: true });
 */
export async function generateAll(opts: { spec: string; out: string; check: boolean }): Promise<GenerateAllResult> {
  const codegen = await generate({ specFile: opts.spec, outDir: opts.out, check: opts.check });
  const site = await generateDocs({
    spec: codegen.spec,
    sessionsDir: 'contracts/sessions',
    rulesDir: 'contracts',
    registryDir: 'schemas',
  });
  const docsDir = path.join(opts.out, 'docs');
  const result = {
    codegen,
    docsFiles: site.files.size,
    docsBytes: site.bytes,
    docsChanges: [] as GenerateAllResult['docsChanges'],
  };
  if (opts.check) {
    const stale = await diffDocs(docsDir, site.files);
    if (stale.length > 0) {
      const list = stale.map((c) => `  ${c.status.padEnd(7)} ${docsDir}/${c.file}`).join('\n');
      throw new NetraError(
        'GENERATED_OUT_OF_DATE',
        `${stale.length} docs file(s) differ from ${opts.spec}; run 'netra-contracts generate':\n${list}`,
        { exitCode: 1 },
      );
    }
  } else {
    result.docsChanges = await writeDocs(docsDir, site.files);
  }
  return result;
}
