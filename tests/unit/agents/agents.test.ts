import {
  AgentFailure,
  agentNames,
  chooseAgent,
  runAgent,
  sampleWorkload,
  type AgentAnswer,
  type AgentRequest,
  type Workload,
} from '../../../src/agents';
import { cents, RecordingIO, usd, type RecordingOptions } from './recording-io';

// The hand-computed workload of tools.test.ts: its figures are checked there tool by tool.
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

async function run(name: string, req: AgentRequest, options: RecordingOptions = {}) {
  const io = new RecordingIO(req, options);
  const answer = await runAgent(name, req, io);
  return { answer, io };
}

/** What the contract requires of every successful answer (asyncapi.yaml agent_completed). */
function expectCompleteAnswer(answer: AgentAnswer): void {
  expect(answer.status).toBe('success');
  const recs = answer.result.recommendations;
  expect(recs.length).toBeGreaterThanOrEqual(3);
  expect(new Set(recs.map((r) => r.id)).size).toBe(recs.length);
  for (const rec of recs) {
    expect(rec.estimated_monthly_savings_usd).toBeGreaterThan(0);
    expect(Math.abs(rec.estimated_monthly_savings_usd * 100 - cents(rec.estimated_monthly_savings_usd))).toBeLessThan(
      1e-6,
    );
    expect(answer.final_response).toContain(usd(rec.estimated_monthly_savings_usd));
  }
  const sum = recs.reduce((s, r) => s + cents(r.estimated_monthly_savings_usd), 0);
  expect(cents(answer.result.total_estimated_monthly_savings_usd)).toBe(sum);
  expect(answer.final_response).toContain(usd(answer.result.total_estimated_monthly_savings_usd));
  expect(answer.final_response).toContain(usd(answer.result.current_monthly_spend_usd!));
  expect(answer.final_response.length).toBeGreaterThanOrEqual(50);
  expect(answer.final_response.length).toBeLessThanOrEqual(20000);
  expect(answer.result.currency).toBe('USD');
}

function expectSpecificThoughts(io: RecordingIO): void {
  expect(io.thoughts.length).toBeGreaterThanOrEqual(3);
  for (const reasoning of io.thoughts) {
    expect(reasoning.trim().length).toBeGreaterThan(0);
    expect(reasoning.length).toBeLessThanOrEqual(4000);
    expect(reasoning).toMatch(/\d/);
  }
}

describe('cost_optimizer', () => {
  it('answers the hand-computed workload with the figures of its tools', async () => {
    const { answer, io } = await run('cost_optimizer', { userId: 'alice', userRequest: 'Cut our LLM bill.', workload });
    expectCompleteAnswer(answer);
    expect(io.toolCalls.map((c) => c.tool)).toEqual([
      'cost_analyzer',
      'routing_simulator',
      'cache_batch_estimator',
      'gpu_rightsizer',
      'spend_forecaster',
    ]);
    expect(io.toolCalls.every((c) => c.outcome.status === 'success')).toBe(true);
    // Caching and batching are estimated on the traffic routing did not move.
    expect(io.toolCalls[2]!.parameters.excluded_share_by_model).toEqual({ 'gpt-4o': 0.35, 'llama-3.1-70b': 0.15 });
    expect(answer.result.current_monthly_spend_usd).toBe(6755.6);
    expect(answer.result.recommendations.map((r) => [r.id, r.category, r.estimated_monthly_savings_usd])).toEqual([
      ['rec_route_gpt-4o', 'model_routing', 1480.5],
      ['rec_gpu_llama-3.1-70b', 'right_sizing', 1072.4],
      ['rec_batch_gpt-4o', 'batching', 273],
      ['rec_cache_gpt-4o', 'caching', 195],
      ['rec_batch_claude-3-5-haiku', 'batching', 63.36],
      ['rec_cache_claude-3-5-haiku', 'caching', 43.2],
      ['rec_route_llama-3.1-70b', 'model_routing', 12.6],
    ]);
    // 1480.50 + 1072.40 + 273 + 195 + 63.36 + 43.20 + 12.60
    expect(answer.result.total_estimated_monthly_savings_usd).toBe(3140.06);
    expect(io.toolCalls[4]!.parameters).toEqual({
      growth_rate_monthly: 0.05,
      horizons_months: [3, 6, 12],
      monthly_savings_usd: 3140.06,
    });
    expectSpecificThoughts(io);
    expect(io.thoughts[1]).toContain('$6,755.60');
    expect(io.thoughts[2]).toContain('$1,480.50');
  });

  it('is deterministic: same request and workload, same steps and answer', async () => {
    const req = { userId: 'alice', userRequest: 'Cut our LLM bill.', workload };
    const first = await run('cost_optimizer', req);
    const second = await run('cost_optimizer', req);
    expect(second.answer).toEqual(first.answer);
    expect(second.io.steps).toEqual(first.io.steps);
  });

  it('gives different answers for different workloads (sample workloads of two users)', async () => {
    const alice = await run('cost_optimizer', { userId: 'alice', userRequest: 'Optimise my AI costs.' });
    const bob = await run('cost_optimizer', { userId: 'bob', userRequest: 'Optimise my AI costs.' });
    expectCompleteAnswer(alice.answer);
    expectCompleteAnswer(bob.answer);
    expect(alice.answer.result.current_monthly_spend_usd).not.toBe(bob.answer.result.current_monthly_spend_usd);
    expect(alice.answer.final_response).not.toBe(bob.answer.final_response);
    // Without context, the run computes from the user's sample workload.
    const models = sampleWorkload('alice').workload.map((m) => m.model);
    expect(alice.io.toolCalls[0]!.parameters).toEqual({ models });
  });

  it('works around a failed tool and says so (partial)', async () => {
    const { answer, io } = await run(
      'cost_optimizer',
      { userId: 'alice', userRequest: 'Cut costs', workload },
      { failTools: { routing_simulator: 'TOOL_TIMEOUT' } },
    );
    expect(answer.status).toBe('partial');
    expect(answer.final_response).toContain('routing_simulator failed (TOOL_TIMEOUT');
    expect(answer.result.recommendations.some((r) => r.category === 'model_routing')).toBe(false);
    // Nothing was routed, so caching counts all gpt-4o traffic: 240M cached tokens x $2.50/1M x 50% = $300.00.
    expect(io.toolCalls[2]!.parameters.excluded_share_by_model).toEqual({});
    expect(answer.result.recommendations.find((r) => r.id === 'rec_cache_gpt-4o')!.estimated_monthly_savings_usd).toBe(
      300,
    );
    const sum = answer.result.recommendations.reduce((s, r) => s + cents(r.estimated_monthly_savings_usd), 0);
    expect(cents(answer.result.total_estimated_monthly_savings_usd)).toBe(sum);
  });

  it('answers partial, without padding, when fewer than three changes save money', async () => {
    const tiny: Workload = {
      workload: [
        {
          model: 'gpt-4o-mini',
          requests_per_month: 10_000,
          avg_input_tokens: 400,
          avg_output_tokens: 100,
          latency_sensitivity: 'high',
          cache_hit_potential: 0,
        },
      ],
    };
    const { answer } = await run('cost_optimizer', { userId: 'u', userRequest: 'Save money', workload: tiny });
    expect(answer.status).toBe('partial');
    expect(answer.result.recommendations).toEqual([]);
    expect(answer.result.total_estimated_monthly_savings_usd).toBe(0);
    // 10k x (400 x $0.15 + 100 x $0.60)/1M = $1.20
    expect(answer.result.current_monthly_spend_usd).toBe(1.2);
    expect(answer.final_response).toContain('No change saves money');
    expect(answer.final_response).toContain('gpt-4o-mini has no cheaper model');
    expect(answer.final_response).toContain('latency-sensitive');
  });
});

describe('spend_forecaster', () => {
  it('forecasts with the growth the user named, then with the savings', async () => {
    const req = { userId: 'alice', userRequest: 'We grow 10% a month: what is our budget outlook?', workload };
    const { answer, io } = await run('spend_forecaster', req);
    expectCompleteAnswer(answer);
    expect(io.toolCalls.map((c) => c.tool)).toEqual([
      'cost_analyzer',
      'spend_forecaster',
      'routing_simulator',
      'cache_batch_estimator',
      'spend_forecaster',
    ]);
    expect(io.toolCalls[1]!.parameters).toEqual({
      growth_rate_monthly: 0.1,
      horizons_months: [3, 6, 12],
      monthly_savings_usd: 0,
    });
    // No GPU lever in this agent: routing, caching and batching only (1480.50 + 273 + 195 + 63.36 + 43.20 + 12.60).
    expect(answer.result.total_estimated_monthly_savings_usd).toBe(2067.66);
    expect(io.toolCalls[4]!.parameters.monthly_savings_usd).toBe(2067.66);
    // $6,755.60 x 1.1 = $7,431.16, x 1.21 = $8,174.28 > $7,500: over budget in month 2.
    expect(answer.final_response).toContain('$7,500.00 monthly budget in month 2');
    expect(answer.final_response).toContain('10% monthly growth (your figure)');
    const forecast = io.toolCalls[4]!.outcome.results as {
      horizons: { months: number; cumulative_savings_usd: number }[];
    };
    expect(answer.final_response).toContain(usd(forecast.horizons[2]!.cumulative_savings_usd));
    expectSpecificThoughts(io);
  });
});

describe('cancellation', () => {
  it('stops between steps and answers with what was found so far', async () => {
    // Steps: think, cost_analyzer, think, routing_simulator -> abort.
    const { answer, io } = await run(
      'cost_optimizer',
      { userId: 'alice', userRequest: 'Cut costs', workload },
      { abortAfterSteps: 4 },
    );
    expect(answer.status).toBe('cancelled');
    expect(io.steps).toHaveLength(4);
    expect(answer.final_response).toMatch(/^Cancelled at your request/);
    expect(answer.final_response).toContain('$6,755.60');
    expect(answer.result.recommendations.map((r) => r.estimated_monthly_savings_usd)).toEqual([1480.5, 12.6]);
    expect(answer.result.total_estimated_monthly_savings_usd).toBe(1493.1);
    expect(answer.final_response).toContain('$1,493.10');
  });

  it('answers cancelled with an empty result when cancelled before the first figure', async () => {
    const req = { userId: 'alice', userRequest: 'Cut costs', workload };
    const io = new RecordingIO(req);
    io.abort();
    const answer = await runAgent('spend_forecaster', req, io);
    expect(answer.status).toBe('cancelled');
    expect(io.steps).toEqual([]);
    expect(answer.result).toEqual({ currency: 'USD', recommendations: [], total_estimated_monthly_savings_usd: 0 });
    expect(answer.final_response.length).toBeGreaterThanOrEqual(50);
  });

  it('treats an in-flight call that rejects because of the cancel as a cancel, not a failure', async () => {
    const { answer } = await run(
      'spend_forecaster',
      { userId: 'alice', userRequest: 'Forecast', workload },
      { abortAfterSteps: 2, rejectWhenAborted: true },
    );
    expect(answer.status).toBe('cancelled');
    expect(answer.result.current_monthly_spend_usd).toBeUndefined();
  });

  it('cancels mid-run with a real AbortController from outside the IO', async () => {
    const req = { userId: 'carol', userRequest: 'Optimise' };
    const io = new RecordingIO(req);
    const originalThink = io.think.bind(io);
    io.think = async (reasoning: string) => {
      await originalThink(reasoning);
      if (io.thoughts.length === 3) io.abort();
    };
    const answer = await runAgent('cost_optimizer', req, io);
    expect(answer.status).toBe('cancelled');
    expect(io.toolCalls.map((c) => c.tool)).toEqual(['cost_analyzer', 'routing_simulator']);
  });
});

describe('failures', () => {
  const mystery: Workload = {
    workload: [
      ...workload.workload,
      { model: 'mystery-llm', requests_per_month: 10, avg_input_tokens: 5, avg_output_tokens: 5 },
    ],
  };

  it.each(agentNames.map((n) => [n]))(
    '%s fails with INVALID_WORKLOAD (not retryable) on an unknown model',
    async (name) => {
      const req = { userId: 'alice', userRequest: 'Cut costs', workload: mystery };
      const io = new RecordingIO(req);
      const error = await runAgent(name, req, io).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(AgentFailure);
      expect(error).toMatchObject({ code: 'INVALID_WORKLOAD', retryable: false });
      expect((error as Error).message).toContain("'mystery-llm'");
      // The failure is visible as a tool_completed error first, as on the wire.
      expect(io.toolCalls).toHaveLength(1);
      const [call] = io.toolCalls;
      expect(call!.outcome.status === 'error' && call!.outcome.error.code).toBe('UNKNOWN_MODEL');
    },
  );

  it('fails with TOOL_FAILED (retryable) when cost_analyzer itself fails', async () => {
    const req = { userId: 'alice', userRequest: 'Cut costs', workload };
    const io = new RecordingIO(req, { failTools: { cost_analyzer: 'TOOL_TIMEOUT' } });
    await expect(runAgent('cost_optimizer', req, io)).rejects.toMatchObject({ code: 'TOOL_FAILED', retryable: true });
  });

  it('lets an IO that stops the run (a rejection without a cancel) end the agent', async () => {
    const req = { userId: 'alice', userRequest: 'Cut costs', workload };
    const io = new RecordingIO(req);
    io.callTool = async () => {
      throw new Error('run ended by the provider');
    };
    await expect(runAgent('cost_optimizer', req, io)).rejects.toThrow('run ended by the provider');
  });

  it('refuses an unknown agent with UNKNOWN_AGENT (not retryable)', async () => {
    const req = { userId: 'alice', userRequest: 'Cut costs', agentName: 'fortune_teller' };
    expect(() => chooseAgent(req)).toThrow(AgentFailure);
    expect(() => chooseAgent(req)).toThrow(expect.objectContaining({ code: 'UNKNOWN_AGENT', retryable: false }));
    await expect(runAgent('fortune_teller', req, new RecordingIO(req))).rejects.toMatchObject({
      code: 'UNKNOWN_AGENT',
    });
  });
});

describe('chooseAgent', () => {
  it('honours a known agent name', () => {
    expect(chooseAgent({ userId: 'a', userRequest: 'forecast please', agentName: 'cost_optimizer' })).toBe(
      'cost_optimizer',
    );
  });

  it.each([
    ['What will we spend next quarter?', 'spend_forecaster'],
    ['Forecast our AI spend', 'spend_forecaster'],
    ['Will we stay within budget?', 'spend_forecaster'],
    ['What is our run-rate in the next 6 months?', 'spend_forecaster'],
    ['Where can I cut our LLM inference spend without hurting latency?', 'cost_optimizer'],
    ['Optimise my AI costs.', 'cost_optimizer'],
  ])('%s -> %s', (text, agent) => {
    expect(chooseAgent({ userId: 'a', userRequest: text })).toBe(agent);
  });

  it('names agents the contract accepts', () => {
    expect(agentNames.length).toBeGreaterThanOrEqual(2);
    for (const name of agentNames) expect(name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
  });
});
