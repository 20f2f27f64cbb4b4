// The agent <-> provider interface of the brief, and the asyncapi.yaml payload types the agents compute with. The
// payload types come from codegen (generated/types.ts): re-exported so the agents' modules import from one place.
import type {
  Recommendation,
  RunEvent,
  RunResult,
  RunStartEvent,
  RunTerminalEvent,
  Workload,
  WorkloadModel,
} from '../../generated/types';

export type { Recommendation, RunResult, Workload, WorkloadModel };

/** How much the callers of a model care about latency (`WorkloadModel.latency_sensitivity`). */
export type LatencySensitivity = NonNullable<WorkloadModel['latency_sensitivity']>;

/** All latency levels, least sensitive first. */
export const latencyLevels: readonly LatencySensitivity[] = ['low', 'medium', 'high'];

/** What a tool call produced: results, or an error with a stable UPPER_SNAKE code (tool_completed). */
export type ToolOutcome =
  | { status: 'success'; results: Record<string, unknown> }
  | { status: 'error'; results: Record<string, unknown>; error: { code: string; message: string } };

/** The fields of every run event that the provider fills in (ids, owner, position, time): never an agent's choice. */
export type ProviderFilledField = 'event_id' | 'run_id' | 'thread_id' | 'user_id' | 'agent_name' | 'seq' | 'timestamp';

// Key remapping rather than Omit: the generated payloads are open (an index signature), and Omit over an open type
// keeps only the index signature, which would accept any object.
type AgentPart<E> = { [K in keyof E as K extends ProviderFilledField ? never : K]: E[K] };
type AgentPartOf<E> = E extends unknown ? AgentPart<E> : never;

/**
 * A run event an agent emits itself (`AgentIO.emit`): any run event of the contract that neither starts nor ends a
 * run, without the fields the provider fills in. Derived from generated/types.ts, so a run event added to
 * asyncapi.yaml is emittable, with its payload type, after `netra-contracts generate` and no edit here.
 */
export type AgentEvent = AgentPartOf<Exclude<RunEvent, RunStartEvent | RunTerminalEvent>>;

/**
 * Implemented by the provider's run loop: every call emits the run's events and applies latency; agents just await
 * them in order and check `signal` between steps.
 */
export interface AgentIO {
  /** Emits agent_thinking. */
  think(reasoning: string): Promise<void>;
  /** Emits tool_executing, runs the tool (executeTool on the run's workload), emits tool_completed. */
  callTool(toolName: string, parameters: Record<string, unknown>): Promise<ToolOutcome>;
  /**
   * Emits one run event of the agent's own choosing (`think` and `callTool` emit theirs): the provider adds the
   * {@link ProviderFilledField}s, numbers it and checks it with the generated validator; an event that breaks the
   * contract ends the run. Start and terminal events are the provider's: emitting one fails the run (AGENT_FAILED).
   */
  emit(event: AgentEvent): Promise<void>;
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
