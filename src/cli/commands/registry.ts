import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { NetraError } from '../../util/errors';
import {
  checkRegistry,
  corpusDiffReport,
  createLineLocator,
  diffDocuments,
  diffJson,
  formatCorpusDiff,
  formatHistory,
  formatReport,
  loadSource,
  parseFormat,
  parseMode,
  registerSpec,
  registryHistory,
  renderRulesMarkdown,
  changeKinds,
  RegistryError,
  type DescribedRole,
  type ReportFormat,
} from '../../registry';

function parseRole(value: string): DescribedRole {
  if (value !== 'server' && value !== 'client')
    throw new RegistryError('BAD_AGAINST', `--role must be 'server' or 'client', got '${value}'`);
  return value;
}

function formatOf(opts: { format?: string; json?: boolean }): ReportFormat {
  if (opts.json === true) return 'json';
  return parseFormat(opts.format ?? 'text');
}

/**
 * `netra-contracts registry check|register|diff|log|corpus-diff|rules`: the schema registry and breaking-change gate.
 */
export function register(program: Command): void {
  const registry = program
    .command('registry')
    .description('Schema registry: every published version of every message, and a gate against breaking changes.');
  addCheckCommand(registry);
  addRegisterCommand(registry);
  addDiffCommand(registry);
  addLogCommand(registry);
  addCorpusDiffCommand(registry);
  addRulesCommand(registry);
}

function addCheckCommand(registry: Command): void {
  registry
    .command('check')
    .description(
      'Compare asyncapi.yaml with the registry (and --against a git ref or file); exit 1 on a breaking or unregistered change.',
    )
    .option('--spec <file>', 'the working spec', 'asyncapi.yaml')
    .option('--registry <dir>', 'the registry folder', 'schemas')
    .option('--against <source>', "also compare with the spec at 'git:<ref>' or in a file")
    .option('--format <format>', 'text, json, junit or github', 'text')
    .option('--json', 'same as --format json')
    .option('--output <file>', 'write the report to a file instead of stdout')
    .action(
      async (opts: {
        spec: string;
        registry: string;
        against?: string;
        format: string;
        json?: boolean;
        output?: string;
      }) => {
        const format = formatOf(opts);
        const result = await checkRegistry({ spec: opts.spec, registryDir: opts.registry, against: opts.against });
        const notes: string[] = [];
        if (result.against?.missing !== undefined)
          notes.push(`nothing to compare at ${result.against.label}: ${result.against.missing}`);
        const text = formatReport(
          {
            command: 'check',
            file: opts.spec,
            ok: result.ok,
            compatible: result.compatible,
            changes: result.changes,
            drift: result.drift,
            integrity: result.integrity,
            notes,
            subjects: Object.keys(result.messages),
            lineOf: createLineLocator(opts.spec),
            docPathOf: (m) => result.messages[m],
            json: { ...result, messages: undefined },
          },
          format,
        );
        if (opts.output !== undefined) writeFileSync(opts.output, text);
        else process.stdout.write(text);
        if (!result.compatible) {
          throw new NetraError(
            'REGISTRY_INCOMPATIBLE',
            `${result.changes.filter((c) => c.breaking).length} breaking change(s) in ${opts.spec}`,
            { exitCode: 1 },
          );
        }
        if (!result.ok) {
          const what =
            result.integrity.length > 0
              ? 'the registry is damaged'
              : `${result.drift.length} change(s) not registered; run \`netra-contracts registry register\``;
          throw new NetraError('REGISTRY_DRIFT', what, { exitCode: 1 });
        }
      },
    );
}

function addRegisterCommand(registry: Command): void {
  registry
    .command('register')
    .description('Record new versions after a compatible change; refuse a breaking one unless --force --reason.')
    .option('--spec <file>', 'the working spec', 'asyncapi.yaml')
    .option('--registry <dir>', 'the registry folder', 'schemas')
    .option('--force', 'accept breaking changes (needs --reason)')
    .option('--reason <text>', 'why the breaking change is acceptable (recorded)')
    .option('--date <YYYY-MM-DD>', 'registration date (default: SOURCE_DATE_EPOCH or today, UTC)')
    .option('--role <role>', "for a new registry: the spec describes the 'server' (default) or a 'client'", 'server')
    .action(
      async (opts: {
        spec: string;
        registry: string;
        force?: boolean;
        reason?: string;
        date?: string;
        role: string;
      }) => {
        const result = await registerSpec({
          spec: opts.spec,
          registryDir: opts.registry,
          force: opts.force,
          reason: opts.reason,
          date: opts.date,
          role: parseRole(opts.role),
        }).catch((err: unknown) => {
          if (err instanceof RegistryError) for (const line of err.details) process.stderr.write(`  ${line}\n`);
          throw err;
        });
        const lines: string[] = [];
        if (result.created) lines.push(`created ${path.join(opts.registry, 'registry.yaml')}`);
        for (const r of result.registered)
          lines.push(
            `registered ${r.message} v${r.version} (${r.fingerprint.slice(0, 19)}...)${r.forced ? ' [forced]' : ''}`,
          );
        for (const r of result.retired) lines.push(`retired ${r.message}: ${r.reason}`);
        if (result.surfaceUpdated && !result.created)
          lines.push('recorded the new channels/operations/servers/security');
        for (const c of result.forced)
          lines.push(`accepted breaking change: ${c.message ?? '(document)'} ${c.kind} ${c.path || '/'}`);
        if (lines.length === 0) lines.push('nothing to register: the registry is up to date');
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    );
}

/**
 * Both sides at once: the parser process parses the new side while this process builds the old side's model. The
 * old side's error, if any, is the one reported, as when they were loaded one after the other.
 */
async function loadBoth(oldSource: string, newSource: string, pathForGit: string) {
  const first = loadSource(oldSource, pathForGit);
  const second = loadSource(newSource, pathForGit);
  second.catch(() => undefined); // awaited below, once the old side has loaded
  return [await first, await second] as const;
}

function addDiffCommand(registry: Command): void {
  registry
    .command('diff')
    .description(
      "Compare two AsyncAPI documents (files or 'git:<ref>'); exit 0 compatible, 1 incompatible, 2 bad input.",
    )
    .argument('<old>', "the old document (a file, or 'git:<ref>' for NEW's path at that ref)")
    .argument('<new>', 'the new document')
    .option('--mode <mode>', 'judge every message by this mode (default: each by its direction)')
    .option('--role <role>', "the documents describe the 'server' (default) or a 'client'", 'server')
    .option('--format <format>', 'text, json, junit or github', 'text')
    .option('--json', 'same as --format json')
    .action(
      async (
        oldSource: string,
        newSource: string,
        opts: { mode?: string; role: string; format: string; json?: boolean },
      ) => {
        const format = formatOf(opts);
        const mode = opts.mode !== undefined ? parseMode(opts.mode) : undefined;
        const role = parseRole(opts.role);
        if (newSource.startsWith('git:') && oldSource.startsWith('git:')) {
          throw new RegistryError('BAD_AGAINST', "at most one side can be 'git:<ref>' (the other names the file)");
        }
        const pathForGit = newSource.startsWith('git:') ? oldSource : newSource;
        const [a, b] = await loadBoth(oldSource, newSource, pathForGit);
        if (a.model === undefined || b.model === undefined) {
          throw new RegistryError(
            'BAD_AGAINST',
            `${a.model === undefined ? a.label : b.label}: ${a.missing ?? b.missing}`,
          );
        }
        const report = diffDocuments(a.model, b.model, { mode, role });
        const newModel = b.model;
        const text = formatReport(
          {
            command: 'diff',
            file: newSource,
            ok: report.compatible,
            compatible: report.compatible,
            changes: report.changes,
            drift: [],
            integrity: [],
            notes: [],
            subjects: [...newModel.messages.keys()],
            lineOf: newSource.startsWith('git:') ? undefined : createLineLocator(newSource),
            docPathOf: (m) => newModel.messages.get(m)?.docPath,
            json: diffJson(report),
          },
          format,
        );
        process.stdout.write(text);
        if (!report.compatible) {
          throw new NetraError(
            'REGISTRY_INCOMPATIBLE',
            `${report.changes.filter((c) => c.breaking).length} breaking change(s) from ${oldSource} to ${newSource}`,
            { exitCode: 1 },
          );
        }
      },
    );
}

function addLogCommand(registry: Command): void {
  registry
    .command('log')
    .description('Versions of every message (or one) and what changed between them.')
    .argument('[message]', 'one message')
    .option('--registry <dir>', 'the registry folder', 'schemas')
    .option('--json', 'print JSON')
    .action((message: string | undefined, opts: { registry: string; json?: boolean }) => {
      const history = registryHistory(opts.registry, message);
      if (!history.present)
        throw new RegistryError(
          'REGISTRY_NOT_FOUND',
          `${history.file} does not exist; create it with \`netra-contracts registry register\``,
        );
      process.stdout.write(opts.json === true ? `${JSON.stringify(history, null, 2)}\n` : formatHistory(history));
    });
}

function addCorpusDiffCommand(registry: Command): void {
  registry
    .command('corpus-diff')
    .description(
      'Diff each consecutive pair of documents of a folder and count change kinds (exit 1 on a crash or an unclassified change).',
    )
    .argument('<dir>', 'folder of revisions, in name order')
    .option('--role <role>', "the documents describe the 'server' (default) or a 'client'", 'server')
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { role: string; json?: boolean }) => {
      const report = await corpusDiffReport(dir, { role: parseRole(opts.role) });
      process.stdout.write(opts.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatCorpusDiff(report));
      if (report.failures > 0 || report.unclassified > 0) {
        throw new NetraError(
          'CORPUS_DIFF_FAILED',
          `${report.failures} pair(s) failed, ${report.unclassified} unclassified change(s)`,
          { exitCode: 1 },
        );
      }
    });
}

function addRulesCommand(registry: Command): void {
  registry
    .command('rules')
    .description('Print the change-kind catalogue (or --write src/registry/RULES.md).')
    .option('--write [file]', 'write the Markdown catalogue to a file', false)
    .option('--json', 'print the catalogue as JSON')
    .action((opts: { write: string | boolean; json?: boolean }) => {
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify(changeKinds, null, 2)}\n`);
        return;
      }
      const markdown = renderRulesMarkdown();
      if (opts.write !== false) {
        const file = typeof opts.write === 'string' ? opts.write : path.join('src', 'registry', 'RULES.md');
        writeFileSync(file, markdown);
        process.stdout.write(`wrote ${file}\n`);
      } else process.stdout.write(markdown);
    });
}
