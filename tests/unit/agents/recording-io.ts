// A real AgentIO, as the provider implements it minus sockets and latency: it records what the agent does and runs
// the tools with executeTool on the run's workload. Options make it behave like a provider under cancel or chaos.
import {
  executeTool,
  resolveWorkload,
  type AgentEvent,
  type AgentIO,
  type AgentRequest,
  type ToolOutcome,
} from '../../../src/agents';

export type RecordedStep =
  | { kind: 'think'; reasoning: string }
  | { kind: 'tool'; tool: string; parameters: Record<string, unknown>; outcome: ToolOutcome }
  | { kind: 'emit'; event: AgentEvent };

export interface RecordingOptions {
  /** Abort the run's signal right after this many steps (think or tool call) have completed. */
  abortAfterSteps?: number;
  /** Like a provider whose in-flight tool call is interrupted by cancel_run: callTool rejects once aborted. */
  rejectWhenAborted?: boolean;
  /** Tool calls to fail the way a chaos proxy or a timeout would: tool name -> error code. */
  failTools?: Record<string, string>;
}

export class RecordingIO implements AgentIO {
  readonly steps: RecordedStep[] = [];
  private readonly controller = new AbortController();

  constructor(
    private readonly req: AgentRequest,
    private readonly options: RecordingOptions = {},
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(): void {
    this.controller.abort();
  }

  get thoughts(): string[] {
    return this.steps.flatMap((s) => (s.kind === 'think' ? [s.reasoning] : []));
  }

  get toolCalls(): Extract<RecordedStep, { kind: 'tool' }>[] {
    return this.steps.flatMap((s) => (s.kind === 'tool' ? [s] : []));
  }

  async think(reasoning: string): Promise<void> {
    await Promise.resolve();
    this.steps.push({ kind: 'think', reasoning });
    this.afterStep();
  }

  async callTool(tool: string, parameters: Record<string, unknown>): Promise<ToolOutcome> {
    await Promise.resolve();
    if (this.options.rejectWhenAborted && this.signal.aborted) throw new Error('This operation was aborted');
    const failure = this.options.failTools?.[tool];
    // Parameters cross the wire as JSON: round-trip them so a non-JSON value would show up here.
    const wireParameters = JSON.parse(JSON.stringify(parameters)) as Record<string, unknown>;
    const outcome: ToolOutcome = failure
      ? { status: 'error', results: {}, error: { code: failure, message: `${tool} timed out after 30000 ms` } }
      : (JSON.parse(JSON.stringify(executeTool(tool, wireParameters, resolveWorkload(this.req)))) as ToolOutcome);
    this.steps.push({ kind: 'tool', tool, parameters: wireParameters, outcome });
    this.afterStep();
    if (this.options.rejectWhenAborted && this.signal.aborted) throw new Error('This operation was aborted');
    return outcome;
  }

  async emit(event: AgentEvent): Promise<void> {
    await Promise.resolve();
    this.steps.push({ kind: 'emit', event });
    this.afterStep();
  }

  private afterStep(): void {
    if (this.options.abortAfterSteps !== undefined && this.steps.length >= this.options.abortAfterSteps) this.abort();
  }
}

/** `$1,480.50`, formatted independently of the module under test. */
export function usd(amount: number): string {
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** Integer cents of a dollar amount that is already rounded to the cent. */
export function cents(amount: number): number {
  return Math.round(amount * 100);
}
