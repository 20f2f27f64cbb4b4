/**
 * The protocol as generated from asyncapi.yaml: the one reader of `generated/contract.json` and
 * `generated/validators`. Everything the code knows about message types, run events, limits and close codes comes
 * from here, so a change to asyncapi.yaml needs no TypeScript edit.
 */
export { CONTRACT_FILE, loadProtocol } from './contract';
export { ProtocolError } from './errors';
export type { ProtocolErrorCode } from './errors';
export { generatedValidators, loadGeneratedValidators } from './validators';
export type { GeneratedValidatorsModule } from './validators';
export type { ChannelLimits, MessageValidators, Protocol, RunEventLike, SchemaError, ValidationResult } from './types';
