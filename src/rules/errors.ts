import { NetraError } from '../util/errors';

/**
 * Rule files, profiles or check wiring that cannot be used. Codes: `RULES_UNREADABLE`, `RULES_INVALID`,
 * `RULES_UNKNOWN_CHECK`, `PROFILES_INVALID`, `PROFILE_UNKNOWN`, `VALIDATORS_MISSING`. Always exit code 2.
 *
 * @example
 * throw new RulesError('RULES_UNKNOWN_CHECK', "contracts/rules/order.yaml: rule order.x: unknown check 'foo'");
 */
export class RulesError extends NetraError {
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { exitCode: 2, cause: options.cause });
  }
}
