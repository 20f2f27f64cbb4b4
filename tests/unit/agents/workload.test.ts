import { priceTable, sampleWorkload, validateWorkload, type Workload } from '../../../src/agents';

describe('sampleWorkload', () => {
  it('is deterministic for a user id', () => {
    expect(sampleWorkload('alice')).toEqual(sampleWorkload('alice'));
    expect(JSON.stringify(sampleWorkload('bob'))).toBe(JSON.stringify(sampleWorkload('bob')));
  });

  it('differs between users', () => {
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
    const distinct = new Set(users.map((u) => JSON.stringify(sampleWorkload(u))));
    expect(distinct.size).toBe(users.length);
  });

  it('gives 2 to 5 distinct priced models with plausible, valid figures', () => {
    for (const user of ['alice', 'bob', 'user-42', 'ops@example.com', 'Ünïcödé']) {
      const sample = sampleWorkload(user);
      expect(validateWorkload(sample)).toBeNull();
      expect(sample.workload.length).toBeGreaterThanOrEqual(2);
      expect(sample.workload.length).toBeLessThanOrEqual(5);
      expect(new Set(sample.workload.map((m) => m.model)).size).toBe(sample.workload.length);
      for (const m of sample.workload) {
        expect(priceTable.models.has(m.model)).toBe(true);
        expect(Number.isInteger(m.requests_per_month)).toBe(true);
        expect(m.requests_per_month).toBeGreaterThanOrEqual(20_000);
        expect(m.requests_per_month).toBeLessThanOrEqual(5_000_000);
        expect(m.avg_input_tokens).toBeGreaterThan(0);
        expect(m.cache_hit_potential).toBeGreaterThan(0);
        expect(m.cache_hit_potential).toBeLessThanOrEqual(1);
      }
      // The first model always has a cheaper routing target, so routing applies at least once.
      expect(priceTable.models.get(sample.workload[0]!.model)!.route_to).not.toBeNull();
      expect(sample.workload.some((m) => m.latency_sensitivity !== 'high')).toBe(true);
      expect(sample.monthly_budget_usd).toBeGreaterThan(0);
    }
  });
});

describe('validateWorkload (business sense beyond the schema)', () => {
  const gpt = { model: 'gpt-4o', requests_per_month: 1000, avg_input_tokens: 100, avg_output_tokens: 10 };

  it('accepts a minimal workload and fills nothing into the caller object', () => {
    const workload: Workload = { workload: [{ ...gpt }] };
    expect(validateWorkload(workload)).toBeNull();
    expect(workload.workload[0]).toEqual(gpt);
  });

  it.each<[string, unknown, string, string]>([
    ['unknown model', { workload: [gpt, { ...gpt, model: 'mystery-llm' }] }, 'UNKNOWN_MODEL', "'mystery-llm'"],
    ['duplicate model', { workload: [gpt, gpt] }, 'INVALID_WORKLOAD', 'more than once'],
    ['empty workload', { workload: [] }, 'INVALID_WORKLOAD', '1 to 50'],
    ['no array', { models: [gpt] }, 'INVALID_WORKLOAD', '`workload` array'],
    ['negative requests', { workload: [{ ...gpt, requests_per_month: -1 }] }, 'INVALID_WORKLOAD', 'requests_per_month'],
    ['fractional requests', { workload: [{ ...gpt, requests_per_month: 1.5 }] }, 'INVALID_WORKLOAD', 'an integer'],
    ['share above 1', { workload: [{ ...gpt, cache_hit_potential: 1.2 }] }, 'INVALID_WORKLOAD', 'cache_hit_potential'],
    ['NaN tokens', { workload: [{ ...gpt, avg_input_tokens: Number.NaN }] }, 'INVALID_WORKLOAD', 'avg_input_tokens'],
    [
      'bad latency',
      { workload: [{ ...gpt, latency_sensitivity: 'urgent' }] },
      'INVALID_WORKLOAD',
      'low, medium or high',
    ],
    [
      'prompt beyond context',
      { workload: [{ ...gpt, avg_input_tokens: 200_000 }] },
      'INVALID_WORKLOAD',
      'context window',
    ],
    ['negative budget', { workload: [gpt], monthly_budget_usd: -5 }, 'INVALID_WORKLOAD', 'monthly_budget_usd'],
    [
      'spend beyond any UsdAmount',
      {
        workload: [
          { model: 'claude-3-opus', requests_per_month: 1e11, avg_input_tokens: 100_000, avg_output_tokens: 2e6 },
        ],
      },
      'INVALID_WORKLOAD',
      'beyond any plausible spend',
    ],
  ])('refuses %s', (_label, workload, code, fragment) => {
    const problem = validateWorkload(workload);
    expect(problem?.code).toBe(code);
    expect(problem?.message).toContain(fragment);
  });
});
