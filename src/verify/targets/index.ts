/**
 * Targets: the providers live tools verify, from the targets file (`netra-contracts.targets.yaml`, validated by
 * `contracts/targets.schema.json`) or the `--url/--auth-url` shorthand, each with its token source.
 */
export type { Target, TargetLimits } from './types';
export { DEFAULT_AUTH_PORT, DEFAULT_CLOCK_LEEWAY_S, resolveTarget, shorthandTarget } from './resolve';
export type { TargetFlags } from './resolve';
export { DEFAULT_TARGETS_FILE, loadTargetsFile } from './load';
export type { TargetEntry, TargetsFile } from './load';
export type { TargetProblem } from './problems';
export { TARGETS_SCHEMA_FILE } from './schema';
export { TargetError } from './errors';
export type { TargetErrorCode } from './errors';
