import { toCents } from './money';
import { selfHostingOf, type ModelPrice, type PriceTable } from './price-table';
import type { NormalisedModel } from './workload';

/** What one workload model costs a month at list price, in integer cents. `tokenCents = inputCents + outputCents`. */
export interface ModelCost {
  inputCents: number;
  outputCents: number;
  tokenCents: number;
  gpu: string | null;
  gpuCents: number;
  totalCents: number;
}

/** Dollars for `requests` requests of `inputTokens` + `outputTokens` at per-1M-token prices (unrounded). */
export function tokenCostUsd(
  requests: number,
  inputTokens: number,
  outputTokens: number,
  inputUsdPer1m: number,
  outputUsdPer1m: number,
): number {
  return (requests * (inputTokens * inputUsdPer1m + outputTokens * outputUsdPer1m)) / 1e6;
}

/** Dollars per single request at the model's list prices (unrounded). */
export function costPerRequestUsd(entry: NormalisedModel, price: ModelPrice): number {
  return tokenCostUsd(
    1,
    entry.avg_input_tokens,
    entry.avg_output_tokens,
    price.input_usd_per_1m,
    price.output_usd_per_1m,
  );
}

/**
 * Current monthly cost of one workload model: its tokens at the table's list prices (no caching, batching or
 * routing yet: those are the savings the tools look for) plus its self-hosted GPU hours at the GPU's hourly price.
 */
export function modelCost(entry: NormalisedModel, price: ModelPrice, table: PriceTable): ModelCost {
  const r = entry.requests_per_month;
  const inputCents = toCents((r * entry.avg_input_tokens * price.input_usd_per_1m) / 1e6);
  const outputCents = toCents((r * entry.avg_output_tokens * price.output_usd_per_1m) / 1e6);
  let gpu: string | null = null;
  let gpuCents = 0;
  if (entry.gpu_hours_per_month > 0) {
    gpu = selfHostingOf(price, table).gpu;
    gpuCents = toCents(entry.gpu_hours_per_month * (table.gpus.get(gpu)?.hourly_usd ?? 0));
  }
  const tokenCents = inputCents + outputCents;
  return { inputCents, outputCents, tokenCents, gpu, gpuCents, totalCents: tokenCents + gpuCents };
}
