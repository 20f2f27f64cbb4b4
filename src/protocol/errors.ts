import { NetraError, type NetraErrorOptions } from '../util/errors';

export type ProtocolErrorCode = 'CONTRACT_MISSING' | 'CONTRACT_INVALID' | 'VALIDATORS_MISSING';

/**
 * `generated/` cannot be used: missing (run `netra-contracts generate`) or not what codegen writes. Exit code 2.
 *
 * @example
 * throw new ProtocolError('CONTRACT_MISSING', "generated/contract.json: not found; run 'netra-contracts generate'");
 */
export class ProtocolError extends NetraError<ProtocolErrorCode> {
  constructor(code: ProtocolErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, options);
  }
}
