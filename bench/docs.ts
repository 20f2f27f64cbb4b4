// Size and generation time of the docs site: end to end through the CLI (a fresh process, as `generate` and CI run
// it), then in-process (spec load vs page build), then over the shared AsyncAPI corpus when it is there.
// Targets (issue 6): the whole site under 300 KB and generated in under 2 s.
// Run: npm run bench:docs [-- --json] [-- --corpus DIR]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { discoverDocuments } from '../src/codegen';
import { generateDocs } from '../src/docs';
import { closeSpecLoader, loadSpec, type Spec } from '../src/asyncapi';

const ROOT = path.resolve(__dirname, '..');
const BUDGET_BYTES = 300 * 1024;
const BUDGET_MS = 2000;
const CLI_RUNS = 3;
const WARM_RUNS = 20;
const JSON_OUTPUT = process.argv.includes('--json');
const corpusFlag = process.argv.indexOf('--corpus');
const CORPUS =
  corpusFlag > 0
    ? path.resolve(process.argv[corpusFlag + 1] ?? '')
    : path.resolve(ROOT, '..', 'shared', 'corpus', 'asyncapi');
/** Lines for people; with --json, one JSON object at the end instead. */
const say = (text: string): void => {
  if (!JSON_OUTPUT) console.log(text);
};

const inputs = {
  sessionsDir: path.join(ROOT, 'contracts', 'sessions'),
  rulesDir: path.join(ROOT, 'contracts'),
  registryDir: path.join(ROOT, 'schemas'),
  projectRoot: ROOT,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mark(ok: boolean): string {
  return ok ? 'ok' : 'OVER';
}

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface Corpus {
  documents: number;
  build_ms_total: number;
  biggest: { path: string; bytes: number };
}

/** Builds the site of every root document of the corpus that parses; undefined when there is no corpus. */
async function corpusFigures(): Promise<Corpus | undefined> {
  if (!existsSync(CORPUS)) return undefined;
  let documents = 0;
  let buildMs = 0;
  let biggest = { path: '', bytes: 0 };
  for (const rel of await discoverDocuments(CORPUS)) {
    let doc: Spec;
    try {
      doc = await loadSpec(path.join(CORPUS, rel), { refRoot: CORPUS });
    } catch {
      continue; // invalid on purpose (see the corpus README): nothing to document
    }
    const start = process.hrtime.bigint();
    const site = await generateDocs({ spec: doc, role: 'application', projectRoot: CORPUS });
    buildMs += msSince(start);
    documents++;
    if (site.bytes > biggest.bytes) biggest = { path: rel, bytes: site.bytes };
  }
  return { documents, build_ms_total: Math.round(buildMs), biggest };
}

async function main(): Promise<void> {
  const out = mkdtempSync(path.join(tmpdir(), 'netra-bench-docs-'));
  try {
    // 1. The command, in a fresh process each time: what a developer or CI waits for.
    const reported: number[] = [];
    const wall: number[] = [];
    let line = '';
    for (let i = 0; i < CLI_RUNS; i++) {
      const start = process.hrtime.bigint();
      line = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'netra-contracts.js'), 'docs', '--out', out], {
        cwd: ROOT,
        encoding: 'utf8',
      }).split('\n')[0];
      wall.push(msSince(start));
      reported.push(Number(/in (\d+) ms/.exec(line)?.[1] ?? NaN));
    }
    say(`CLI: ${line}`);
    say(
      `CLI: command time (spec load + build + write) median ${median(reported).toFixed(0)} ms [${mark(median(reported) < BUDGET_MS)} < ${BUDGET_MS} ms]; ` +
        `whole process incl. node/tsx start-up median ${median(wall).toFixed(0)} ms`,
    );

    // 2. In process: how the time splits.
    let start = process.hrtime.bigint();
    const spec: Spec = await loadSpec(path.join(ROOT, 'asyncapi.yaml'));
    const loadMs = msSince(start);
    start = process.hrtime.bigint();
    const first = await generateDocs({ spec, ...inputs });
    const firstMs = msSince(start);
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      start = process.hrtime.bigint();
      await generateDocs({ spec, ...inputs });
      warm.push(msSince(start));
    }
    const html = Buffer.byteLength(first.files.get('index.html') ?? '');
    say(
      `in-process: spec load ${loadMs.toFixed(0)} ms (parser), first build ${firstMs.toFixed(1)} ms, warm build median ${median(warm).toFixed(1)} ms`,
    );
    say(
      `size: ${first.files.size} files, ${(first.bytes / 1024).toFixed(1)} KB [${mark(first.bytes < BUDGET_BYTES)} < ${BUDGET_BYTES / 1024} KB]; ` +
        `index.html ${(html / 1024).toFixed(1)} KB, ${first.files.size - 1} schema downloads ${((first.bytes - html) / 1024).toFixed(1)} KB`,
    );
    const s = first.stats;
    say(
      `content: ${s.messages} messages, ${s.fields} field rows, examples ${s.recordedExamples} recorded / ${s.documentExamples} from the document / ${s.noExample} none, ` +
        `${s.rules} rules, ${s.profiles} profiles, ${s.changelogVersions} registry versions, lifecycle ${s.lifecycle ? 'drawn' : 'absent'}`,
    );

    // 3. The corpus: every root document that parses.
    const corpus = await corpusFigures();
    if (corpus === undefined) say(`corpus: ${CORPUS} not found, skipped (--corpus DIR)`);
    else {
      say(
        `corpus: ${corpus.documents} documents built in ${corpus.build_ms_total} ms total (page build only); biggest ${corpus.biggest.path} ${(corpus.biggest.bytes / 1024).toFixed(1)} KB`,
      );
    }
    if (JSON_OUTPUT) {
      const commandMs = median(reported);
      const report = {
        bench: 'docs',
        node: process.version,
        cli: { command_ms_median: Math.round(commandMs), process_ms_median: Math.round(median(wall)), runs: CLI_RUNS },
        in_process: {
          spec_load_ms: Math.round(loadMs),
          first_build_ms: Number(firstMs.toFixed(1)),
          warm_build_ms_median: Number(median(warm).toFixed(1)),
        },
        size: { files: first.files.size, bytes: first.bytes, index_html_bytes: html },
        corpus: corpus ?? null,
        // Lower is better; the budgets are 1.
        ratios: {
          command_vs_budget: Number((commandMs / BUDGET_MS).toFixed(3)),
          size_vs_budget: Number((first.bytes / BUDGET_BYTES).toFixed(3)),
          warm_build_vs_spec_load: Number((median(warm) / loadMs).toFixed(3)),
          process_vs_command: Number((median(wall) / commandMs).toFixed(3)),
        },
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
    await closeSpecLoader();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
