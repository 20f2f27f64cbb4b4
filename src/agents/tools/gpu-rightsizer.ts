import { centsToUsd, toCents } from '../pricing/money';
import { selfHostingOf, type GpuPrice } from '../pricing/price-table';
import { modelCost } from '../pricing/pricing';
import { readNumber } from './parameters';
import type { ToolDefinition } from './tool-kit';

/** Typical busy share of self-hosted inference GPUs provisioned for peak load. */
export const defaultCurrentUtilisation = 0.4;
/** Utilisation a well-packed fleet sustains while keeping headroom for bursts. */
export const defaultTargetUtilisation = 0.75;

/** One model's GPU figures (gpu_rightsizer results.models[]). */
export interface ModelGpuSizing {
  model: string;
  current_gpu: string;
  current_gpu_hours: number;
  current_cost_usd: number;
  recommended_gpu: string;
  recommended_gpu_hours: number;
  recommended_cost_usd: number;
  monthly_savings_usd: number;
}

/** gpu_rightsizer results. Totals are sums of the models' rounded figures. */
export interface GpuRightsizing {
  currency: 'USD';
  current_utilisation: number;
  target_utilisation: number;
  models: ModelGpuSizing[];
  total_current_gpu_cost_usd: number;
  total_recommended_gpu_cost_usd: number;
  total_monthly_savings_usd: number;
}

/**
 * gpu_rightsizer: for each model with self-hosted GPU hours, the useful work done (hours x utilisation x the GPU's
 * throughput relative to an H100) is re-packed at the target utilisation onto each GPU class that can hold the model
 * (the price table's eligible_gpus); the cheapest wins. Utilisation is never lowered: a fleet already busier than
 * the target keeps its utilisation. Savings = current GPU cost - cheapest option, never negative.
 * Parameters: `current_utilisation` and `target_utilisation` (in (0, 1], defaults 0.4 and 0.75).
 */
export const gpuRightsizer: ToolDefinition = {
  name: 'gpu_rightsizer',
  description: 'Cheaper GPU class and higher utilisation for self-hosted GPU hours.',
  parameterKeys: ['current_utilisation', 'target_utilisation'],
  run(params, { models, prices, table }) {
    const current = readNumber(
      params,
      'current_utilisation',
      { min: 0, max: 1, minExclusive: true },
      defaultCurrentUtilisation,
    );
    const target = readNumber(
      params,
      'target_utilisation',
      { min: 0, max: 1, minExclusive: true },
      defaultTargetUtilisation,
    );
    const packedUtilisation = Math.max(current, target);
    const rows: ModelGpuSizing[] = [];
    for (const [index, entry] of models.entries()) {
      if (entry.gpu_hours_per_month <= 0) continue;
      const price = prices[index];
      const hosting = selfHostingOf(price, table);
      const currentGpu = table.gpus.get(hosting.gpu) as GpuPrice;
      const currentCents = modelCost(entry, price, table).gpuCents;
      const busyH100Hours = entry.gpu_hours_per_month * current * currentGpu.relative_throughput;
      // Current GPU first so that a tie keeps what the user runs today.
      const candidates = [hosting.gpu, ...hosting.eligible_gpus.filter((g) => g !== hosting.gpu)].map((name) => {
        const gpu = table.gpus.get(name) as GpuPrice;
        const hours = busyH100Hours / (gpu.relative_throughput * packedUtilisation);
        return { gpu: name, hours, cents: toCents(hours * gpu.hourly_usd) };
      });
      const best = candidates.reduce((a, b) => (b.cents < a.cents ? b : a));
      rows.push({
        model: entry.model,
        current_gpu: hosting.gpu,
        current_gpu_hours: entry.gpu_hours_per_month,
        current_cost_usd: centsToUsd(currentCents),
        recommended_gpu: best.gpu,
        recommended_gpu_hours: Math.round(best.hours * 10) / 10,
        recommended_cost_usd: centsToUsd(Math.min(best.cents, currentCents)),
        monthly_savings_usd: centsToUsd(Math.max(0, currentCents - best.cents)),
      });
    }
    const sum = (pick: (row: ModelGpuSizing) => number) =>
      centsToUsd(rows.reduce((s, row) => s + toCents(pick(row)), 0));
    const result: GpuRightsizing = {
      currency: 'USD',
      current_utilisation: current,
      target_utilisation: target,
      models: rows,
      total_current_gpu_cost_usd: sum((row) => row.current_cost_usd),
      total_recommended_gpu_cost_usd: sum((row) => row.recommended_cost_usd),
      total_monthly_savings_usd: sum((row) => row.monthly_savings_usd),
    };
    return result as unknown as Record<string, unknown>;
  },
};
