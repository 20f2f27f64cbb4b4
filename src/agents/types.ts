// The agent <-> provider interface of the brief, and the asyncapi.yaml payload types the agents compute with. The
// payload types come from codegen (generated/types.ts): re-exported so the agents' modules import from one place.
import type { Recommendation, RunResult, Workload, WorkloadModel } from '../../generated/types';

export type { Recommendation, RunResult, Workload, WorkloadModel };

/** How much the callers of a model care about latency (`WorkloadModel.latency_sensitivity`). */
export type LatencySensitivity = NonNullable<WorkloadModel['latency_sensitivity']>;

/** All latency levels, least sensitive first. */
export const latencyLevels: readonly LatencySensitivity[] = ['low', 'medium', 'high'];

/** What a tool call produced: results, or an error with a stable UPPER_SNAKE code (tool_completed). */
export type ToolOutcome =
  | { status: 'success'; results: Record<string, unknown> }
  | { status: 'error'; results: Record<string, unknown>; error: { code: string; message: string } };

/**
 * Implemented by the provider's run loop: every call emits the run's events and applies latency; agents just await
 * them in order and check `signal` between steps.
 */
export interface AgentIO {
  /** Emits agent_thinking. */
  think(reasoning: string): Promise<void>;
  /** Emits tool_executing, runs the tool (executeTool on the run's workload), emits tool_completed. */
  callTool(toolName: string, parameters: Record<string, unknown>): Promise<ToolOutcome>;
  /** Aborted on cancel_run. */
  readonly signal: AbortSignal;
}

/** One start_agent, as the agents see it. `workload` is `start_agent.context`. */
export interface AgentRequest {
  userId: string;
  userRequest: string;
  agentName?: string;
  workload?: Workload;
}

/** The body of agent_completed. */
export interface AgentAnswer {
  status: 'success' | 'partial' | 'cancelled';
  final_response: string;
  result: RunResult;
}
