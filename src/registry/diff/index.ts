/**
 * The pure part of the registry: the JSON-Schema-aware differ, the document differ, the change-kind catalogue, the
 * compatibility modes and the instance check. No file system, no git: schemas and document models in, named and
 * judged changes out.
 */
export { diffSchemas } from './schema/diff-schemas';
export type { DiffSchemasOptions } from './schema/diff-schemas';
export type { SchemaChange } from './schema/context';
export { collectChanges, diffDocuments, judgeChanges } from './document/diff';
export type { DiffOptions, DiffReport, JudgedChange } from './document/diff';
export type { Change, ChangeScope } from './document/collector';
export { documentModelFromSpec, schemeSignature } from './document/model';
export type {
  ChannelModel,
  DocumentModel,
  MessageModel,
  OperationModel,
  SecurityOption,
  SecuritySchemeModel,
  ServerModel,
} from './document/model';
export { TOLERANT_READER_EXTENSION } from './document/tolerant-reader';
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
export { canonicalJson, canonicalSchema, fingerprint, sortKeysDeep } from './canonical';
export { checkInstances, describeDisagreement } from './instances/check';
export type { InstanceCheckOptions, InstanceDisagreement } from './instances/check';
export { generateInstances } from './instances/generate';
