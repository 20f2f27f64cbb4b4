import type { Command } from 'commander';
import { NetraError } from '../../util/errors';
import { SpecError, formatDiagnostic } from '../../asyncapi';
import { generateAll } from '../../pipeline/generate-all';

/** `netra-contracts generate [--spec asyncapi.yaml] [--out generated] [--check]` */
export function register(program: Command): void {
  program
    .command('generate')
    .description('Generate JSON Schemas, TypeScript types, ajv standalone validators and the docs site from the spec.')
    .option('--spec <file>', 'AsyncAPI document', 'asyncapi.yaml')
    .option('--out <dir>', 'output folder', 'generated')
    .option('--check', 'write nothing; exit 1 when the output folder differs from what the spec generates', false)
    .action(async (opts: { spec: string; out: string; check: boolean }) => {
      try {
        const { codegen, docsFiles, docsChanges } = await generateAll(opts);
        for (const warning of codegen.warnings) process.stderr.write(`${opts.spec}  warning  ${warning}\n`);
        const total = codegen.files.length + docsFiles;
        if (opts.check) {
          process.stdout.write(`${opts.out}: ${total} files up to date with ${opts.spec}\n`);
          return;
        }
        const changes = [...codegen.changes, ...docsChanges.map((c) => ({ ...c, file: `docs/${c.file}` }))];
        const changed = changes.length === 0 ? 'nothing changed' : `${changes.length} changed`;
        process.stdout.write(`${opts.out}: ${total} files from ${opts.spec} (${changed})\n`);
        for (const c of changes) process.stdout.write(`  ${c.status === 'extra' ? 'removed' : 'wrote  '} ${c.file}\n`);
      } catch (err) {
        if (err instanceof SpecError && err.code === 'SPEC_INVALID') {
          // One line per problem, then the usual one-line summary from main. A document refused by a limit (size,
          // aliases, $refs, time...) has one reason, which main prints as the one line.
          for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
          const count = err.diagnostics.length;
          throw new NetraError(err.code, `${count} problem${count === 1 ? '' : 's'} in ${opts.spec}`, { exitCode: 2 });
        }
        throw err;
      }
    });
}
