import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { priceTable } from '../../../src/agents';
import { loadPriceTable, PriceTableError } from '../../../src/agents/pricing/price-table';

const raw = JSON.parse(readFileSync(join(__dirname, '../../../src/agents/pricing/prices.json'), 'utf8'));

describe('price table (src/agents/pricing/prices.json)', () => {
  it('prices 8 to 12 models and says its prices are illustrative', () => {
    expect(priceTable.models.size).toBeGreaterThanOrEqual(8);
    expect(priceTable.models.size).toBeLessThanOrEqual(12);
    expect(priceTable.note).toMatch(/illustrative/i);
    expect(priceTable.gpus.has('a100') && priceTable.gpus.has('h100')).toBe(true);
  });

  it('routes every frontier model to a cheaper model of the same provider and family', () => {
    for (const price of priceTable.models.values()) {
      if (price.tier === 'frontier') expect(price.route_to).not.toBeNull();
      if (price.route_to === null) continue;
      const target = priceTable.models.get(price.route_to)!;
      expect([target.provider, target.family]).toEqual([price.provider, price.family]);
      expect(target.input_usd_per_1m).toBeLessThan(price.input_usd_per_1m);
      expect(target.output_usd_per_1m).toBeLessThan(price.output_usd_per_1m);
    }
  });

  it('refuses a routing target that is not cheaper', () => {
    const broken = structuredClone(raw);
    broken.models['gpt-4o-mini'].input_usd_per_1m = 5;
    expect(() => loadPriceTable(broken)).toThrow(PriceTableError);
    expect(() => loadPriceTable(broken)).toThrow(/must be cheaper/);
  });

  it('refuses unknown GPUs, unknown targets and bad numbers', () => {
    const gpu = structuredClone(raw);
    gpu.models['llama-3.1-8b'].self_hosting.gpu = 'tpu-v5';
    expect(() => loadPriceTable(gpu)).toThrow(/tpu-v5/);
    const target = structuredClone(raw);
    target.models['gpt-4o'].route_to = 'gpt-5-nano';
    expect(() => loadPriceTable(target)).toThrow(/unknown model 'gpt-5-nano'/);
    const discount = structuredClone(raw);
    discount.models['gpt-4o'].batch_discount = 1.5;
    expect(() => loadPriceTable(discount)).toThrow(/batch_discount/);
    try {
      loadPriceTable({ ...raw, currency: 'EUR' });
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(PriceTableError);
      expect((err as PriceTableError).code).toBe('PRICE_TABLE_INVALID');
    }
  });
});
