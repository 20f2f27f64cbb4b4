/**
 * The schema registry and breaking-change gate: `schemas/` holds every published version of every message, and
 * every change to asyncapi.yaml is named (kinds.ts), judged under a compatibility mode, and refused when an older
 * peer could not read it.
 */
export { diffSchemas } from './schema-diff';
export type { SchemaChange, DiffSchemasOptions } from './schema-diff';
export { diffDocuments } from './document-diff';
export type { Change, ChangeScope, DiffOptions, DiffReport, JudgedChange } from './document-diff';
export { documentModelFromSpec } from './document-model';
export type { DocumentModel, MessageModel } from './document-model';
export { changeKinds, changeKindNames, isChangeKind, breaksBackward, breaksForward } from './kinds';
export type { Breaks, ChangeKind, KindGroup, KindRule } from './kinds';
export {
  compatibilityModes,
  defaultModeFor,
  isBreaking,
  isTransitive,
  parseMode,
  checksBackward,
  checksForward,
  DEFAULT_DOCUMENT_MODE,
} from './modes';
export type { CompatibilityMode, DescribedRole } from './modes';
export { canonicalJson, canonicalSchema, fingerprint } from './canonical';
export { RegistryError } from './errors';
export type { RegistryErrorCode } from './errors';
export { readRegistry, readVersionSchema, versionFile, REGISTRY_FILE } from './store';
export type { Registry, RegistryMessage, RegistryVersion, RegistrySurface } from './store';
export { checkRegistry } from './check';
export type { CheckOptions, CheckResult } from './check';
export { registerSpec } from './register';
export type { RegisterOptions, RegisterResult } from './register';
export { registryHistory, formatHistory } from './log';
export type { RegistryHistory, HistoryMessage, HistoryVersion, HistoryChange } from './log';
export { corpusDiffReport, formatCorpusDiff } from './corpus';
export type { CorpusDiffReport, CorpusPair } from './corpus';
export { loadSource, loadSpecAtRef } from './sources';
export { createLineLocator } from './locate';
export { formatReport, parseFormat, diffJson, reportFormats } from './report';
export type { ReportFormat, ReportInput } from './report';
export { renderRulesMarkdown } from './rules-doc';
