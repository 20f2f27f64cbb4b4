/**
 * The schema registry and breaking-change gate: `schemas/` holds every published version of every message, and
 * every change to asyncapi.yaml is named (diff/kinds.ts), judged under a compatibility mode, and refused when an
 * older peer could not read it. `diff/` is pure (schemas in, judged changes out); `store/` reads and writes
 * `schemas/`; `gate/` runs check and register; `reports/` prints what was found.
 */
export * from './diff';
export { RegistryError } from './errors';
export type { RegistryErrorCode } from './errors';
export { readRegistry, readVersionSchema, versionFile, REGISTRY_FILE } from './store';
export type { Registry, RegistryMessage, RegistryVersion, RegistrySurface } from './store';
export { checkRegistry } from './gate/check';
export type { CheckOptions, CheckResult } from './gate/check';
export { registerSpec } from './gate/register';
export type { RegisterOptions, RegisterResult } from './gate/register';
export { loadSource, loadSpecAtRef } from './gate/sources';
export { registryHistory, formatHistory } from './reports/log';
export type { RegistryHistory, HistoryMessage, HistoryVersion, HistoryChange } from './reports/log';
export { corpusDiffReport, formatCorpusDiff } from './reports/corpus';
export type { CorpusDiffReport, CorpusPair } from './reports/corpus';
export { createLineLocator } from './reports/locate';
export { formatReport, parseFormat, diffJson, reportFormats } from './reports/report';
export type { ReportFormat, ReportInput } from './reports/report';
export { renderRulesMarkdown } from './reports/rules-doc';
