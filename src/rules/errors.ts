import { NetraError, type NetraErrorOptions } from '../util/errors';

/**
 * `RULES_UNREADABLE` (a rules folder or file that cannot be read), `RULES_INVALID` (a rule file that breaks the
 * schema or the engine's expectations), `RULES_UNKNOWN_CHECK` (a `check:` no check kind implements),
 * `PROFILES_INVALID` (the timing profiles file), `PROFILE_UNKNOWN` (a profile name that is not in it).
 */
export type RulesErrorCode =
  'RULES_UNREADABLE' | 'RULES_INVALID' | 'RULES_UNKNOWN_CHECK' | 'PROFILES_INVALID' | 'PROFILE_UNKNOWN';

/**
 * Rule files, profiles or check wiring that cannot be used. Exit code 2 (bad input) unless told otherwise.
 *
 * @example
 * throw new RulesError('RULES_UNKNOWN_CHECK', "contracts/rules/order.yaml: rule order.x: unknown check 'foo'");
 */
export class RulesError extends NetraError<RulesErrorCode> {
  constructor(code: RulesErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, options);
  }
}
