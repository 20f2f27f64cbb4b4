import { centsToUsd, formatUsd } from './money';
import type { ModelPrice, PriceTable } from './price-table';
import { modelCost } from './pricing';
import { sharedSampleWorkload } from './sample-workload';
import { latencyLevels, type AgentRequest, type LatencySensitivity, type Workload } from '../types';
import { deepFreeze } from '../../util/deep-freeze';
import { isRecord } from '../../util/records';

/** A workload model with every optional field filled with its documented default (asyncapi.yaml WorkloadModel). */
export interface NormalisedModel {
  model: string;
  requests_per_month: number;
  avg_input_tokens: number;
  avg_output_tokens: number;
  latency_sensitivity: LatencySensitivity;
  cache_hit_potential: number;
  batchable_share: number;
  gpu_hours_per_month: number;
}

/** Defaults of the optional WorkloadModel fields, as asyncapi.yaml documents them. */
export const workloadDefaults = {
  latency_sensitivity: 'medium',
  cache_hit_potential: 0.2,
  batchable_share: 0.1,
  gpu_hours_per_month: 0,
} as const;

/** The largest amount a UsdAmount may carry (asyncapi.yaml); a workload costing more cannot be answered. */
export const maxUsdAmount = 1e12;

/** Why a workload cannot be priced. UNKNOWN_MODEL: not in the price table; INVALID_WORKLOAD: anything else. */
export interface WorkloadProblem {
  code: 'UNKNOWN_MODEL' | 'INVALID_WORKLOAD';
  message: string;
  details: Record<string, unknown>;
}

/** A workload that passed {@link checkWorkload}, with each model's price. */
export interface CheckedWorkload {
  models: NormalisedModel[];
  prices: ModelPrice[];
  budgetUsd: number | null;
}

const MAX_MODELS = 50;

function invalid(message: string, details: Record<string, unknown> = {}): { ok: false; problem: WorkloadProblem } {
  return { ok: false, problem: { code: 'INVALID_WORKLOAD', message, details } };
}

type FieldCheck = { key: string; max: number; integer?: boolean; required: boolean };

// Ranges of asyncapi.yaml WorkloadModel: re-checked here because agents are also called directly, not only with
// payloads the provider has validated.
const numericFields: readonly FieldCheck[] = [
  { key: 'requests_per_month', max: 1e11, integer: true, required: true },
  { key: 'avg_input_tokens', max: 2e6, required: true },
  { key: 'avg_output_tokens', max: 2e6, required: true },
  { key: 'cache_hit_potential', max: 1, required: false },
  { key: 'batchable_share', max: 1, required: false },
  { key: 'gpu_hours_per_month', max: 1e7, required: false },
];

/**
 * Checks a workload against the schema's ranges and against business sense, and fills defaults. Problems, in the
 * order they are looked for: a malformed entry, the same model listed twice (merge the entries), a model the price
 * table does not know (UNKNOWN_MODEL), a prompt longer than the model's context window, a total spend beyond what a
 * UsdAmount can carry.
 */
export function checkWorkload(
  workload: unknown,
  table: PriceTable,
): { ok: true; value: CheckedWorkload } | { ok: false; problem: WorkloadProblem } {
  if (!isRecord(workload) || !Array.isArray(workload.workload)) {
    return invalid('The workload must be an object with a `workload` array of models.');
  }
  const entries = workload.workload;
  if (entries.length === 0 || entries.length > MAX_MODELS) {
    return invalid(`The workload must list 1 to ${MAX_MODELS} models; it lists ${entries.length}.`);
  }
  let budgetUsd: number | null = null;
  if (workload.monthly_budget_usd !== undefined) {
    const budget = workload.monthly_budget_usd;
    if (typeof budget !== 'number' || !Number.isFinite(budget) || budget < 0 || budget > maxUsdAmount) {
      return invalid('monthly_budget_usd must be an amount in US dollars between 0 and 1e12.');
    }
    budgetUsd = budget;
  }
  const models: NormalisedModel[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = `workload[${index}]`;
    if (!isRecord(entry)) return invalid(`${where} must be an object.`, { index });
    if (typeof entry.model !== 'string' || entry.model.length === 0 || entry.model.length > 64) {
      return invalid(`${where}.model must be a model name of 1 to 64 characters.`, { index });
    }
    for (const field of numericFields) {
      const value = entry[field.key];
      if (value === undefined && !field.required) continue;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        value >= 0 &&
        value <= field.max &&
        (!field.integer || Number.isInteger(value));
      if (!ok) {
        const kind = field.integer ? 'an integer' : 'a number';
        return invalid(`${where}.${field.key} (${entry.model}) must be ${kind} between 0 and ${field.max}.`, { index });
      }
    }
    const latency = entry.latency_sensitivity ?? workloadDefaults.latency_sensitivity;
    if (!latencyLevels.includes(latency as LatencySensitivity)) {
      return invalid(`${where}.latency_sensitivity (${entry.model}) must be low, medium or high.`, { index });
    }
    models.push({
      model: entry.model,
      requests_per_month: entry.requests_per_month as number,
      avg_input_tokens: entry.avg_input_tokens as number,
      avg_output_tokens: entry.avg_output_tokens as number,
      latency_sensitivity: latency as LatencySensitivity,
      cache_hit_potential: (entry.cache_hit_potential as number | undefined) ?? workloadDefaults.cache_hit_potential,
      batchable_share: (entry.batchable_share as number | undefined) ?? workloadDefaults.batchable_share,
      gpu_hours_per_month: (entry.gpu_hours_per_month as number | undefined) ?? workloadDefaults.gpu_hours_per_month,
    });
  }
  const seen = new Set<string>();
  for (const entry of models) {
    if (seen.has(entry.model)) {
      return invalid(`${entry.model} is listed more than once; merge its entries into one.`, { model: entry.model });
    }
    seen.add(entry.model);
  }
  const unknown = models.map((m) => m.model).filter((name) => !table.models.has(name));
  if (unknown.length > 0) {
    const names = unknown.map((n) => `'${n}'`).join(', ');
    return {
      ok: false,
      problem: {
        code: 'UNKNOWN_MODEL',
        message: `No price for model ${names}: the price table knows ${[...table.models.keys()].join(', ')}.`,
        details: { unknown_models: unknown },
      },
    };
  }
  const prices = models.map((m) => table.models.get(m.model) as ModelPrice);
  for (const [index, entry] of models.entries()) {
    const window = prices[index].context_window_tokens;
    if (entry.avg_input_tokens > window) {
      return invalid(
        `${entry.model} averages ${entry.avg_input_tokens} input tokens, more than its ${window}-token context window.`,
        { model: entry.model },
      );
    }
  }
  let totalCents = 0;
  for (const [index, entry] of models.entries()) totalCents += modelCost(entry, prices[index], table).totalCents;
  if (centsToUsd(totalCents) > maxUsdAmount) {
    return invalid(`This workload would cost ${formatUsd(totalCents)} a month, beyond any plausible spend.`);
  }
  return { ok: true, value: { models, prices, budgetUsd } };
}

/**
 * The workload a run computes from: the request's own (`start_agent.context`) or, when absent, the user's sample
 * (shared between the user's runs and deep-frozen: read it, never change it). The provider calls this too, so that
 * the tools it runs see the same workload as the agent.
 */
export function resolveWorkload(req: AgentRequest): Workload {
  return req.workload ?? sharedSampleWorkload(req.userId);
}

type CheckOutcome = ReturnType<typeof checkWorkload>;
/** Checks of frozen workloads, by workload and price table (a run's tools check the same workload once each). */
const frozenChecks = new WeakMap<object, WeakMap<PriceTable, CheckOutcome>>();

/**
 * {@link checkWorkload}, remembered for a frozen workload (one that cannot change, see deepFreeze): a run's five or
 * so tool calls check its workload once, and a user's runs on the shared sample workload once in all. A workload
 * that is not frozen is checked every time, as it may have changed since.
 */
export function checkedWorkload(workload: unknown, table: PriceTable): CheckOutcome {
  if (typeof workload !== 'object' || workload === null || !Object.isFrozen(workload))
    return checkWorkload(workload, table);
  let byTable = frozenChecks.get(workload);
  if (byTable === undefined) frozenChecks.set(workload, (byTable = new WeakMap()));
  let checked = byTable.get(table);
  if (checked === undefined) {
    checked = checkWorkload(workload, table);
    // Shared by every later check of this workload: its own arrays cannot change either (the prices are the table's).
    if (checked.ok) {
      Object.freeze(checked.value);
      deepFreeze(checked.value.models);
      Object.freeze(checked.value.prices);
    }
    byTable.set(table, checked);
  }
  return checked;
}
