import { NetraError } from '../../util/errors';
import rawPrices from './prices.json';
import { isRecord } from '../../util/records';

/** Model tier: routing moves simple traffic from a higher tier to a cheaper model of the same family. */
export type ModelTier = 'frontier' | 'mid' | 'small';

/** Where a model's self-hosted GPU hours run, and which GPU classes can hold it. */
export interface SelfHosting {
  gpu: string;
  eligible_gpus: string[];
}

/** One model of the price table. */
export interface ModelPrice {
  model: string;
  provider: string;
  family: string;
  tier: ModelTier;
  input_usd_per_1m: number;
  output_usd_per_1m: number;
  /** Cheaper model of the same provider and family that simple requests can be routed to, or null. */
  route_to: string | null;
  /** Share of the input price saved on a cached prompt token (0.5 = cached tokens cost half). */
  cached_input_discount: number;
  /** Share of the price saved by the provider's batch API (0.5 = half price). */
  batch_discount: number;
  context_window_tokens: number;
  /** Where self-hosted GPU hours of this model run; null = the table's default_self_hosting. */
  self_hosting: SelfHosting | null;
}

/** One GPU class. `relative_throughput` is inference work per hour relative to an H100 (= 1). */
export interface GpuPrice {
  gpu: string;
  hourly_usd: number;
  relative_throughput: number;
  memory_gb: number;
}

/** The validated price table. Maps keep the file's order. */
export interface PriceTable {
  note: string;
  asOf: string;
  currency: 'USD';
  models: ReadonlyMap<string, ModelPrice>;
  gpus: ReadonlyMap<string, GpuPrice>;
  defaultSelfHosting: SelfHosting;
}

/** A price table that does not make sense (bad number, unknown reference, routing target not cheaper). */
export class PriceTableError extends NetraError {
  constructor(message: string) {
    super('PRICE_TABLE_INVALID', message, { exitCode: 2 });
  }
}

const tiers: readonly ModelTier[] = ['frontier', 'mid', 'small'];

function requireRecord(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new PriceTableError(`${where} must be an object`);
  return value;
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new PriceTableError(`${where} must be a non-empty string`);
  return value;
}

function requireNumber(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new PriceTableError(`${where} must be a number in [${min}, ${max}]`);
  }
  return value;
}

function parseSelfHosting(value: unknown, where: string, gpus: ReadonlyMap<string, GpuPrice>): SelfHosting {
  const record = requireRecord(value, where);
  const gpu = requireString(record.gpu, `${where}.gpu`);
  if (!Array.isArray(record.eligible_gpus) || record.eligible_gpus.length === 0) {
    throw new PriceTableError(`${where}.eligible_gpus must be a non-empty array`);
  }
  const eligible = record.eligible_gpus.map((g, i) => requireString(g, `${where}.eligible_gpus[${i}]`));
  for (const name of [gpu, ...eligible]) {
    if (!gpus.has(name)) throw new PriceTableError(`${where} names GPU '${name}', which the table does not price`);
  }
  if (!eligible.includes(gpu)) throw new PriceTableError(`${where}.eligible_gpus must include its gpu '${gpu}'`);
  return { gpu, eligible_gpus: eligible };
}

/**
 * Validates a parsed price table document (the shape of prices.json) and returns it typed. Checks every number,
 * every GPU reference, and that each routing target exists, has the same provider and family, and is cheaper.
 *
 * @example
 * const table = loadPriceTable(JSON.parse(fs.readFileSync('prices.json', 'utf8')));
 * table.models.get('gpt-4o')?.route_to; // 'gpt-4o-mini'
 */
export function loadPriceTable(raw: unknown): PriceTable {
  const doc = requireRecord(raw, 'price table');
  if (doc.currency !== 'USD') throw new PriceTableError('price table currency must be USD');
  const gpus = new Map<string, GpuPrice>();
  for (const [gpu, value] of Object.entries(requireRecord(doc.gpus, 'gpus'))) {
    const record = requireRecord(value, `gpus.${gpu}`);
    gpus.set(gpu, {
      gpu,
      hourly_usd: requireNumber(record.hourly_usd, `gpus.${gpu}.hourly_usd`, 0.01, 1000),
      relative_throughput: requireNumber(record.relative_throughput, `gpus.${gpu}.relative_throughput`, 0.001, 100),
      memory_gb: requireNumber(record.memory_gb, `gpus.${gpu}.memory_gb`, 1, 10000),
    });
  }
  if (gpus.size === 0) throw new PriceTableError('gpus must price at least one GPU');
  const models = new Map<string, ModelPrice>();
  for (const [model, value] of Object.entries(requireRecord(doc.models, 'models'))) {
    const where = `models.${model}`;
    const record = requireRecord(value, where);
    const tier = record.tier as ModelTier;
    if (!tiers.includes(tier)) throw new PriceTableError(`${where}.tier must be one of ${tiers.join(', ')}`);
    models.set(model, {
      model,
      provider: requireString(record.provider, `${where}.provider`),
      family: requireString(record.family, `${where}.family`),
      tier,
      input_usd_per_1m: requireNumber(record.input_usd_per_1m, `${where}.input_usd_per_1m`, 0, 10000),
      output_usd_per_1m: requireNumber(record.output_usd_per_1m, `${where}.output_usd_per_1m`, 0, 10000),
      route_to: record.route_to === null ? null : requireString(record.route_to, `${where}.route_to`),
      cached_input_discount: requireNumber(record.cached_input_discount, `${where}.cached_input_discount`, 0, 1),
      batch_discount: requireNumber(record.batch_discount, `${where}.batch_discount`, 0, 1),
      context_window_tokens: requireNumber(record.context_window_tokens, `${where}.context_window_tokens`, 1, 1e8),
      self_hosting: record.self_hosting === null ? null : parseSelfHosting(record.self_hosting, where, gpus),
    });
  }
  if (models.size === 0) throw new PriceTableError('models must price at least one model');
  for (const price of models.values()) {
    if (price.route_to === null) continue;
    const target = models.get(price.route_to);
    if (!target) throw new PriceTableError(`models.${price.model}.route_to names unknown model '${price.route_to}'`);
    if (target.provider !== price.provider || target.family !== price.family) {
      throw new PriceTableError(`models.${price.model}.route_to must stay in provider and family`);
    }
    const cheaper =
      target.input_usd_per_1m <= price.input_usd_per_1m &&
      target.output_usd_per_1m <= price.output_usd_per_1m &&
      target.input_usd_per_1m + target.output_usd_per_1m < price.input_usd_per_1m + price.output_usd_per_1m;
    if (!cheaper) throw new PriceTableError(`models.${price.model}.route_to '${target.model}' must be cheaper`);
  }
  return {
    note: requireString(doc.note, 'note'),
    asOf: requireString(doc.as_of, 'as_of'),
    currency: 'USD',
    models,
    gpus,
    defaultSelfHosting: parseSelfHosting(doc.default_self_hosting, 'default_self_hosting', gpus),
  };
}

/**
 * The price table kept in the repo (src/agents/pricing/prices.json). Illustrative prices: see its `note`.
 *
 * @example
 * priceTable.models.get('claude-3-5-sonnet')?.input_usd_per_1m; // 3
 */
export const priceTable: PriceTable = loadPriceTable(rawPrices);

/** Where a model's GPU hours run: its own self_hosting entry or the table's default. */
export function selfHostingOf(price: ModelPrice, table: PriceTable): SelfHosting {
  return price.self_hosting ?? table.defaultSelfHosting;
}
