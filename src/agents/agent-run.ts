import { AgentFailure } from './errors';
import type { AgentIO, ToolOutcome } from './types';

/** Thrown inside an agent when the run's signal is aborted; the agent turns it into a `cancelled` answer. */
export class RunCancelled extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'RunCancelled';
  }
}

/** A tool call that failed and that the agent worked around (the answer becomes `partial`). */
export interface ToolFailure {
  tool: string;
  code: string;
  message: string;
}

/** Longest `reasoning` agent_thinking allows (asyncapi.yaml). */
const MAX_REASONING_CHARS = 4000;

// Codes that mean the workload itself cannot be priced: no retry can help, the run fails with INVALID_WORKLOAD.
const workloadCodes = new Set(['UNKNOWN_MODEL', 'INVALID_WORKLOAD']);
// Codes a deterministic tool gives again for the same input: retrying the same request does not help.
const deterministicCodes = new Set(['INVALID_PARAMETERS', 'TOOL_INTERNAL_ERROR', 'UNKNOWN_TOOL', 'MALFORMED_RESULTS']);

/** Cuts a reasoning text to what agent_thinking carries, on a word boundary. */
export function clipReasoning(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_REASONING_CHARS) return trimmed;
  const cut = trimmed.slice(0, MAX_REASONING_CHARS - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}

/** Frozen results each guard accepted: they cannot change, so the check need not run again (memoised tool results). */
const acceptedFrozen = new WeakMap<(results: Record<string, unknown>) => boolean, WeakSet<object>>();

/** `isValid(results)`, remembered when it accepts frozen results. */
function accepts(isValid: (results: Record<string, unknown>) => boolean, results: Record<string, unknown>): boolean {
  if (!Object.isFrozen(results)) return isValid(results);
  let accepted = acceptedFrozen.get(isValid);
  if (accepted?.has(results)) return true;
  if (!isValid(results)) return false;
  if (accepted === undefined) acceptedFrozen.set(isValid, (accepted = new WeakSet()));
  accepted.add(results);
  return true;
}

/**
 * One agent run's use of the provider's AgentIO: checks the abort signal before each step, keeps reasoning within the
 * contract's limits, and applies the run's policy for tool errors:
 * - UNKNOWN_MODEL / INVALID_WORKLOAD: the run fails with AgentFailure INVALID_WORKLOAD (not retryable);
 * - any other error of an `essential` tool: AgentFailure TOOL_FAILED (retryable unless the error is deterministic);
 * - any other error: recorded in `failures` and the call returns null, so the agent works around it (`partial`).
 * An IO call that rejects (the provider stopped the run) propagates; after an abort it becomes RunCancelled.
 */
export class AgentRun {
  readonly failures: ToolFailure[] = [];
  thinkingSteps = 0;
  toolCalls = 0;

  constructor(private readonly io: AgentIO) {}

  /** Throws RunCancelled when the run was cancelled. */
  checkAbort(): void {
    if (this.io.signal.aborted) throw new RunCancelled();
  }

  async think(reasoning: string): Promise<void> {
    this.checkAbort();
    await this.guard(this.io.think(clipReasoning(reasoning)));
    this.thinkingSteps += 1;
  }

  /**
   * Calls a tool and returns its results typed as T when `isValid` accepts them, or null after a worked-around
   * failure (see the class comment).
   */
  async call<T>(
    tool: string,
    parameters: Record<string, unknown>,
    isValid: (results: Record<string, unknown>) => boolean,
    options: { essential?: boolean } = {},
  ): Promise<T | null> {
    this.checkAbort();
    // Tool errors arrive as error outcomes; a rejection means the IO itself stopped (cancel, run ended): not ours
    // to work around, so it propagates (as RunCancelled when the signal was aborted).
    let outcome: ToolOutcome = await this.guard(this.io.callTool(tool, parameters));
    this.toolCalls += 1;
    // No abort check here: results that arrived are kept, and the next step (or the answer) checks the signal.
    if (outcome.status === 'success' && !accepts(isValid, outcome.results)) {
      outcome = {
        status: 'error',
        results: outcome.results,
        error: { code: 'MALFORMED_RESULTS', message: `${tool} returned results without the expected figures.` },
      };
    }
    if (outcome.status === 'success') return outcome.results as unknown as T;
    const { code, message } = outcome.error;
    if (workloadCodes.has(code)) throw new AgentFailure('INVALID_WORKLOAD', message, { retryable: false });
    if (options.essential) {
      throw new AgentFailure('TOOL_FAILED', `${tool} failed (${code}): ${message}`, {
        retryable: !deterministicCodes.has(code),
      });
    }
    this.failures.push({ tool, code, message });
    return null;
  }

  /** Calls a tool the run cannot do without: any failure ends the run (AgentFailure). */
  async callEssential<T>(
    tool: string,
    parameters: Record<string, unknown>,
    isValid: (results: Record<string, unknown>) => boolean,
  ): Promise<T> {
    return (await this.call<T>(tool, parameters, isValid, { essential: true })) as T;
  }

  /** Awaits an IO promise; if it rejects because the run was cancelled, reports the cancellation instead. */
  private async guard<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (err) {
      if (this.io.signal.aborted) throw new RunCancelled();
      throw err;
    }
  }
}
