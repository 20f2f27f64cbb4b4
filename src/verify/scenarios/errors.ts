import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link ScenarioError}. */
export type ScenarioErrorCode = 'SCENARIO_UNREADABLE' | 'SCENARIO_INVALID';

/**
 * A scenario file that cannot be used. Codes: `SCENARIO_UNREADABLE` (file system), `SCENARIO_INVALID` (YAML, schema
 * or reference problems; the message lists each with `file:line:col`). Exit code 2: the input is bad.
 *
 * @example
 * throw ScenarioError.withProblems('drop.yaml', ['drop.yaml:12:7: /steps/3/send: must have the field "msg"']);
 */
export class ScenarioError extends NetraError<ScenarioErrorCode> {
  /** One line per problem, `file:line:col: pointer: message`. */
  problems: string[] = [];

  constructor(code: ScenarioErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? 2, cause: options.cause });
  }

  /** `SCENARIO_INVALID` listing the problems (the first 20 in the message). */
  static withProblems(file: string, problems: string[]): ScenarioError {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
    const noun = problems.length === 1 ? 'problem' : 'problems';
    const error = new ScenarioError(
      'SCENARIO_INVALID',
      `${file}: ${problems.length} ${noun}:\n  ${shown.join('\n  ')}${more}`,
    );
    error.problems = problems;
    return error;
  }
}
