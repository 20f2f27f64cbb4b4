/**
 * The docs site for the channel's consumers, generated from the contract: one self-contained `index.html` (overview,
 * connecting and auth, lifecycle drawn from the rules, every message with its fields, a recorded example and its
 * JSON Schema, rules, timing profiles, changelog, search) plus `schemas/<message>.json` downloads.
 */
export { generateDocs, writeDocs, diffDocs } from './generate';
export type { DocsOptions, DocsOutput } from './generate';
export { DocsError } from './errors';
export type { DocsErrorCode } from './errors';
export { deriveFields } from './fields';
export type { DeriveFieldsOptions, FieldConstraint, FieldRow, FieldsTable } from './fields';
export { renderMarkdown, renderInline, isSafeHref } from './markdown';
export { lifecycleFromTable, lifecycleSvg } from './lifecycle';
export type { Lifecycle } from './lifecycle';
export { closeCodesOf } from './sections/overview';
export type { DescribedRole } from './model';
export { docsColumn } from './corpus-column';
