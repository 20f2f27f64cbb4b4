// The agent <-> provider interface of the brief, and the asyncapi.yaml payload types the agents compute with. Every
// message-derived type here comes from codegen (generated/types.ts), re-exported so the agents' modules import from
// one place. The one hand-written list, ProviderFilledField, says what the provider fills in, not what the spec holds.
import type {
  AgentCompleted,
  Recommendation,
  RunEvent,
  RunResult,
  RunStartEvent,
  RunTerminalEvent,
  ToolCompleted,
  Workload,
  WorkloadModel,
} from '../../generated/types';

export type { Recommendation, RunResult, Workload, WorkloadModel };

/** How much the callers of a model care about latency (`WorkloadModel.latency_sensitivity`). */
export type LatencySensitivity = NonNullable<WorkloadModel['latency_sensitivity']>;

// A Record, so that a level added to the spec's enum fails the typecheck here until it has its place in the order.
const latencyOrder: Record<LatencySensitivity, number> = { low: 0, medium: 1, high: 2 };

/** All latency levels, least sensitive first. */
export const latencyLevels: readonly LatencySensitivity[] = (Object.keys(latencyOrder) as LatencySensitivity[]).sort(
  (a, b) => latencyOrder[a] - latencyOrder[b],
);

type ToolStatus = ToolCompleted['status'];

/** What a tool call produced: results, or an error with a stable UPPER_SNAKE code (tool_completed's fields). */
export type ToolOutcome =
  | { status: Extract<ToolStatus, 'success'>; results: ToolCompleted['results'] }
  | {
      status: Extract<ToolStatus, 'error'>;
      results: ToolCompleted['results'];
      error: Pick<NonNullable<ToolCompleted['error']>, 'code' | 'message'>;
    };

/**
 * The fields of every run event that the provider fills in (ids, owner, position, time): never an agent's choice.
 * The provider's hub sets exactly these on every event it builds.
 */
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

/** The body of agent_completed (its generated type's fields, so a new status in the spec is one here too). */
export type AgentAnswer = Pick<AgentCompleted, 'status' | 'final_response' | 'result'>;
