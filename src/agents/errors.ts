import { NetraError } from '../util/errors';

/** Codes an {@link AgentFailure} carries; they become agent_error.code. */
export type AgentFailureCode = 'INVALID_WORKLOAD' | 'TOOL_FAILED' | 'UNKNOWN_AGENT' | 'AGENT_FAILED' | 'INVALID_AGENT';

/**
 * An agent run that cannot produce an answer. The provider turns it into agent_error with the same `code`, the
 * message, and `retryable` (whether sending the same request again may succeed).
 *
 * @example
 * throw new AgentFailure('INVALID_WORKLOAD', "No price for model 'mystery-llm'.", { retryable: false });
 */
export class AgentFailure extends NetraError {
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;

  constructor(
    code: AgentFailureCode | (string & {}),
    message: string,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause, exitCode: 1 });
    this.retryable = options.retryable ?? false;
  }
}
