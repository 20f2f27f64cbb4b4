import * as path from 'node:path';
import { diffOutput, messageSchema, writeOutput, type OutputDifference } from '../codegen';
import { loadSpec, type LoadOptions, type Spec, type SpecMessage } from '../asyncapi';
import { DocsError } from './errors';
import { AnchorIds, anchorId } from './escape';
import { readChangelog } from './inputs/registry';
import { readRulesDoc } from './inputs/rules';
import { pickRecordedExamples } from './inputs/sessions';
import type { DescribedRole, DocsModel } from './model';
import { renderPage, SECTION_IDS } from './page';

export interface DocsOptions {
  /** An already loaded spec; else `specFile` is loaded (with `load`). */
  spec?: Spec;
  specFile?: string;
  load?: LoadOptions;
  /** Folder of `*.session.jsonl` files to take examples from; omitted: the document's own examples. */
  sessionsDir?: string;
  /** Folder holding `rules/*.yaml` and `profiles.yaml`; omitted: no rules, lifecycle or profiles. */
  rulesDir?: string;
  /** Schema registry folder (`registry.yaml`, `<message>/v<N>.json`); omitted: no changelog. */
  registryDir?: string;
  /** Which application the document describes (direction labels). Default `server`. */
  role?: DescribedRole;
  /** Paths shown on the page are relative to this folder. Default: the working directory. */
  projectRoot?: string;
}

export interface DocsOutput {
  /** Path relative to the site folder (`index.html`, `schemas/<message>.json`) -> content. */
  files: Map<string, string>;
  /** Total size of the files in bytes (UTF-8). */
  bytes: number;
  stats: {
    messages: number;
    fields: number;
    /** Messages whose example is a recorded frame / the document's own / none. */
    recordedExamples: number;
    documentExamples: number;
    noExample: number;
    rules: number;
    profiles: number;
    changelogVersions: number;
    lifecycle: boolean;
  };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Builds the docs site in memory: one self-contained `index.html` (inline CSS and JS, no external URL, no fetch)
 * and `schemas/<message>.json` downloads (the same bytes as `generated/schemas`). Same inputs, same bytes: no
 * timestamps, no absolute paths. Inputs that are not given (sessions, rules, registry) are left out gracefully;
 * inputs that are given but malformed throw (`DocsError`, `SessionError`, `SpecError`; exit 2).
 *
 * @example
 * const site = await generateDocs({ specFile: 'asyncapi.yaml', sessionsDir: 'contracts/sessions',
 *   rulesDir: 'contracts', registryDir: 'schemas' });
 * console.log([...site.files.keys()], site.bytes);
 */
export async function generateDocs(options: DocsOptions): Promise<DocsOutput> {
  if (options.spec === undefined && options.specFile === undefined) {
    throw new DocsError('DOCS_BAD_OPTION', 'generateDocs needs `spec` or `specFile`');
  }
  const spec = options.spec ?? (await loadSpec(options.specFile as string, options.load));
  const root = path.resolve(options.projectRoot ?? process.cwd());
  const displayOf = (file: string): string => {
    const relative = path.relative(root, path.resolve(file));
    const shown =
      relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? path.basename(file) : relative;
    return shown.split(path.sep).join('/');
  };

  const files = new Map<string, string>();
  const schemaFiles = new Map<string, { path: string; bytes: number }>();
  const schemaTexts: [string, string][] = spec.messages.map((m) => [
    `schemas/${m.name}.json`,
    json(messageSchema(spec, m)),
  ]);
  spec.messages.forEach((m, i) =>
    schemaFiles.set(m.name, { path: schemaTexts[i][0], bytes: Buffer.byteLength(schemaTexts[i][1]) }),
  );

  const anchors = new AnchorIds();
  for (const id of SECTION_IDS) anchors.take(id);
  const messageAnchors = new Map(spec.messages.map((m) => [m.name, anchors.take(anchorId('msg', m.name))]));
  const messageByType = new Map<string, SpecMessage>();
  for (const m of spec.messages) if (m.type !== undefined && !messageByType.has(m.type)) messageByType.set(m.type, m);

  const model: DocsModel = {
    spec,
    role: options.role ?? 'server',
    schemaFiles,
    messageAnchors,
    messageByType,
    sources: { spec: displayOf(spec.file) },
  };
  if (options.sessionsDir !== undefined) {
    model.sources.sessions = displayOf(options.sessionsDir);
    model.recorded = pickRecordedExamples(spec, options.sessionsDir, displayOf);
  }
  if (options.rulesDir !== undefined) {
    model.sources.rules = displayOf(options.rulesDir);
    model.rules = readRulesDoc(options.rulesDir, displayOf);
  }
  if (options.registryDir !== undefined) {
    model.sources.registry = displayOf(options.registryDir);
    model.changelog = readChangelog(spec, options.registryDir, displayOf);
  }

  const html = renderPage(model, anchors);
  files.set('index.html', html);
  for (const [file, text] of schemaTexts) files.set(file, text);

  let bytes = 0;
  for (const text of files.values()) bytes += Buffer.byteLength(text);
  const recordedExamples = model.recorded?.byMessage.size ?? 0;
  const documentExamples = spec.messages.filter(
    (m) => !model.recorded?.byMessage.has(m.name) && m.examples.length > 0,
  ).length;
  return {
    files,
    bytes,
    stats: {
      messages: spec.messages.length,
      fields: (html.match(/<tr id="f-/g) ?? []).length,
      recordedExamples,
      documentExamples,
      noExample: spec.messages.length - recordedExamples - documentExamples,
      rules: model.rules?.families.reduce((n, f) => n + f.rules.length, 0) ?? 0,
      profiles: model.rules?.profiles?.profiles.length ?? 0,
      changelogVersions: model.changelog?.messages.reduce((n, m) => n + m.versions.length, 0) ?? 0,
      lifecycle: model.rules?.lifecycle !== undefined,
    },
  };
}

/**
 * Writes a generated site under `outDir` (only files whose bytes change) and removes schema downloads of messages
 * that are gone. Returns what changed.
 *
 * @example
 * const site = await generateDocs({ specFile: 'asyncapi.yaml' });
 * await writeDocs('generated/docs', site.files);
 */
export async function writeDocs(outDir: string, files: Map<string, string>): Promise<OutputDifference[]> {
  try {
    return await writeOutput(outDir, files);
  } catch (err) {
    throw new DocsError('DOCS_WRITE_FAILED', `cannot write ${outDir}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Compares a generated site with `outDir` on disk: every file that differs, is missing, or is a stale download.
 * Empty when the folder is up to date (for `generate --check`).
 *
 * @example
 * const stale = await diffDocs('generated/docs', (await generateDocs({ specFile: 'asyncapi.yaml' })).files);
 */
export async function diffDocs(outDir: string, files: Map<string, string>): Promise<OutputDifference[]> {
  return diffOutput(outDir, files);
}
