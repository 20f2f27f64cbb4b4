// Public surface of the agents: pure domain code (no sockets) that the provider's run loop drives through AgentIO.
// Payload and run-event types come from codegen (generated/types.ts, through types.ts).
import {
  agentDescriptions as agentDescriptionsTable,
  agentNames as agentNameList,
  chooseAgent as choose,
  registerAgent as register,
  runAgent as run,
  type AgentRunner,
} from './registry';
import { priceTable as repoPriceTable, type PriceTable } from './pricing/price-table';
import { sampleWorkload as sample } from './pricing/sample-workload';
import {
  executeTool as execute,
  toolDescriptions as toolDescriptionsTable,
  toolNames as toolNameList,
} from './tools/registry';
import type { AgentAnswer, AgentIO, AgentRequest, ToolOutcome, Workload } from './types';
import { checkWorkload as check, resolveWorkload as resolve, type WorkloadProblem } from './pricing/workload';

export { AgentFailure, type AgentFailureCode } from './errors';
export type { GpuPrice, ModelPrice, ModelTier, PriceTable, SelfHosting } from './pricing/price-table';
export type { AgentRunner } from './registry';
export type {
  AgentAnswer,
  AgentEvent,
  AgentIO,
  AgentRequest,
  LatencySensitivity,
  ProviderFilledField,
  Recommendation,
  RunResult,
  ToolOutcome,
  Workload,
  WorkloadModel,
} from './types';
export type { WorkloadProblem } from './pricing/workload';
export type { CostAnalysis, ModelSpend } from './tools/cost-analyzer';
export type { ModelRouting, RoutingSimulation } from './tools/routing-simulator';
export type { CacheBatchEstimate, ModelCacheBatch } from './tools/cache-batch-estimator';
export type { GpuRightsizing, ModelGpuSizing } from './tools/gpu-rightsizer';
export type { ForecastHorizon, SpendForecast } from './tools/spend-forecaster';

/**
 * Names of every agent (`^[a-z][a-z0-9_]{0,63}$`): `cost_optimizer` (the default) and `spend_forecaster`.
 *
 * @example
 * if (!agentNames.includes(msg.agent_name)) refuse();
 */
export const agentNames: readonly string[] = agentNameList;

/**
 * Names of every tool (`^[a-z][a-z0-9_]{0,63}$`): `cost_analyzer`, `routing_simulator`, `cache_batch_estimator`,
 * `gpu_rightsizer`, `spend_forecaster`.
 *
 * @example
 * toolNames.includes('cost_analyzer'); // true
 */
export const toolNames: readonly string[] = toolNameList;

/**
 * One line per agent, for help texts and docs.
 *
 * @example
 * for (const name of agentNames) console.log(`${name}: ${agentDescriptions[name]}`);
 */
export const agentDescriptions: Readonly<Record<string, string>> = agentDescriptionsTable;

/**
 * One line per tool, for help texts and docs.
 *
 * @example
 * toolDescriptions.routing_simulator; // 'Savings from routing simple, latency-tolerant traffic ...'
 */
export const toolDescriptions: Readonly<Record<string, string>> = toolDescriptionsTable;

/**
 * The price table kept in the repo (src/agents/pricing/prices.json): per model provider, tier, USD per 1M input and
 * output tokens, cheaper routing target, cached-input and batch discounts, context window, self-hosting GPU; per GPU
 * class the hourly price and relative throughput. Prices are illustrative.
 *
 * @example
 * priceTable.models.get('gpt-4o')?.route_to; // 'gpt-4o-mini'
 * priceTable.gpus.get('h100')?.hourly_usd;  // 2.99
 */
export const priceTable: PriceTable = repoPriceTable;

/**
 * The agent that answers a request: `agentName` when the request names one (an unknown name throws AgentFailure
 * UNKNOWN_AGENT, not retryable), else `spend_forecaster` when the text asks about forecasts, budgets, run rates or the
 * next quarter/year, else `cost_optimizer`.
 *
 * @example
 * chooseAgent({ userId: 'alice', userRequest: 'What will we spend next quarter?' }); // 'spend_forecaster'
 * chooseAgent({ userId: 'alice', userRequest: 'Cut my LLM costs' });                 // 'cost_optimizer'
 */
export function chooseAgent(req: AgentRequest): string {
  return choose(req);
}

/**
 * Runs agent `name` on a request. The agent awaits `io.think` and `io.callTool` in order (the provider emits the
 * events and applies latency) and checks `io.signal` between steps. Resolves with the agent_completed body:
 * - `success`: `final_response` quotes the current spend and at least three recommendations with their monthly
 *   savings; `result.total_estimated_monthly_savings_usd` is exactly the sum of the recommendations' (to the cent);
 * - `partial`: a tool failed and the agent worked around it, or fewer than three changes save money on this workload
 *   (no padding with zero savings); the text says which;
 * - `cancelled`: the signal was aborted; the text and result hold what was found so far.
 * Rejects with AgentFailure: INVALID_WORKLOAD (not retryable) when the workload cannot be priced (unknown model,
 * duplicate model, prompt beyond the context window, ...), TOOL_FAILED when cost_analyzer itself fails, UNKNOWN_AGENT.
 *
 * @example
 * const req = { userId: 'alice', userRequest: 'Optimise my AI costs.' };
 * const workload = resolveWorkload(req);
 * const io: AgentIO = {
 *   signal: controller.signal,
 *   think: async (reasoning) => emitThinking(reasoning),
 *   callTool: async (tool, params) => executeTool(tool, params, workload),
 * };
 * const answer = await runAgent(chooseAgent(req), req, io);
 * answer.result.total_estimated_monthly_savings_usd; // e.g. 4125.5
 */
export async function runAgent(name: string, req: AgentRequest, io: AgentIO): Promise<AgentAnswer> {
  return run(name, req, io);
}

/**
 * Adds an agent to this process's registry: a provider started afterwards in the same process runs it for a
 * start_agent naming it. The agent drives the run through {@link AgentIO}, including `emit` for any run event of the
 * contract that neither starts nor ends a run. Throws AgentFailure INVALID_AGENT for a name `agent_name` cannot
 * carry (`^[a-z][a-z0-9_]{0,63}$`) or one already taken.
 *
 * @example
 * registerAgent('echo', 'Says what it was asked.', async (req, io) => {
 *   await io.think(`You asked: ${req.userRequest}`);
 *   const result = { currency: 'USD' as const, recommendations: [], total_estimated_monthly_savings_usd: 0 };
 *   return { status: 'partial', final_response: req.userRequest, result };
 * });
 */
export function registerAgent(name: string, description: string, runner: AgentRunner): void {
  register(name, description, runner);
}

/**
 * Runs one tool on a workload: a pure function of (parameters, workload, prices) whose results are JSON objects with
 * amounts rounded to the cent. Never throws. Error outcomes: UNKNOWN_TOOL, INVALID_PARAMETERS, UNKNOWN_MODEL (a model
 * the price table does not know), INVALID_WORKLOAD (anything else that makes no business sense), TOOL_INTERNAL_ERROR.
 * `table` defaults to the repo's {@link priceTable}.
 *
 * @example
 * const outcome = executeTool('cost_analyzer', {}, {
 *   workload: [{ model: 'gpt-4o', requests_per_month: 1_000_000, avg_input_tokens: 1000, avg_output_tokens: 200 }],
 * });
 * outcome.status === 'success' && outcome.results.total_monthly_spend_usd; // 4500
 */
export function executeTool(
  toolName: string,
  parameters: Record<string, unknown>,
  workload: Workload,
  table: PriceTable = repoPriceTable,
): ToolOutcome {
  return execute(toolName, parameters, workload, table);
}

/**
 * A deterministic sample workload for a user who sent none: 2 to 5 models of the price table with plausible volumes,
 * derived from a hash of the user id (same id, same workload; different ids, different workloads), and a monthly
 * budget near its spend.
 *
 * @example
 * const { workload, monthly_budget_usd } = sampleWorkload('alice');
 * workload.map((m) => m.model); // the same 2 to 5 models every time for 'alice'
 */
export function sampleWorkload(userId: string): Workload {
  return sample(userId);
}

/**
 * The workload a run computes from: `req.workload` (start_agent.context) or `sampleWorkload(req.userId)`. The
 * provider passes this same workload to executeTool inside `io.callTool`, so tools and agent agree.
 *
 * @example
 * const workload = resolveWorkload({ userId: 'alice', userRequest: 'Optimise my AI costs.' });
 */
export function resolveWorkload(req: AgentRequest): Workload {
  return resolve(req);
}

/**
 * Checks a workload beyond the schema (ranges, duplicate models, unknown models, prompts beyond the context window,
 * implausible spend), without running an agent. Tools run the same check and answer with its code.
 *
 * @example
 * const problem = validateWorkload(msg.context);
 * if (problem) console.log(problem.code, problem.message); // UNKNOWN_MODEL No price for model 'mystery-llm' ...
 */
export function validateWorkload(workload: unknown, table: PriceTable = repoPriceTable): WorkloadProblem | null {
  const checked = check(workload, table);
  return checked.ok ? null : checked.problem;
}
