/**
 * Spec loading: an AsyncAPI document (2.6 or 3.x) in, a finite, dereferenced, `x-parser-*`-free model out, under
 * documented limits (size, YAML aliases, nesting, `$ref`s, time, memory). Every other capability reads the contract
 * through this module; the AsyncAPI parser itself is only loaded, in a worker process, by the first load.
 */
export { loadSpec, loadSpecFromString } from './load';
export { closeSpecLoader, warmSpecLoader } from './parse-thread';
export { configureSpecLoading, DEFAULT_SPEC_LIMITS } from './limits';
export type { LoadOptions, SpecLimits } from './limits';
export { SpecError, formatDiagnostic } from './errors';
export type { SpecDiagnostic, SpecErrorCode, SpecErrorOptions } from './errors';
export { followRef, isRef, localDocument, resolveRef } from './refs';
export type { RefDocuments, RefResolution } from './refs';
export type {
  JsonSchema,
  MessageDirection,
  Spec,
  SpecChannel,
  SpecExample,
  SpecMessage,
  SpecOperation,
  SpecSecurityScheme,
  SpecServer,
} from './model';
export { toFiniteSchema } from './finite-json';
export { SUBSCHEMA_ARRAY_KEYWORDS, SUBSCHEMA_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from './schema-keywords';
