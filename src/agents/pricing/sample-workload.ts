import { deepFreeze } from '../../util/deep-freeze';
import { mulberry32 } from '../../util/prng';
import { toCents } from './money';
import { priceTable, type ModelPrice, type PriceTable } from './price-table';
import { modelCost } from './pricing';
import { latencyLevels, type Workload, type WorkloadModel } from '../types';

/** FNV-1a over the UTF-8 bytes: a stable 32-bit seed per user id (not a security hash). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function between(random: () => number, min: number, max: number): number {
  return min + random() * (max - min);
}

function roundTo(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function sampleModel(random: () => number, price: ModelPrice): WorkloadModel {
  // Request volume is spread log-uniformly (20k to 5M a month) because real fleets span orders of magnitude.
  const requests = roundTo(Math.exp(between(random, Math.log(20_000), Math.log(5_000_000))), 1000);
  const entry: WorkloadModel = {
    model: price.model,
    requests_per_month: requests,
    avg_input_tokens: Math.min(roundTo(between(random, 300, 4000), 10), price.context_window_tokens),
    avg_output_tokens: roundTo(between(random, 80, 900), 10),
    latency_sensitivity: pick(random, latencyLevels),
    // Multiples of 0.05 keep the figures readable (and exactly representable after the division).
    cache_hit_potential: Math.round(between(random, 0.1, 0.6) * 20) / 20,
    batchable_share: Math.round(between(random, 0.05, 0.4) * 20) / 20,
  };
  if (price.self_hosting !== null && random() < 0.6) {
    entry.gpu_hours_per_month = roundTo(between(random, 200, 3000), 10);
  }
  return entry;
}

/**
 * A deterministic, plausible workload for a user who sent none: 2 to 5 distinct models of the price table with
 * volumes, token sizes, latency needs, caching and batching potential derived from a hash of the user id, and a
 * monthly budget near the current spend. Built so that every cost lever applies at least once: the first model
 * has a cheaper routing target and a prompt-cache discount, and at least one model tolerates latency (batching).
 */
export function sampleWorkloadFrom(userId: string, table: PriceTable): Workload {
  const random = mulberry32(fnv1a(userId));
  const all = [...table.models.values()];
  const leaders = all.filter((p) => p.route_to !== null && p.cached_input_discount > 0);
  const first = pick(random, leaders.length > 0 ? leaders : all);
  const count = 2 + Math.floor(random() * 4);
  const rest = all.filter((p) => p !== first);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j] as ModelPrice, rest[i] as ModelPrice];
  }
  const chosen = [first, ...rest.slice(0, Math.min(count, all.length) - 1)];
  const models = chosen.map((price) => sampleModel(random, price));
  if (models.every((m) => m.latency_sensitivity === 'high'))
    (models[0] as WorkloadModel).latency_sensitivity = 'medium';
  let spendCents = 0;
  for (const [index, entry] of models.entries()) {
    const normalised = {
      ...entry,
      latency_sensitivity: entry.latency_sensitivity ?? 'medium',
      cache_hit_potential: entry.cache_hit_potential ?? 0,
      batchable_share: entry.batchable_share ?? 0,
      gpu_hours_per_month: entry.gpu_hours_per_month ?? 0,
    };
    spendCents += modelCost(normalised, chosen[index] as ModelPrice, table).totalCents;
  }
  // Budgets are set in round hundreds, from a little under to well over today's spend.
  const budgetUsd = Math.max(100, Math.ceil(((spendCents / 100) * between(random, 0.95, 1.5)) / 100) * 100);
  return { workload: models, monthly_budget_usd: toCents(budgetUsd) / 100 };
}

/**
 * The sample workload of a user, from the repo's price table: same user id, same workload, every time.
 *
 * @example
 * sampleWorkload('alice').workload.length; // between 2 and 5, always the same for 'alice'
 */
export function sampleWorkload(userId: string): Workload {
  return sampleWorkloadFrom(userId, priceTable);
}

/** Users whose shared sample workload is kept (a user's runs reuse it instead of deriving it again each run). */
const SHARED_SAMPLES = 1024;
const sharedSamples = new Map<string, Workload>();

/**
 * {@link sampleWorkload}, deep-frozen and shared by every run of the user (the least recently used of more than
 * {@link SHARED_SAMPLES} users are derived again): what a run computes from when its request has no workload. Frozen,
 * so that no run can change another's, and so that its check can be cached (checkedWorkload).
 */
export function sharedSampleWorkload(userId: string): Workload {
  let workload = sharedSamples.get(userId);
  if (workload !== undefined) {
    sharedSamples.delete(userId);
  } else {
    workload = deepFreeze(sampleWorkload(userId));
    if (sharedSamples.size >= SHARED_SAMPLES) sharedSamples.delete(sharedSamples.keys().next().value as string);
  }
  sharedSamples.set(userId, workload);
  return workload;
}
