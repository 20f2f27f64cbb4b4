import type { RequestTemplate } from './mix';

/** How a run ended, from its terminal event. */
export type TerminalOutcome = 'completed' | 'cancelled' | 'failed';

/**
 * A run a tab started, from its `start_agent` to its outcome: the request as sent (sent again with the same
 * `request_id` when the connection died before the answer), its timings, and what the mix asks of it (cancel or drop
 * after so many events).
 *
 * @example
 * const own = new OwnRun(template, 'u1-r3', startMsg, ctx.now());
 */
export class OwnRun {
  /** The start_agent was sent again on a new connection. */
  resent = false;
  /** When the start_agent that got the answer was sent (the resend, if any): first-event latency counts from it. */
  lastSentAt: number;
  runId: string | undefined;
  firstAt: number | undefined;
  terminalAt: number | undefined;
  events = 0;
  terminalType: TerminalOutcome | undefined;
  /** agent_error.code of a failed run. */
  terminalCode: string | undefined;
  cancelSent = false;
  dropped = false;
  settled = false;

  constructor(
    readonly template: RequestTemplate,
    readonly requestId: string,
    /** The start_agent as sent. */
    readonly startMsg: Record<string, unknown>,
    readonly sentAt: number,
  ) {
    this.lastSentAt = sentAt;
  }

  /** Notes the terminal event's outcome (and agent_error.code). */
  noteTerminal(msg: Record<string, unknown>): void {
    this.terminalType = terminalOutcome(msg);
    if (typeof msg.code === 'string') this.terminalCode = msg.code;
  }
}

/**
 * The outcome a terminal event carries, read from its payload rather than from a hand-typed type name: a terminal
 * with a `status` completed (`cancelled` when that is its status); one without (it carries an error `code`) failed.
 *
 * @example
 * terminalOutcome({ type: 'agent_completed', status: 'cancelled' }); // 'cancelled'
 * terminalOutcome({ type: 'agent_error', code: 'TOOL_FAILED' });      // 'failed'
 */
export function terminalOutcome(msg: Record<string, unknown>): TerminalOutcome {
  if (typeof msg.status !== 'string') return 'failed';
  return msg.status === 'cancelled' ? 'cancelled' : 'completed';
}
