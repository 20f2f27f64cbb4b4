/**
 * The per-run execution context: who the run belongs to and where it came from. It decides who receives each
 * event (every open connection of `userId`, nobody else) and is immutable for the life of the run.
 */
export interface RunContext {
  readonly runId: string;
  readonly threadId: string;
  readonly userId: string;
  readonly requestId: string;
  /** The connection whose start_agent created the run (logs only: events go to every connection of the user). */
  readonly connectionId: string;
  readonly agentName: string;
}

/**
 * The part of a run event the run loop chooses; the hub adds ids, seq, timestamp and the context fields. Which
 * types are run events, and which end a run, is the protocol's (`loadProtocol()`), never a list here.
 */
export type RunEventBody = { type: string } & Record<string, unknown>;

/** Why a run's abort signal fired. */
export type RunStopKind = 'cancelled' | 'timeout' | 'shutdown' | 'violation';

/** The reason of an aborted run signal; rejected by the run loop's waits. */
export class RunStopped extends Error {
  constructor(readonly kind: RunStopKind) {
    super(`run stopped: ${kind}`);
    this.name = 'RunStopped';
  }
}

/**
 * One run: its context, its append-only event log (each event serialised once; index = seq - 1) and its state.
 * Kept after it ends, for `resume`, until retention drops it.
 */
export class Run {
  readonly events: string[] = [];
  /** Characters held in `events` (memory accounting). */
  bytes = 0;
  ended = false;
  /** `Date.now()` when the terminal event was committed. */
  endedAt = 0;
  /** `performance.now()` at start, for execution_time_ms. */
  readonly startedAt = performance.now();
  readonly abort = new AbortController();
  /** Tool calls announced by tool_executing and not yet completed, by tool_call_id. */
  readonly openToolCalls = new Map<string, { toolName: string; startedAt: number }>();
  /** Last agent_thinking step_number. */
  thinkingSteps = 0;

  constructor(readonly ctx: RunContext) {}

  /** Highest seq committed so far (0 before agent_started). */
  get head(): number {
    return this.events.length;
  }
}
