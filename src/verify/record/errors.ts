import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link RecordError}. */
export type RecordErrorCode =
  | 'RECORD_CONNECT_FAILED'
  | 'RECORD_EXPECTATION_FAILED'
  | 'RECORD_ASSUMPTION_UNMET'
  | 'RECORD_TOKEN_UNAVAILABLE'
  | 'RECORD_OPTIONS_INVALID';

const CHECK_FAILED: ReadonlySet<RecordErrorCode> = new Set([
  'RECORD_CONNECT_FAILED',
  'RECORD_EXPECTATION_FAILED',
  'RECORD_ASSUMPTION_UNMET',
]);

/**
 * Running a scenario against a provider did not work out. Codes:
 * - `RECORD_CONNECT_FAILED` (no WebSocket handshake) and `RECORD_EXPECTATION_FAILED` (the provider did not do what
 *   the scenario waits for: a wait timed out, a run ended without what was awaited, a token meant to be accepted was
 *   refused or the reverse): exit 1;
 * - `RECORD_ASSUMPTION_UNMET`: the provider keeps the contract but not an assumption the scenario states (e.g. its
 *   agent calls no tool); the scenario is reported as skipped with the reason (exit 1 when it was asked for alone);
 * - `RECORD_TOKEN_UNAVAILABLE` (the target's token source cannot make a token the scenario needs: skipped, exit 2
 *   when asked for alone) and `RECORD_OPTIONS_INVALID`: exit 2.
 *
 * @example
 * throw new RecordError('RECORD_EXPECTATION_FAILED', 'step 4 wait_for: alice-1 got no agent_completed in 15000 ms');
 */
export class RecordError extends NetraError<RecordErrorCode> {
  constructor(code: RecordErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? (CHECK_FAILED.has(code) ? 1 : 2), cause: options.cause });
  }

  /** True for the codes that make a scenario skipped rather than failed. */
  get skipped(): boolean {
    return this.code === 'RECORD_ASSUMPTION_UNMET' || this.code === 'RECORD_TOKEN_UNAVAILABLE';
  }
}
