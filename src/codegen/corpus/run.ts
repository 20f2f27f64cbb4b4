import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { formatDiagnostic, loadSpec, SpecError } from '../../asyncapi';
import { generateFiles } from '../generate';
import { writeOutput } from '../output';
import { examplesColumn, tscColumn } from './columns';
import { discoverDocuments } from './discover';
import type { CorpusCell, CorpusColumn, CorpusDocument, CorpusReport, CorpusRow } from './model';
import { PROJECT_ROOT } from '../../util/paths';

/** Documents of the shared corpus that are invalid on purpose (see its README); they must fail to parse. */
export const KNOWN_INVALID = [
  'asyncapi-spec/adeo-kafka-request-reply-asyncapi.yml',
  'deepgram/asyncapi.yml',
  'diff-pairs/asyncapi-diff-v3.new.yml',
];

export interface CorpusOptions {
  root: string;
  /** Columns after parse and generate; default `tsc` and `examples`. Add yours (registry diff, docs) here. */
  columns?: CorpusColumn[];
  /** Corpus-relative paths expected to fail parsing; default KNOWN_INVALID. */
  expectInvalid?: string[];
  /** Keep the generated outputs (their folder is printed) instead of deleting them. */
  keep?: boolean;
  /** Called after each document is parsed and generated (progress). */
  onDocument?: (document: CorpusDocument) => void;
}

function oneLine(err: unknown): string {
  if (err instanceof SpecError) {
    const [first] = err.diagnostics;
    const more = err.diagnostics.length > 1 ? ` (+${err.diagnostics.length - 1} more)` : '';
    return first === undefined ? err.message : `${formatDiagnostic(first)}${more}`;
  }
  const e = err as { code?: string; message?: string };
  return `${e.code ?? 'ERROR'}: ${String(e.message ?? err).split('\n')[0]}`;
}

/**
 * Runs the pipeline on every root document under `root`: parse, generate (into a temporary folder), then each
 * column. Returns the rows as data; `formatCorpusTable` prints them. A valid document passes when every cell is ok;
 * a known-invalid one when its parse fails (with a one-line `file:line:col  code  message` reason).
 *
 * @example
 * const report = await runCorpus({ root: '../shared/corpus/asyncapi' });
 * console.log(formatCorpusTable(report));
 * process.exitCode = report.passed ? 0 : 1;
 */
export async function runCorpus(options: CorpusOptions): Promise<CorpusReport & { outDir?: string }> {
  const root = path.resolve(options.root);
  const columns = options.columns ?? [tscColumn, examplesColumn];
  const expectInvalid = new Set(options.expectInvalid ?? KNOWN_INVALID);
  const paths = await discoverDocuments(root);
  await mkdir(path.join(PROJECT_ROOT, 'tmp'), { recursive: true });
  const outRoot = await mkdtemp(path.join(PROJECT_ROOT, 'tmp', 'corpus-'));
  try {
    const documents: CorpusDocument[] = [];
    const cells = new Map<string, Record<string, CorpusCell>>();
    for (const [index, rel] of paths.entries()) {
      const document: CorpusDocument = { path: rel, file: path.join(root, rel), expectInvalid: expectInvalid.has(rel) };
      const row: Record<string, CorpusCell> = {};
      cells.set(rel, row);
      documents.push(document);
      try {
        // A corpus is one tree: its documents may share files anywhere inside it (`../common/...`), not outside it.
        document.spec = await loadSpec(path.relative(process.cwd(), document.file) || document.file, { refRoot: root });
        row.parse = { status: 'ok', text: `${document.spec.asyncapiVersion}, ${document.spec.messages.length} msg` };
      } catch (err) {
        const reason = oneLine(err);
        row.parse = { status: document.expectInvalid ? 'expected-fail' : 'fail', text: 'invalid', reason };
        options.onDocument?.(document);
        continue;
      }
      try {
        document.generated = await generateFiles(document.spec);
        const outDir = path.join(
          outRoot,
          `${String(index + 1).padStart(2, '0')}-${rel.replace(/[^A-Za-z0-9.-]+/g, '_')}`,
        );
        await writeOutput(outDir, document.generated.files);
        document.outDir = outDir;
        const warnings = document.generated.warnings.length;
        row.generate = {
          status: 'ok',
          text: `${document.generated.files.size} files${warnings ? `, ${warnings} warn` : ''}`,
        };
      } catch (err) {
        row.generate = { status: 'fail', text: 'failed', reason: oneLine(err) };
      }
      options.onDocument?.(document);
    }
    for (const column of columns) {
      const results = await column.run(documents.filter((d) => d.spec !== undefined));
      for (const d of documents) {
        (cells.get(d.path) as Record<string, CorpusCell>)[column.name] = results.get(d.path) ?? { status: 'skip' };
      }
    }
    const names = ['parse', 'generate', ...columns.map((c) => c.name)];
    const rows: CorpusRow[] = documents.map((d) => {
      const row = cells.get(d.path) as Record<string, CorpusCell>;
      const full: Record<string, CorpusCell> = {};
      for (const name of names) full[name] = row[name] ?? { status: 'skip' };
      const passed = d.expectInvalid
        ? full.parse.status === 'expected-fail'
        : names.every(
            (name) => full[name].status === 'ok' || (name !== 'parse' && full[name].status === 'expected-fail'),
          );
      if (d.expectInvalid && full.parse.status === 'ok') {
        full.parse = { ...full.parse, status: 'fail', reason: 'listed as invalid in the corpus README, but it parsed' };
      }
      return { path: d.path, expectInvalid: d.expectInvalid, cells: full, passed };
    });
    return {
      root,
      columns: names,
      rows,
      passed: rows.every((r) => r.passed),
      ...(options.keep ? { outDir: outRoot } : {}),
    };
  } finally {
    if (!options.keep) await rm(outRoot, { recursive: true, force: true });
  }
}
