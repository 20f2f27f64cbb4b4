/**
 * Spec loading: an AsyncAPI document (2.6 or 3.x) in, a finite, dereferenced, `x-parser-*`-free model out.
 * Every other capability reads the contract through this module.
 */
export { loadSpec, loadSpecFromString } from './load';
export { SpecError, formatDiagnostic } from './errors';
export type { SpecDiagnostic } from './errors';
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
export { toFiniteJson, toFiniteSchema } from './finite-json';
export { SUBSCHEMA_ARRAY_KEYWORDS, SUBSCHEMA_KEYWORDS, SUBSCHEMA_MAP_KEYWORDS } from './schema-keywords';
