import { NetraError } from '../../util/errors';

/**
 * A scenario file that cannot be used. Codes: `SCENARIO_UNREADABLE` (file system), `SCENARIO_INVALID` (YAML, schema
 * or reference problems; the message lists each with `file:line:col`). Exit code 2: the input is bad.
 *
 * @example
 * throw new ScenarioError('SCENARIO_INVALID', 'drop.yaml:12:7: /steps/3/send: must have required property "msg"');
 */
export class ScenarioError extends NetraError {
  /** One line per problem, `file:line:col: pointer: message`. */
  readonly problems: string[];

  constructor(code: 'SCENARIO_UNREADABLE' | 'SCENARIO_INVALID', message: string, problems: string[] = []) {
    super(code, message, { exitCode: 2 });
    this.problems = problems;
  }
}

/**
 * Recording a scenario failed. Codes: `RECORD_CONNECT_FAILED` (no WebSocket handshake, exit 1),
 * `RECORD_EXPECTATION_FAILED` (the provider did not do what the scenario waits for: a wait timed out, a token the
 * scenario meant to be accepted was refused or the reverse; exit 1), `RECORD_TOKEN_UNAVAILABLE` (a token kind cannot be
 * made against this provider; exit 2), `RECORD_OPTIONS_INVALID` (exit 2).
 *
 * @example
 * throw new RecordError('RECORD_EXPECTATION_FAILED', 'step 4 wait_for: alice-1 got no agent_completed in 15000 ms');
 */
export class RecordError extends NetraError {
  constructor(
    code: 'RECORD_CONNECT_FAILED' | 'RECORD_EXPECTATION_FAILED' | 'RECORD_TOKEN_UNAVAILABLE' | 'RECORD_OPTIONS_INVALID',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    const exitCode = code === 'RECORD_CONNECT_FAILED' || code === 'RECORD_EXPECTATION_FAILED' ? 1 : 2;
    super(code, message, { exitCode, cause: options.cause });
  }
}
