/** The corpus check: the whole pipeline over real-world AsyncAPI documents, as rows of cells. */
export { runCorpus, KNOWN_INVALID } from './run';
export type { CorpusOptions } from './run';
export { examplesColumn, tscColumn, KNOWN_EXAMPLE_DEFECTS } from './columns';
export { discoverDocuments } from './discover';
export { formatCorpusTable, formatTable } from './table';
export type { CorpusCell, CorpusColumn, CorpusDocument, CorpusReport, CorpusRow } from './model';
