import * as path from 'node:path';
import type { Command } from 'commander';
import { generate } from '../../codegen';
import { diffDocs, generateDocs, writeDocs } from '../../docs';
import { NetraError } from '../../errors';
import { SpecError, formatDiagnostic } from '../../spec';

/** `netra-contracts generate [--spec asyncapi.yaml] [--out generated] [--check]` */
export function register(program: Command): void {
  program
    .command('generate')
    .description('Generate JSON Schemas, TypeScript types and ajv standalone validators from the AsyncAPI document.')
    .option('--spec <file>', 'AsyncAPI document', 'asyncapi.yaml')
    .option('--out <dir>', 'output folder', 'generated')
    .option('--check', 'write nothing; exit 1 when the output folder differs from what the spec generates', false)
    .action(async (opts: { spec: string; out: string; check: boolean }) => {
      try {
        const result = await generate({ specFile: opts.spec, outDir: opts.out, check: opts.check });
        // The consumer docs are generated output too: written by `generate`, covered by `--check`.
        const site = await generateDocs({
          spec: result.spec,
          sessionsDir: 'contracts/sessions',
          rulesDir: 'contracts',
          registryDir: 'schemas',
        });
        const docsDir = path.join(opts.out, 'docs');
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
          for (const c of await writeDocs(docsDir, site.files))
            process.stdout.write(`  ${c.status === 'extra' ? 'removed' : 'wrote  '} docs/${c.file}\n`);
        }
        for (const warning of result.warnings) process.stderr.write(`${opts.spec}  warning  ${warning}\n`);
        if (opts.check) {
          process.stdout.write(`${opts.out}: ${result.files.length} files up to date with ${opts.spec}\n`);
        } else {
          const changed = result.changes.length === 0 ? 'nothing changed' : `${result.changes.length} changed`;
          process.stdout.write(`${opts.out}: ${result.files.length} files from ${opts.spec} (${changed})\n`);
          for (const c of result.changes)
            process.stdout.write(`  ${c.status === 'extra' ? 'removed' : 'wrote  '} ${c.file}\n`);
        }
      } catch (err) {
        if (err instanceof SpecError) {
          // One line per problem, then the usual one-line summary from main.
          for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
          const count = err.diagnostics.length;
          throw new NetraError(err.code, `${count} problem${count === 1 ? '' : 's'} in ${opts.spec}`, { exitCode: 2 });
        }
        throw err;
      }
    });
}
