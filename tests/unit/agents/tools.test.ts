import { executeTool, priceTable, toolNames, type Workload } from '../../../src/agents';

// A small workload whose figures are computed by hand below from the price table's values:
//   gpt-4o            $2.50 in / $10.00 out per 1M, route -> gpt-4o-mini ($0.15 / $0.60), cache -50%, batch -50%
//   llama-3.1-70b     $0.88 / $0.88, route -> llama-3.1-8b ($0.18 / $0.18), no cache discount, batch -50%,
//                     self-hosted on a100 ($1.79/h, throughput 0.45 of an h100 at $2.99/h)
//   claude-3-5-haiku  $0.80 / $4.00, no cheaper target, cache -90%, batch -50%
const workload: Workload = {
  workload: [
    {
      model: 'gpt-4o',
      requests_per_month: 1_000_000,
      avg_input_tokens: 1000,
      avg_output_tokens: 200,
      latency_sensitivity: 'medium',
      cache_hit_potential: 0.4,
      batchable_share: 0.2,
    },
    {
      model: 'llama-3.1-70b',
      requests_per_month: 200_000,
      avg_input_tokens: 500,
      avg_output_tokens: 100,
      latency_sensitivity: 'high',
      cache_hit_potential: 0.3,
      batchable_share: 0.5,
      gpu_hours_per_month: 1000,
    },
    {
      model: 'claude-3-5-haiku',
      requests_per_month: 100_000,
      avg_input_tokens: 2000,
      avg_output_tokens: 500,
      latency_sensitivity: 'low',
      cache_hit_potential: 0.5,
      batchable_share: 0.4,
    },
  ],
  monthly_budget_usd: 7500,
};

function results(tool: string, parameters: Record<string, unknown> = {}, w: Workload = workload): Record<string, any> {
  const outcome = executeTool(tool, parameters, w);
  if (outcome.status !== 'success') throw new Error(`${tool}: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.results;
}

describe('price table used by the hand computations', () => {
  it('still has the prices this file computes with', () => {
    const p = (m: string) => priceTable.models.get(m)!;
    expect([p('gpt-4o').input_usd_per_1m, p('gpt-4o').output_usd_per_1m]).toEqual([2.5, 10]);
    expect([p('gpt-4o-mini').input_usd_per_1m, p('gpt-4o-mini').output_usd_per_1m]).toEqual([0.15, 0.6]);
    expect([p('llama-3.1-70b').input_usd_per_1m, p('llama-3.1-8b').input_usd_per_1m]).toEqual([0.88, 0.18]);
    expect([p('claude-3-5-haiku').input_usd_per_1m, p('claude-3-5-haiku').cached_input_discount]).toEqual([0.8, 0.9]);
    expect([priceTable.gpus.get('a100')!.hourly_usd, priceTable.gpus.get('h100')!.hourly_usd]).toEqual([1.79, 2.99]);
  });
});

describe('cost_analyzer', () => {
  it('prices tokens and GPU hours per model and in total', () => {
    const r = results('cost_analyzer');
    // gpt-4o: 1M x 1000 x $2.50/1M = $2,500 in; 1M x 200 x $10/1M = $2,000 out.
    expect(r.models[0]).toMatchObject({
      model: 'gpt-4o',
      provider: 'openai',
      input_tokens_per_month: 1_000_000_000,
      output_tokens_per_month: 200_000_000,
      input_cost_usd: 2500,
      output_cost_usd: 2000,
      token_cost_usd: 4500,
      gpu_cost_usd: 0,
      monthly_cost_usd: 4500,
      share_of_spend: 0.6661, // 4500 / 6755.60
    });
    // llama-3.1-70b: 200k x 500 x $0.88/1M = $88.00; 200k x 100 x $0.88/1M = $17.60; 1000 a100 hours x $1.79 = $1,790.
    expect(r.models[1]).toMatchObject({
      input_cost_usd: 88,
      output_cost_usd: 17.6,
      token_cost_usd: 105.6,
      gpu: 'a100',
      gpu_cost_usd: 1790,
      monthly_cost_usd: 1895.6,
      share_of_spend: 0.2806,
    });
    // claude-3-5-haiku: 100k x 2000 x $0.80/1M = $160; 100k x 500 x $4/1M = $200.
    expect(r.models[2]).toMatchObject({ token_cost_usd: 360, monthly_cost_usd: 360, share_of_spend: 0.0533 });
    expect(r.total_monthly_spend_usd).toBe(6755.6);
    expect(r.total_token_cost_usd).toBe(4965.6);
    expect(r.total_gpu_cost_usd).toBe(1790);
    expect(r.total_requests_per_month).toBe(1_300_000);
    expect(r.largest_model).toBe('gpt-4o');
    expect(r.by_provider).toEqual([
      { provider: 'openai', monthly_cost_usd: 4500 },
      { provider: 'meta', monthly_cost_usd: 1895.6 },
      { provider: 'anthropic', monthly_cost_usd: 360 },
    ]);
  });

  it('restricts to the models asked for, and refuses a model outside the workload', () => {
    expect(results('cost_analyzer', { models: ['claude-3-5-haiku'] }).total_monthly_spend_usd).toBe(360);
    const outcome = executeTool('cost_analyzer', { models: ['gpt-4o-mini'] }, workload);
    expect(outcome.status === 'error' && outcome.error.code).toBe('INVALID_PARAMETERS');
  });

  it('rounds to the cent half up', () => {
    // 3 requests x 1 token x $2.50/1M + 3 x 1 x $10/1M = $0.0000075 + $0.00003 -> $0.00 each.
    const tiny = results(
      'cost_analyzer',
      {},
      {
        workload: [{ model: 'gpt-4o', requests_per_month: 3, avg_input_tokens: 1, avg_output_tokens: 1 }],
      },
    );
    expect(tiny.total_monthly_spend_usd).toBe(0);
    // 201 requests x 10 tokens x $2.50/1M = $0.005025 -> $0.01 (half up); output 0.
    const half = results(
      'cost_analyzer',
      {},
      {
        workload: [{ model: 'gpt-4o', requests_per_month: 201, avg_input_tokens: 10, avg_output_tokens: 0 }],
      },
    );
    expect(half.models[0].input_cost_usd).toBe(0.01);
  });
});

describe('routing_simulator', () => {
  it('routes the latency-dependent simple share to the cheaper model of the family', () => {
    const r = results('routing_simulator');
    expect(r.routable_share_by_latency).toEqual({ low: 0.5, medium: 0.35, high: 0.15 });
    // gpt-4o, medium -> 35% = 350,000 requests: $1,575.00 at gpt-4o prices, 350k x (1000 x 0.15 + 200 x 0.60)/1M = $94.50.
    expect(r.models[0]).toEqual({
      model: 'gpt-4o',
      route_to: 'gpt-4o-mini',
      latency_sensitivity: 'medium',
      routable_share: 0.35,
      routed_requests_per_month: 350_000,
      current_token_cost_usd: 4500,
      routed_cost_before_usd: 1575,
      routed_cost_after_usd: 94.5,
      monthly_savings_usd: 1480.5,
    });
    // llama-3.1-70b, high -> 15% = 30,000 requests x 600 tokens: $15.84 at $0.88, $3.24 at $0.18.
    expect(r.models[1]).toMatchObject({
      route_to: 'llama-3.1-8b',
      routed_cost_before_usd: 15.84,
      routed_cost_after_usd: 3.24,
    });
    expect(r.models[1].monthly_savings_usd).toBe(12.6);
    expect(r.skipped).toEqual([{ model: 'claude-3-5-haiku', reason: 'no_cheaper_target' }]);
    expect(r.total_monthly_savings_usd).toBe(1493.1);
  });

  it('takes the routable shares as a parameter', () => {
    const r = results('routing_simulator', { routable_share_by_latency: { medium: 0.1 } });
    // 10% of gpt-4o: 100k x 4500/1M... = $450.00 - $27.00 = $423.00; llama keeps the default 15%.
    expect(r.models[0].monthly_savings_usd).toBe(423);
    expect(r.total_monthly_savings_usd).toBe(435.6);
    const bad = executeTool('routing_simulator', { routable_share_by_latency: { urgent: 0.5 } }, workload);
    expect(bad.status === 'error' && bad.error.code).toBe('INVALID_PARAMETERS');
  });
});

describe('cache_batch_estimator', () => {
  const excluded = { excluded_share_by_model: { 'gpt-4o': 0.35, 'llama-3.1-70b': 0.15 } };

  it('estimates caching and batching on the traffic that was not routed', () => {
    const r = results('cache_batch_estimator', excluded);
    const [gpt, llama, haiku] = r.models;
    // gpt-4o: 650,000 requests; 40% hit, 60% of 1000 tokens cached = 156M tokens x $2.50/1M x 50% = $195.00.
    expect(gpt.requests_considered_per_month).toBe(650_000);
    expect(gpt.caching).toMatchObject({ cached_input_tokens_per_month: 156_000_000, monthly_savings_usd: 195 });
    // Batching 20% = 130,000 requests at ($0.0045 - $0.0003 cached) x 50% = $273.00.
    expect(gpt.batching).toMatchObject({
      batched_requests_per_month: 130_000,
      monthly_savings_usd: 273,
      applicable: true,
    });
    // llama: no cache discount, and too latency-sensitive to batch.
    expect(llama.caching).toMatchObject({ monthly_savings_usd: 0, applicable: false, reason: 'no_cache_discount' });
    expect(llama.batching).toMatchObject({ monthly_savings_usd: 0, applicable: false, reason: 'latency_sensitive' });
    // haiku: 100k x 50% x 2000 x 60% = 60M tokens x $0.80/1M x 90% = $43.20;
    // batch 40,000 requests x ($0.0036 - $0.000432) x 50% = $63.36.
    expect(haiku.caching.monthly_savings_usd).toBe(43.2);
    expect(haiku.batching.monthly_savings_usd).toBe(63.36);
    expect(r.caching_monthly_savings_usd).toBe(238.2);
    expect(r.batching_monthly_savings_usd).toBe(336.36);
    expect(r.total_monthly_savings_usd).toBe(574.56);
  });

  it('counts all traffic when nothing was routed, and honours its parameters', () => {
    const all = results('cache_batch_estimator');
    // gpt-4o: 1M x 40% x 1000 x 60% = 240M tokens x $2.50/1M x 50% = $300.00.
    expect(all.models[0].caching.monthly_savings_usd).toBe(300);
    const lowOnly = results('cache_batch_estimator', { batch_latency_levels: ['low'], cacheable_prompt_share: 1 });
    expect(lowOnly.models[0].batching).toMatchObject({ monthly_savings_usd: 0, reason: 'latency_sensitive' });
    // haiku, whole prompt cached: 100k x 50% x 2000 = 100M tokens x $0.80/1M x 90% = $72.00.
    expect(lowOnly.models[2].caching.monthly_savings_usd).toBe(72);
    const bad = executeTool('cache_batch_estimator', { excluded_share_by_model: { 'gpt-4o': 2 } }, workload);
    expect(bad.status === 'error' && bad.error.code).toBe('INVALID_PARAMETERS');
  });
});

describe('gpu_rightsizer', () => {
  it('re-packs self-hosted GPU work at the target utilisation on the cheapest eligible GPU', () => {
    const r = results('gpu_rightsizer');
    // 1000 a100 hours at 40% busy = 1000 x 0.4 x 0.45 = 180 h100-hours of work.
    // a100 at 75%: 180 / (0.45 x 0.75) = 533.3 h x $1.79 = $954.67; h100 at 75%: 180 / 0.75 = 240 h x $2.99 = $717.60.
    expect(r.models).toEqual([
      {
        model: 'llama-3.1-70b',
        current_gpu: 'a100',
        current_gpu_hours: 1000,
        current_cost_usd: 1790,
        recommended_gpu: 'h100',
        recommended_gpu_hours: 240,
        recommended_cost_usd: 717.6,
        monthly_savings_usd: 1072.4,
      },
    ]);
    expect(r.total_monthly_savings_usd).toBe(1072.4);
  });

  it('never lowers utilisation: a fleet busier than the target keeps its utilisation', () => {
    const r = results('gpu_rightsizer', { current_utilisation: 0.9, target_utilisation: 0.75 });
    // 1000 x 0.9 x 0.45 = 405 h100-hours of work, packed at 90% (not 75%): 450 h x $2.99 = $1,345.50; a100 stays
    // 1000 h = $1,790. Saving $444.50 comes from the GPU class alone.
    expect(r.models[0]).toMatchObject({
      recommended_gpu: 'h100',
      recommended_gpu_hours: 450,
      monthly_savings_usd: 444.5,
    });
    // GPU hours of an API model (fine-tuning, side jobs) are priced on the table's default GPU: 100 a100 h = $179.
    const apiGpu = results(
      'gpu_rightsizer',
      { current_utilisation: 0.9 },
      {
        workload: [
          {
            model: 'gpt-4o',
            requests_per_month: 0,
            avg_input_tokens: 0,
            avg_output_tokens: 0,
            gpu_hours_per_month: 100,
          },
        ],
      },
    );
    expect(apiGpu.models[0]).toMatchObject({ current_gpu: 'a100', current_cost_usd: 179 });
    const bad = executeTool('gpu_rightsizer', { target_utilisation: 0 }, workload);
    expect(bad.status === 'error' && bad.error.code).toBe('INVALID_PARAMETERS');
  });
});

describe('spend_forecaster', () => {
  it('projects spend with and without the savings, and the budget month', () => {
    const r = results('spend_forecaster', {
      growth_rate_monthly: 0.1,
      horizons_months: [3],
      monthly_savings_usd: 1000,
    });
    // $6,755.60 x (1.1 + 1.21 + 1.331) = $24,597.14; $5,755.60 x 3.641 = $20,956.14.
    expect(r.horizons).toEqual([
      {
        months: 3,
        month_end_run_rate_usd: 8991.7, // 6755.60 x 1.331
        month_end_run_rate_with_recommendations_usd: 7660.7, // 5755.60 x 1.331
        cumulative_spend_usd: 24597.14,
        cumulative_spend_with_recommendations_usd: 20956.14,
        cumulative_savings_usd: 3641,
      },
    ]);
    // Budget $7,500: 6755.60 -> 7431.16 -> 8174.28 (month 2); with savings 5755.60 ... 7660.70 (month 3).
    expect(r.budget).toEqual({
      monthly_budget_usd: 7500,
      first_month_over_budget: 2,
      first_month_over_budget_with_recommendations: 3,
    });
    expect(r.current_monthly_spend_usd).toBe(6755.6);
  });

  it('defaults to 5% a month over 3, 6 and 12 months and refuses savings above the spend', () => {
    const r = results('spend_forecaster');
    expect(r.growth_rate_monthly).toBe(0.05);
    expect(r.horizons.map((h: { months: number }) => h.months)).toEqual([3, 6, 12]);
    // 6755.60 x (1.05 + 1.1025 + 1.157625) = 6755.60 x 3.310125 = $22,361.88
    expect(r.horizons[0].cumulative_spend_usd).toBe(22361.88);
    expect(r.horizons[0].cumulative_savings_usd).toBe(0);
    const bad = executeTool('spend_forecaster', { monthly_savings_usd: 6755.61 }, workload);
    expect(bad.status === 'error' && bad.error.code).toBe('INVALID_PARAMETERS');
  });
});

describe('executeTool refusals', () => {
  it('lists at least four tools with contract-valid names', () => {
    expect(toolNames.length).toBeGreaterThanOrEqual(4);
    for (const name of toolNames) expect(name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
  });

  it('refuses an unknown tool with UNKNOWN_TOOL', () => {
    const outcome = executeTool('crystal_ball', {}, workload);
    expect(outcome.status).toBe('error');
    expect(outcome.status === 'error' && outcome.error.code).toBe('UNKNOWN_TOOL');
  });

  it.each(toolNames.map((t) => [t]))('%s refuses a model missing from the price table with UNKNOWN_MODEL', (tool) => {
    const bad: Workload = {
      workload: [
        ...workload.workload,
        { model: 'mystery-llm', requests_per_month: 1, avg_input_tokens: 1, avg_output_tokens: 1 },
      ],
    };
    const outcome = executeTool(tool, {}, bad);
    expect(outcome.status).toBe('error');
    if (outcome.status !== 'error') return;
    expect(outcome.error.code).toBe('UNKNOWN_MODEL');
    expect(outcome.error.message).toContain("'mystery-llm'");
    expect(outcome.results).toEqual({ unknown_models: ['mystery-llm'] });
  });

  it('refuses unknown parameters and non-object parameters', () => {
    const extra = executeTool('cost_analyzer', { currency: 'EUR' }, workload);
    expect(extra.status === 'error' && extra.error.code).toBe('INVALID_PARAMETERS');
    const notObject = executeTool('cost_analyzer', [] as unknown as Record<string, unknown>, workload);
    expect(notObject.status === 'error' && notObject.error.code).toBe('INVALID_PARAMETERS');
  });

  it('returns JSON-safe results (they travel in tool_completed)', () => {
    for (const tool of toolNames) {
      const outcome = executeTool(tool, {}, workload);
      expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
    }
  });
});
