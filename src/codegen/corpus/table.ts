import type { CorpusCell, CorpusReport } from './model';

/**
 * A plain-text table: a header row, a rule, then rows; every column as wide as its widest cell.
 *
 * @example
 * formatTable(['file', 'parse'], [['a.yml', 'ok']]);
 * // 'file   parse\n-----  -----\na.yml  ok'
 */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function cellText(cell: CorpusCell): string {
  switch (cell.status) {
    case 'ok':
      return cell.text ?? 'ok';
    case 'skip':
      return '-';
    case 'expected-fail':
      return cell.text === 'invalid' || cell.text === undefined ? 'invalid (expected)' : cell.text;
    case 'fail':
      return `FAIL ${cell.text ?? ''}`.trimEnd();
  }
}

/**
 * The corpus report as a table (one row per document, one column per check), then one line per failure or expected
 * rejection with its reason, then a verdict. Columns come from the report, so added columns print without changes here.
 *
 * @example
 * console.log(formatCorpusTable(await runCorpus({ root: '../shared/corpus/asyncapi' })));
 */
export function formatCorpusTable(report: CorpusReport): string {
  const headers = ['file', ...report.columns, 'result'];
  const rows = report.rows.map((row) => [
    row.path,
    ...report.columns.map((c) => cellText(row.cells[c])),
    row.passed ? 'pass' : 'FAIL',
  ]);
  const reasons: string[] = [];
  for (const row of report.rows) {
    for (const c of report.columns) {
      const cell = row.cells[c];
      if (cell.reason !== undefined && (cell.status === 'fail' || cell.status === 'expected-fail')) {
        const label = cell.status === 'fail' ? 'FAIL' : c === 'parse' ? 'rejected' : 'known';
        reasons.push(`${label}  ${row.path} [${c}]: ${cell.reason}`);
      }
    }
  }
  const valid = report.rows.filter((r) => !r.expectInvalid);
  const invalid = report.rows.filter((r) => r.expectInvalid);
  const knownDefects = valid.filter((r) => Object.values(r.cells).some((c) => c.status === 'expected-fail')).length;
  const verdict =
    `${valid.filter((r) => r.passed).length}/${valid.length} valid documents pass every column` +
    `${knownDefects ? ` (${knownDefects} with a known defect of their own examples)` : ''}; ` +
    `${invalid.filter((r) => r.passed).length}/${invalid.length} invalid documents rejected with a reason`;
  return [formatTable(headers, rows), '', ...reasons, ...(reasons.length ? [''] : []), verdict].join('\n');
}
