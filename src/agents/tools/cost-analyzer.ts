import { centsToUsd } from '../pricing/money';
import { modelCost } from '../pricing/pricing';
import { readModelList } from './parameters';
import type { ToolDefinition } from './tool-kit';

/** One model's current monthly cost (cost_analyzer results.models[]). */
export interface ModelSpend {
  model: string;
  provider: string;
  tier: string;
  requests_per_month: number;
  input_tokens_per_month: number;
  output_tokens_per_month: number;
  input_cost_usd: number;
  output_cost_usd: number;
  token_cost_usd: number;
  gpu: string | null;
  gpu_hours_per_month: number;
  gpu_cost_usd: number;
  monthly_cost_usd: number;
  share_of_spend: number;
}

/** cost_analyzer results. `total_monthly_spend_usd` is the sum of the models' rounded costs. */
export interface CostAnalysis {
  currency: 'USD';
  models: ModelSpend[];
  by_provider: { provider: string; monthly_cost_usd: number }[];
  total_requests_per_month: number;
  total_token_cost_usd: number;
  total_gpu_cost_usd: number;
  total_monthly_spend_usd: number;
  largest_model: string;
}

/**
 * cost_analyzer: what the workload costs a month today, per model and in total, at the table's list prices (tokens)
 * plus self-hosted GPU hours at the hourly price of the GPU the model runs on.
 * Parameters: `models` (optional subset of the workload's models; default all).
 */
export const costAnalyzer: ToolDefinition = {
  name: 'cost_analyzer',
  description: 'Current monthly spend per model and in total.',
  parameterKeys: ['models'],
  run(params, { models, prices, table }) {
    const selected = readModelList(
      params,
      'models',
      models.map((m) => m.model),
    );
    const rows = models
      .map((entry, index) => ({ entry, price: prices[index]! }))
      .filter(({ entry }) => selected.includes(entry.model))
      .map(({ entry, price }) => ({ entry, price, cost: modelCost(entry, price, table) }));
    const totalCents = rows.reduce((sum, row) => sum + row.cost.totalCents, 0);
    const providerCents = new Map<string, number>();
    for (const { price, cost } of rows) {
      providerCents.set(price.provider, (providerCents.get(price.provider) ?? 0) + cost.totalCents);
    }
    const largest = rows.reduce((best, row) => (row.cost.totalCents > best.cost.totalCents ? row : best), rows[0]!);
    const result: CostAnalysis = {
      currency: 'USD',
      models: rows.map(({ entry, price, cost }) => ({
        model: entry.model,
        provider: price.provider,
        tier: price.tier,
        requests_per_month: entry.requests_per_month,
        input_tokens_per_month: entry.requests_per_month * entry.avg_input_tokens,
        output_tokens_per_month: entry.requests_per_month * entry.avg_output_tokens,
        input_cost_usd: centsToUsd(cost.inputCents),
        output_cost_usd: centsToUsd(cost.outputCents),
        token_cost_usd: centsToUsd(cost.tokenCents),
        gpu: cost.gpu,
        gpu_hours_per_month: entry.gpu_hours_per_month,
        gpu_cost_usd: centsToUsd(cost.gpuCents),
        monthly_cost_usd: centsToUsd(cost.totalCents),
        share_of_spend: totalCents === 0 ? 0 : Math.round((cost.totalCents / totalCents) * 10000) / 10000,
      })),
      by_provider: [...providerCents].map(([provider, cents]) => ({ provider, monthly_cost_usd: centsToUsd(cents) })),
      total_requests_per_month: rows.reduce((sum, row) => sum + row.entry.requests_per_month, 0),
      total_token_cost_usd: centsToUsd(rows.reduce((sum, row) => sum + row.cost.tokenCents, 0)),
      total_gpu_cost_usd: centsToUsd(rows.reduce((sum, row) => sum + row.cost.gpuCents, 0)),
      total_monthly_spend_usd: centsToUsd(totalCents),
      largest_model: largest.entry.model,
    };
    return result as unknown as Record<string, unknown>;
  },
};
