import { centsToUsd, toCents } from '../pricing/money';
import { costPerRequestUsd } from '../pricing/pricing';
import type { LatencySensitivity } from '../types';
import { readLatencyLevels, readModelShares, readNumber } from './parameters';
import type { ToolDefinition } from './tool-kit';

/** Share of a cache-hit request's prompt that is the repeated prefix (system prompt, instructions, shared context). */
export const defaultCacheablePromptShare = 0.6;

/** Latency levels whose batchable requests may wait for a batch API (hours, not seconds). */
export const defaultBatchLatencyLevels: readonly LatencySensitivity[] = ['low', 'medium'];

/** One model's caching and batching figures (cache_batch_estimator results.models[]). */
export interface ModelCacheBatch {
  model: string;
  excluded_share: number;
  requests_considered_per_month: number;
  caching: {
    cache_hit_potential: number;
    cached_input_discount: number;
    cached_input_tokens_per_month: number;
    monthly_savings_usd: number;
    applicable: boolean;
    reason: string | null;
  };
  batching: {
    batchable_share: number;
    batch_discount: number;
    batched_requests_per_month: number;
    monthly_savings_usd: number;
    applicable: boolean;
    reason: string | null;
  };
}

/** cache_batch_estimator results. Totals are sums of the models' rounded savings. */
export interface CacheBatchEstimate {
  currency: 'USD';
  cacheable_prompt_share: number;
  batch_latency_levels: LatencySensitivity[];
  models: ModelCacheBatch[];
  caching_monthly_savings_usd: number;
  batching_monthly_savings_usd: number;
  total_monthly_savings_usd: number;
}

/**
 * cache_batch_estimator: prompt caching and batch API savings on the traffic that stays on each model.
 * - Caching: of the requests considered, `cache_hit_potential` hit the cache, and `cacheable_prompt_share` of their
 *   input tokens is the cached prefix, billed with the model's `cached_input_discount` off the input price.
 * - Batching: `batchable_share` of the requests go through the batch API at `batch_discount` off their cost after
 *   caching (the discounts stack, as providers bill them), only for models whose latency sensitivity is in
 *   `batch_latency_levels`: latency-sensitive callers cannot wait for a batch window.
 * `excluded_share_by_model` removes traffic another change already moved (the routed share), so that savings never
 * count the same request twice.
 * Parameters: `cacheable_prompt_share` (0..1, default 0.6), `batch_latency_levels` (default ['low', 'medium']),
 * `excluded_share_by_model` ({ model: share }, default none).
 */
export const cacheBatchEstimator: ToolDefinition = {
  name: 'cache_batch_estimator',
  description: 'Savings from prompt caching and from the batch API for latency-tolerant traffic.',
  parameterKeys: ['cacheable_prompt_share', 'batch_latency_levels', 'excluded_share_by_model'],
  run(params, { models, prices }) {
    const prefixShare = readNumber(params, 'cacheable_prompt_share', { min: 0, max: 1 }, defaultCacheablePromptShare);
    const batchLevels = readLatencyLevels(params, 'batch_latency_levels', defaultBatchLatencyLevels);
    const excluded = readModelShares(
      params,
      'excluded_share_by_model',
      models.map((m) => m.model),
    );
    const rows: ModelCacheBatch[] = [];
    let cachingCents = 0;
    let batchingCents = 0;
    for (const [index, entry] of models.entries()) {
      const price = prices[index];
      const excludedShare = excluded.get(entry.model) ?? 0;
      const requests = entry.requests_per_month * (1 - excludedShare);
      const cachedTokens = requests * entry.cache_hit_potential * entry.avg_input_tokens * prefixShare;
      const cacheSavingUsd = (cachedTokens * price.input_usd_per_1m * price.cached_input_discount) / 1e6;
      const cacheCents = toCents(cacheSavingUsd);
      let cacheReason: string | null = null;
      if (price.cached_input_discount === 0) cacheReason = 'no_cache_discount';
      else if (entry.cache_hit_potential === 0) cacheReason = 'no_repeated_prompts';
      else if (cacheCents === 0) cacheReason = 'negligible';

      const latencyTolerant = batchLevels.includes(entry.latency_sensitivity);
      const batchedRequests = latencyTolerant ? requests * entry.batchable_share : 0;
      const cacheSavingPerRequest = requests === 0 ? 0 : cacheSavingUsd / requests;
      const costAfterCachePerRequest = costPerRequestUsd(entry, price) - cacheSavingPerRequest;
      const batchCents = toCents(batchedRequests * costAfterCachePerRequest * price.batch_discount);
      let batchReason: string | null = null;
      if (!latencyTolerant) batchReason = 'latency_sensitive';
      else if (price.batch_discount === 0) batchReason = 'no_batch_discount';
      else if (entry.batchable_share === 0) batchReason = 'nothing_batchable';
      else if (batchCents === 0) batchReason = 'negligible';

      cachingCents += cacheCents;
      batchingCents += batchCents;
      rows.push({
        model: entry.model,
        excluded_share: excludedShare,
        requests_considered_per_month: Math.round(requests),
        caching: {
          cache_hit_potential: entry.cache_hit_potential,
          cached_input_discount: price.cached_input_discount,
          cached_input_tokens_per_month: Math.round(cachedTokens),
          monthly_savings_usd: centsToUsd(cacheCents),
          applicable: cacheCents > 0,
          reason: cacheReason,
        },
        batching: {
          batchable_share: entry.batchable_share,
          batch_discount: price.batch_discount,
          batched_requests_per_month: Math.round(batchedRequests),
          monthly_savings_usd: centsToUsd(batchCents),
          applicable: batchCents > 0,
          reason: batchReason,
        },
      });
    }
    const result: CacheBatchEstimate = {
      currency: 'USD',
      cacheable_prompt_share: prefixShare,
      batch_latency_levels: batchLevels,
      models: rows,
      caching_monthly_savings_usd: centsToUsd(cachingCents),
      batching_monthly_savings_usd: centsToUsd(batchingCents),
      total_monthly_savings_usd: centsToUsd(cachingCents + batchingCents),
    };
    return result as unknown as Record<string, unknown>;
  },
};
