import type { Command } from 'commander';
import { examplesColumn, formatCorpusTable, runCorpus, tscColumn } from '../../codegen';
import { docsColumn } from '../../docs';
import { NetraError } from '../../util/errors';

/** `netra-contracts corpus [--root ../shared/corpus/asyncapi] [--json] [--keep]` */
export function register(program: Command): void {
  program
    .command('corpus')
    .description('Run parse, generate, tsc and example validation over every root document of an AsyncAPI corpus.')
    .option('--root <dir>', 'corpus folder', '../shared/corpus/asyncapi')
    .option('--json', 'print the rows as JSON instead of a table', false)
    .option('--keep', 'keep the generated outputs (under tmp/) and print their folder', false)
    .action(async (opts: { root: string; json: boolean; keep: boolean }) => {
      const report = await runCorpus({
        root: opts.root,
        keep: opts.keep,
        columns: [tscColumn, examplesColumn, docsColumn],
        onDocument: opts.json ? undefined : (d) => process.stderr.write(`  ${d.path}\n`),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCorpusTable(report)}\n`);
      if (report.outDir !== undefined) process.stderr.write(`outputs kept in ${report.outDir}\n`);
      if (!report.passed) {
        const failed = report.rows.filter((r) => !r.passed).length;
        throw new NetraError('CORPUS_FAILED', `${failed} document(s) did not pass`, { exitCode: 1 });
      }
    });
}
