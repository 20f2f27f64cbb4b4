import type { Spec } from '../../asyncapi';
import type { GeneratedOutput } from '../generate';

/** One cell of the corpus table. `expected-fail`: a document known to be invalid failed, as it must. */
export interface CorpusCell {
  status: 'ok' | 'fail' | 'skip' | 'expected-fail';
  /** Short text for the table (e.g. `3/3`). */
  text?: string;
  /** One line saying why, for failures (`file:line:col  code  message` for document problems). */
  reason?: string;
  /** Every failure, when there are several. */
  details?: string[];
}

/** What the columns know about a document once it has been parsed and generated. */
export interface CorpusDocument {
  /** Path relative to the corpus root, `/`-separated. */
  path: string;
  /** Absolute path. */
  file: string;
  /** True when the corpus README lists the document as invalid. */
  expectInvalid: boolean;
  spec?: Spec;
  generated?: GeneratedOutput;
  /** Folder the generated files were written to. */
  outDir?: string;
}

/**
 * A column of the corpus table. Runs once over all documents (so a column can batch work, like one `tsc` over every
 * output) and returns a cell per document path; documents it has nothing to say about get `skip`.
 */
export interface CorpusColumn {
  name: string;
  run(documents: CorpusDocument[]): Promise<Map<string, CorpusCell>>;
}

export interface CorpusRow {
  path: string;
  expectInvalid: boolean;
  cells: Record<string, CorpusCell>;
  /**
   * True when the row is as expected: every column ok (or a listed known defect) for a valid document, a failed
   * parse for an invalid one.
   */
  passed: boolean;
}

export interface CorpusReport {
  root: string;
  columns: string[];
  rows: CorpusRow[];
  passed: boolean;
}
