import type { Command } from 'commander';
import { generateDocs, writeDocs } from '../../docs';

interface DocsCommandOptions {
  spec: string;
  out: string;
  sessions: string;
  rules: string;
  registry: string;
}

/** `netra-contracts docs [--spec asyncapi.yaml] [--out generated/docs] [--sessions ..] [--rules ..] [--registry ..]` */
export function register(program: Command): void {
  program
    .command('docs')
    .description('Write the static docs site (one offline index.html + JSON Schema downloads) from the contract.')
    .option('--spec <file>', 'AsyncAPI document', 'asyncapi.yaml')
    .option('--out <dir>', 'output folder', 'generated/docs')
    .option('--sessions <dir>', 'recorded sessions to take examples from', 'contracts/sessions')
    .option('--rules <dir>', 'folder with rules/*.yaml and profiles.yaml', 'contracts')
    .option('--registry <dir>', 'schema registry folder (changelog)', 'schemas')
    .action(async (opts: DocsCommandOptions) => {
      const started = process.hrtime.bigint();
      const site = await generateDocs({
        specFile: opts.spec,
        sessionsDir: opts.sessions,
        rulesDir: opts.rules,
        registryDir: opts.registry,
      });
      await writeDocs(opts.out, site.files);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const s = site.stats;
      process.stdout.write(
        `wrote ${opts.out} (${site.files.size} files, ${(site.bytes / 1024).toFixed(1)} KB) in ${Math.round(ms)} ms\n`,
      );
      process.stdout.write(
        `  ${s.messages} messages (${s.fields} fields; examples: ${s.recordedExamples} recorded, ${s.documentExamples} from the document, ${s.noExample} none), ` +
          `${s.rules} rules, ${s.profiles} timing profiles, lifecycle ${s.lifecycle ? 'drawn' : 'absent'}, ${s.changelogVersions} registry versions\n`,
      );
    });
}
