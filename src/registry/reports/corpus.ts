// Running the document diff over a folder of consecutive revisions of a real API (e.g. the Deepgram history in the
// shared corpus): every change must get a kind from the catalogue, and nothing may crash.
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec } from '../../asyncapi';
import { diffDocuments } from '../diff/document/diff';
import { documentModelFromSpec, type DocumentModel } from '../diff/document/model';
import { RegistryError } from '../errors';
import { changeKinds, isChangeKind } from '../diff/kinds';
import type { DescribedRole } from '../diff/modes';

export interface CorpusPair {
  old: string;
  new: string;
  compatible?: boolean;
  changes: number;
  breaking: number;
  counts: Record<string, number>;
  /** Milliseconds spent diffing (parsing excluded). */
  diffMs: number;
  /** Set when a document could not be loaded or the diff threw. */
  error?: string;
}

export interface CorpusDiffReport {
  dir: string;
  pairs: CorpusPair[];
  /** Change count per kind over all pairs, most frequent first. */
  counts: Record<string, number>;
  /** Changes whose kind is not in the catalogue (always 0 unless the diff is broken). */
  unclassified: number;
  /** Pairs that failed to load or crashed. */
  failures: number;
}

/**
 * Diffs each consecutive pair of `*.yml`/`*.yaml`/`*.json` files of a folder (sorted by name) and counts change
 * kinds. Loading errors and crashes are recorded per pair, never thrown.
 *
 * @example
 * const report = await corpusDiffReport('../shared/corpus/asyncapi/deepgram/history');
 * console.log(report.counts, report.unclassified);
 */
export async function corpusDiffReport(dir: string, options: { role?: DescribedRole } = {}): Promise<CorpusDiffReport> {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/i.test(f))
      .sort();
  } catch (err) {
    throw new RegistryError('CORPUS_UNREADABLE', `cannot read ${dir}: ${(err as Error).message}`);
  }
  if (files.length < 2) throw new RegistryError('CORPUS_UNREADABLE', `${dir} holds fewer than two documents`);
  const models = new Map<string, DocumentModel | Error>();
  const load = async (file: string): Promise<DocumentModel | Error> => {
    const cached = models.get(file);
    if (cached !== undefined) return cached;
    let result: DocumentModel | Error;
    try {
      result = documentModelFromSpec(await loadSpec(path.join(dir, file)));
    } catch (err) {
      result = err instanceof Error ? err : new Error(String(err));
    }
    models.set(file, result);
    return result;
  };
  const pairs: CorpusPair[] = [];
  const counts: Record<string, number> = {};
  let unclassified = 0;
  for (let i = 1; i < files.length; i++) {
    const pair: CorpusPair = { old: files[i - 1], new: files[i], changes: 0, breaking: 0, counts: {}, diffMs: 0 };
    const a = await load(files[i - 1]);
    const b = await load(files[i]);
    if (a instanceof Error || b instanceof Error) {
      pair.error = (a instanceof Error ? a : (b as Error)).message.split('\n')[0];
      pairs.push(pair);
      continue;
    }
    try {
      const started = process.hrtime.bigint();
      const report = diffDocuments(a, b, { role: options.role });
      pair.diffMs = Number(process.hrtime.bigint() - started) / 1e6;
      pair.compatible = report.compatible;
      pair.changes = report.changes.length;
      pair.breaking = report.changes.filter((c) => c.breaking).length;
      for (const c of report.changes) {
        if (!isChangeKind(c.kind)) unclassified++;
        pair.counts[c.kind] = (pair.counts[c.kind] ?? 0) + 1;
        counts[c.kind] = (counts[c.kind] ?? 0) + 1;
      }
    } catch (err) {
      pair.error = `diff crashed: ${(err as Error).message}`;
    }
    pairs.push(pair);
  }
  const sorted = Object.fromEntries(Object.entries(counts).sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1)));
  return { dir, pairs, counts: sorted, unclassified, failures: pairs.filter((p) => p.error !== undefined).length };
}

/**
 * The report as two plain-text tables: one row per pair, then the count of each change kind.
 *
 * @example
 * process.stdout.write(formatCorpusDiff(await corpusDiffReport(dir)));
 */
export function formatCorpusDiff(report: CorpusDiffReport): string {
  const lines: string[] = [`registry diff over ${report.pairs.length} consecutive pairs in ${report.dir}`, ''];
  lines.push('old -> new                              changes  breaking  verdict       diff ms');
  for (const p of report.pairs) {
    const name = `${p.old} -> ${p.new}`.padEnd(40);
    if (p.error !== undefined) {
      lines.push(`${name}  ERROR: ${p.error}`);
      continue;
    }
    const verdict = p.compatible ? 'compatible' : 'incompatible';
    lines.push(
      `${name}${String(p.changes).padStart(7)}  ${String(p.breaking).padStart(8)}  ${verdict.padEnd(12)}  ${p.diffMs.toFixed(1).padStart(7)}`,
    );
  }
  lines.push('', 'change kind                                              count  breaks');
  for (const [kind, count] of Object.entries(report.counts)) {
    const breaks = isChangeKind(kind) ? changeKinds[kind].breaks : '?';
    lines.push(`${kind.padEnd(55)}${String(count).padStart(6)}  ${breaks}`);
  }
  const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
  lines.push(
    '',
    `${total} changes, ${Object.keys(report.counts).length} kinds, ${report.unclassified} unclassified, ${report.failures} failed pair(s)`,
  );
  return `${lines.join('\n')}\n`;
}
