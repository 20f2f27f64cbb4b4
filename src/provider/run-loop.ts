import { NetraError } from '../util/errors';
import {
  AgentFailure,
  executeTool,
  runAgent,
  type AgentAnswer,
  type AgentEvent,
  type AgentIO,
  type AgentRequest,
  type ToolOutcome,
  type Workload,
  resolveWorkload,
} from '../agents';
import { loadProtocol } from '../protocol';
import type { RunHub } from './hub';
import { newId } from './ids';
import type { Logger } from './logger';
import { clipMessage } from './outgoing';
import { RunStopped, type Run, type RunEventBody } from './run';
import { RunWaits } from './run-waits';

/** Simulated model and tool latencies, so that tests and demos can model a slow model. */
export interface Latency {
  /** Mean wait before each agent_thinking, ms. */
  thinkMs: number;
  /** Mean wait between tool_executing and tool_completed, ms. */
  toolMs: number;
  /** Relative jitter: each wait is uniform in `mean * [1 - jitter, 1 + jitter]`. */
  jitter: number;
}

/** What the run loop needs from the provider. */
export interface RunLoopDeps {
  hub: RunHub;
  latency: Latency;
  logger: Logger;
  /** A run still going after this long ends with agent_error RUN_TIMEOUT (retryable). */
  runTimeoutMs: number;
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const MAX_REASONING = 4000;
const MAX_FINAL_RESPONSE = 20000;

function jittered(mean: number, jitter: number): number {
  if (mean <= 0) return 0;
  return Math.max(0, Math.round(mean * (1 + jitter * (Math.random() * 2 - 1))));
}

/**
 * The AgentIO the agents run against: each call waits the simulated latency, then emits through the hub. Once the
 * run has ended or was aborted, every call rejects (with the abort reason) so the agent stops.
 */
class RunIO implements AgentIO {
  private readonly waits: RunWaits;

  constructor(
    private readonly run: Run,
    private readonly workload: Workload,
    private readonly deps: RunLoopDeps,
  ) {
    this.waits = new RunWaits(run.abort.signal);
  }

  get signal(): AbortSignal {
    return this.run.abort.signal;
  }

  async think(reasoning: string): Promise<void> {
    this.ensureRunning();
    await this.waits.wait(this.paced(jittered(this.deps.latency.thinkMs, this.deps.latency.jitter)));
    this.ensureRunning();
    // An event with nothing to show the user is not sent (asyncapi.yaml, agent_thinking).
    if (typeof reasoning !== 'string' || reasoning.trim() === '') return;
    const text = reasoning.length > MAX_REASONING ? `${reasoning.slice(0, MAX_REASONING - 1)}…` : reasoning;
    this.emitOrStop({ type: 'agent_thinking', reasoning: text, step_number: this.run.thinkingSteps + 1 });
  }

  async callTool(toolName: string, parameters: Record<string, unknown>): Promise<ToolOutcome> {
    this.ensureRunning();
    // tool_executing follows the previous event without a simulated latency; a paced user waits here too.
    const pause = this.paced(0);
    if (pause > 0) await this.waits.wait(pause);
    this.ensureRunning();
    const callId = newId('call');
    this.emitOrStop({ type: 'tool_executing', tool_call_id: callId, tool_name: toolName, parameters });
    const startedAt = performance.now();
    await this.waits.wait(this.paced(jittered(this.deps.latency.toolMs, this.deps.latency.jitter)));
    this.ensureRunning();
    let outcome: ToolOutcome;
    try {
      outcome = executeTool(toolName, parameters, this.workload);
    } catch (err) {
      this.deps.logger.error('tool threw instead of returning an error outcome', {
        run_id: this.run.ctx.runId,
        tool_name: toolName,
        error: err,
      });
      const code = err instanceof NetraError && ERROR_CODE.test(err.code) ? err.code : 'TOOL_FAILED';
      outcome = { status: 'error', results: {}, error: { code, message: clipMessage(errorText(err)) } };
    }
    const body: RunEventBody = {
      type: 'tool_completed',
      tool_call_id: callId,
      tool_name: toolName,
      status: outcome.status,
      results: outcome.results,
      execution_time_ms: Math.round(performance.now() - startedAt),
    };
    if (outcome.status === 'error') body.error = outcome.error;
    this.emitOrStop(body);
    return outcome;
  }

  async emit(event: AgentEvent): Promise<void> {
    this.ensureRunning();
    await this.waits.wait(0);
    this.ensureRunning();
    // The type keeps TypeScript agents from it; this keeps the run's start and end the run loop's for everyone else.
    const protocol = loadProtocol();
    const type: unknown = (event as { type?: unknown }).type;
    if (type === protocol.startType || protocol.isTerminal(type)) {
      throw new AgentFailure(
        'AGENT_FAILED',
        `An agent does not emit ${String(type)}: the provider starts and ends runs.`,
      );
    }
    this.emitOrStop(event as RunEventBody);
  }

  /** The simulated latency, or longer while the user is over its fan-out byte rate (the user's runs slow down). */
  private paced(latencyMs: number): number {
    return Math.max(latencyMs, this.deps.hub.fanoutPauseMs(this.run.ctx.userId));
  }

  private emitOrStop(body: RunEventBody): void {
    if (!this.deps.hub.emit(this.run, body)) throw this.stopReason();
  }

  private ensureRunning(): void {
    if (this.run.ended || this.signal.aborted) throw this.stopReason();
  }

  private stopReason(): unknown {
    return this.signal.aborted ? this.signal.reason : new RunStopped('violation');
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function emptyResult(): AgentAnswer['result'] {
  return { currency: 'USD', recommendations: [], total_estimated_monthly_savings_usd: 0 };
}

/**
 * Runs one agent for `run`: emits agent_started, drives `runAgent` through a {@link RunIO}, then emits exactly one
 * terminal event: agent_completed (the answer; status cancelled after cancel_run) or agent_error (AgentFailure's
 * code/message/retryable; AGENT_FAILED for anything unexpected). Never rejects.
 */
export async function executeRun(run: Run, request: AgentRequest, deps: RunLoopDeps): Promise<void> {
  const { hub, logger } = deps;
  if (!hub.emit(run, { type: 'agent_started', request_id: run.ctx.requestId })) return;
  const timer = setTimeout(() => {
    hub.finish(
      run,
      {
        type: 'agent_error',
        code: 'RUN_TIMEOUT',
        message: `The run took longer than ${Math.round(deps.runTimeoutMs / 1000)} s and was stopped.`,
        retryable: true,
      },
      'timeout',
    );
  }, deps.runTimeoutMs);
  timer.unref();
  let answer: AgentAnswer | undefined;
  let failure: unknown;
  try {
    answer = await runAgent(run.ctx.agentName, request, new RunIO(run, resolveWorkload(request), deps));
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
  }
  // Timeout, shutdown and contract violations were already ended by the hub.
  if (run.ended) return;
  const executionTimeMs = Math.round(performance.now() - run.startedAt);
  const reason: unknown = run.abort.signal.aborted ? run.abort.signal.reason : undefined;
  if (reason instanceof RunStopped && reason.kind === 'cancelled') {
    hub.closeOpenToolCalls(run, 'CANCELLED');
    const own = answer?.status === 'cancelled' && answer.final_response ? answer : undefined;
    hub.emit(run, {
      type: 'agent_completed',
      status: 'cancelled',
      final_response: own?.final_response ?? 'The run was cancelled at your request before it finished.',
      result: own?.result ?? answer?.result ?? emptyResult(),
      execution_time_ms: executionTimeMs,
    });
    return;
  }
  if (failure !== undefined || answer === undefined) {
    const code = failure instanceof AgentFailure && ERROR_CODE.test(failure.code) ? failure.code : 'AGENT_FAILED';
    if (!(failure instanceof AgentFailure)) {
      logger.error('agent failed unexpectedly', {
        run_id: run.ctx.runId,
        agent_name: run.ctx.agentName,
        error: failure,
      });
    }
    hub.closeOpenToolCalls(run, code);
    hub.emit(run, {
      type: 'agent_error',
      code,
      message: failure instanceof AgentFailure ? clipMessage(failure.message) : 'The agent failed unexpectedly.',
      retryable: failure instanceof AgentFailure ? failure.retryable : false,
    });
    return;
  }
  hub.closeOpenToolCalls(run, 'AGENT_FAILED');
  const finalResponse =
    typeof answer.final_response === 'string' && answer.final_response.length > MAX_FINAL_RESPONSE
      ? `${answer.final_response.slice(0, MAX_FINAL_RESPONSE - 1)}…`
      : answer.final_response;
  hub.emit(run, {
    type: 'agent_completed',
    status: answer.status,
    final_response: finalResponse,
    result: answer.result,
    execution_time_ms: executionTimeMs,
  });
}
