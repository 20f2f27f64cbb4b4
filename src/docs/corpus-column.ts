import * as path from 'node:path';
import type { CorpusCell, CorpusColumn } from '../codegen';
import { generateDocs, writeDocs } from './generate';

/** Tags that would make the page load something; the site must have none (links are plain anchors). */
const LOADING_MARKUP =
  /<(link|img|iframe|object|embed|audio|video|source|base)\b|<script\b[^>]*\bsrc=|@import|url\(\s*['"]?(?!#)[a-z]/i;

/**
 * The corpus table's `docs` column: builds the docs site of every parsed document (in memory, written beside its
 * generated code when the run keeps outputs) and checks that it is self-contained: one page, a strict CSP, nothing
 * that loads a resource. The cell gives the site's file count and size (no timings: the table stays reproducible).
 *
 * @example
 * const report = await runCorpus({ root: '../shared/corpus/asyncapi', columns: [tscColumn, examplesColumn, docsColumn] });
 */
export const docsColumn: CorpusColumn = {
  name: 'docs',
  async run(documents) {
    const cells = new Map<string, CorpusCell>();
    for (const d of documents) {
      if (d.spec === undefined) continue;
      try {
        const site = await generateDocs({ spec: d.spec, role: 'application', projectRoot: path.dirname(d.file) });
        const html = site.files.get('index.html') ?? '';
        const loads = LOADING_MARKUP.exec(html);
        if (!html.includes(`http-equiv="Content-Security-Policy" content="default-src 'none'`)) {
          cells.set(d.path, { status: 'fail', text: 'no CSP', reason: 'index.html lacks its Content-Security-Policy' });
        } else if (loads !== null) {
          cells.set(d.path, {
            status: 'fail',
            text: 'not offline',
            reason: `index.html would load a resource: ${loads[0]}`,
          });
        } else {
          if (d.outDir !== undefined) await writeDocs(path.join(d.outDir, 'docs'), site.files);
          cells.set(d.path, { status: 'ok', text: `${site.files.size} files, ${Math.ceil(site.bytes / 1024)} KB` });
        }
      } catch (err) {
        const e = err as { code?: string; message?: string };
        cells.set(d.path, {
          status: 'fail',
          text: 'failed',
          reason: `${e.code ?? 'ERROR'}: ${String(e.message ?? err).split('\n')[0]}`,
        });
      }
    }
    return cells;
  },
};
