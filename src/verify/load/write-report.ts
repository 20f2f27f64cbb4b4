import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LoadError } from './errors';
import type { LoadReport } from './report';
import { renderHtmlReport } from './report-html';

/**
 * Writes a report file, the format chosen by the extension: `.json` (the report object, 2-space indented) or
 * `.html` (self-contained page with inline SVG charts). Parent folders are created. Throws LoadError LOAD_USAGE for
 * another extension and REPORT_WRITE_FAILED when the file cannot be written.
 *
 * @example
 * writeLoadReport('reports/load.json', report);
 * writeLoadReport('reports/load.html', report);
 */
export function writeLoadReport(file: string, report: LoadReport): void {
  const ext = path.extname(file).toLowerCase();
  let text: string;
  if (ext === '.json') text = `${JSON.stringify(report, null, 2)}\n`;
  else if (ext === '.html' || ext === '.htm') text = renderHtmlReport(report);
  else throw new LoadError('LOAD_USAGE', `--report ${file}: the file must end in .json or .html`);
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, text);
  } catch (err) {
    throw new LoadError(
      'REPORT_WRITE_FAILED',
      `cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      { cause: err },
    );
  }
}

/**
 * Checks `--report` extensions before a run starts, so a typo does not cost a whole run.
 *
 * @example
 * checkReportFiles(['reports/load.json', 'reports/load.html']); // ok
 * checkReportFiles(['reports/load.txt']);                       // throws LoadError LOAD_USAGE
 */
export function checkReportFiles(files: readonly string[]): void {
  for (const file of files) {
    if (!/\.(json|html?)$/i.test(file))
      throw new LoadError('LOAD_USAGE', `--report ${file}: the file must end in .json or .html`);
  }
}
