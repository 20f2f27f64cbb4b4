import { formatCount, formatPercent, toCents } from './pricing/money';
import type { CacheBatchEstimate } from './tools/cache-batch-estimator';
import type { GpuRightsizing } from './tools/gpu-rightsizer';
import type { RoutingSimulation } from './tools/routing-simulator';

/** A recommendation before selection, with its saving in integer cents. */
export interface DraftRecommendation {
  id: string;
  title: string;
  category: 'model_routing' | 'caching' | 'batching' | 'right_sizing';
  model: string;
  cents: number;
}

/** Recommendations found in one tool's results, and why other levers do not apply (for the answer text). */
export interface Drafts {
  drafts: DraftRecommendation[];
  notApplicable: string[];
}

/** Longest recommendation title (asyncapi.yaml Recommendation.title). */
const MAX_TITLE = 200;

function draft(d: DraftRecommendation): DraftRecommendation {
  return { ...d, title: d.title.length > MAX_TITLE ? `${d.title.slice(0, MAX_TITLE - 1)}…` : d.title };
}

/** model_routing recommendations from routing_simulator results: one per model with a positive saving. */
export function routingDrafts(sim: RoutingSimulation): Drafts {
  const drafts: DraftRecommendation[] = [];
  for (const row of sim.models) {
    const cents = toCents(row.monthly_savings_usd);
    if (cents <= 0) continue;
    drafts.push(
      draft({
        id: `rec_route_${row.model}`,
        title: `Route the simple ${formatPercent(row.routable_share)} of ${row.model} requests to ${row.route_to}`,
        category: 'model_routing',
        model: row.model,
        cents,
      }),
    );
  }
  const notApplicable = sim.skipped.map((s) => `${s.model} has no cheaper model in its family to route to`);
  return { drafts, notApplicable };
}

const cacheReasons: Record<string, string> = {
  no_cache_discount: 'its provider gives no cached-input discount',
  no_repeated_prompts: 'its prompts do not repeat',
  negligible: 'the saving rounds to less than a cent',
};
const batchReasons: Record<string, string> = {
  latency_sensitive: 'its callers are latency-sensitive',
  no_batch_discount: 'its provider has no batch discount',
  nothing_batchable: 'none of its requests can wait',
  negligible: 'the saving rounds to less than a cent',
};

/** caching and batching recommendations from cache_batch_estimator results. */
export function cacheBatchDrafts(estimate: CacheBatchEstimate): Drafts {
  const drafts: DraftRecommendation[] = [];
  const notApplicable: string[] = [];
  for (const row of estimate.models) {
    const cacheCents = toCents(row.caching.monthly_savings_usd);
    if (cacheCents > 0) {
      drafts.push(
        draft({
          id: `rec_cache_${row.model}`,
          title:
            `Cache the repeated prompt prefix of ${row.model} ` +
            `(${formatPercent(row.caching.cache_hit_potential)} of requests repeat it)`,
          category: 'caching',
          model: row.model,
          cents: cacheCents,
        }),
      );
    } else if (row.caching.reason) {
      notApplicable.push(`caching ${row.model}: ${cacheReasons[row.caching.reason] ?? row.caching.reason}`);
    }
    const batchCents = toCents(row.batching.monthly_savings_usd);
    if (batchCents > 0) {
      drafts.push(
        draft({
          id: `rec_batch_${row.model}`,
          title:
            `Send the ${formatCount(row.batching.batched_requests_per_month)} latency-tolerant ${row.model} ` +
            `requests a month through the batch API`,
          category: 'batching',
          model: row.model,
          cents: batchCents,
        }),
      );
    } else if (row.batching.reason) {
      notApplicable.push(`batching ${row.model}: ${batchReasons[row.batching.reason] ?? row.batching.reason}`);
    }
  }
  return { drafts, notApplicable };
}

/** right_sizing recommendations from gpu_rightsizer results. */
export function gpuDrafts(sizing: GpuRightsizing): Drafts {
  const drafts: DraftRecommendation[] = [];
  const notApplicable: string[] = [];
  for (const row of sizing.models) {
    const cents = toCents(row.monthly_savings_usd);
    if (cents <= 0) {
      notApplicable.push(
        `GPUs of ${row.model}: already on the cheapest fit at ${formatPercent(sizing.target_utilisation)}`,
      );
      continue;
    }
    const where =
      row.recommended_gpu === row.current_gpu
        ? `${formatCount(row.recommended_gpu_hours)} ${row.current_gpu} hours`
        : `${formatCount(row.recommended_gpu_hours)} ${row.recommended_gpu} hours instead of ${row.current_gpu}`;
    drafts.push(
      draft({
        id: `rec_gpu_${row.model}`,
        title:
          `Serve ${row.model} on ${where} at ${formatPercent(sizing.target_utilisation)} utilisation ` +
          `(now ${formatCount(row.current_gpu_hours)} hours)`,
        category: 'right_sizing',
        model: row.model,
        cents,
      }),
    );
  }
  return { drafts, notApplicable };
}
