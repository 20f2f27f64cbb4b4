import fc from 'fast-check';
import {
  agentNames,
  executeTool,
  priceTable,
  runAgent,
  sampleWorkload,
  type Workload,
  type WorkloadModel,
} from '../../../src/agents';
import { cents, RecordingIO, usd } from './recording-io';

const modelNames = [...priceTable.models.keys()];

const share = fc.double({ min: 0, max: 1, noNaN: true });

function modelArbitrary(model: string): fc.Arbitrary<WorkloadModel> {
  const window = priceTable.models.get(model)!.context_window_tokens;
  return fc.record(
    {
      model: fc.constant(model),
      requests_per_month: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 200_000_000 })),
      avg_input_tokens: fc.oneof(
        fc.integer({ min: 0, max: Math.min(window, 50_000) }),
        fc.double({ min: 0, max: 8000, noNaN: true }),
      ),
      avg_output_tokens: fc.oneof(fc.integer({ min: 0, max: 4000 }), fc.double({ min: 0, max: 2000, noNaN: true })),
      latency_sensitivity: fc.constantFrom('low' as const, 'medium' as const, 'high' as const),
      cache_hit_potential: share,
      batchable_share: share,
      gpu_hours_per_month: fc.double({ min: 0, max: 50_000, noNaN: true }),
    },
    { requiredKeys: ['model', 'requests_per_month', 'avg_input_tokens', 'avg_output_tokens'] },
  );
}

const workloadArbitrary: fc.Arbitrary<Workload> = fc
  .uniqueArray(fc.constantFrom(...modelNames), { minLength: 1, maxLength: 6 })
  .chain((names) =>
    fc.record(
      {
        workload: fc.tuple(...names.map(modelArbitrary)),
        monthly_budget_usd: fc.double({ min: 0, max: 10_000_000, noNaN: true }),
      },
      { requiredKeys: ['workload'] },
    ),
  );

describe('properties over random valid workloads', () => {
  it('every agent answers with finite, non-negative savings whose total is their sum to the cent', async () => {
    await fc.assert(
      fc.asyncProperty(workloadArbitrary, fc.constantFrom(...agentNames), async (workload, agent) => {
        const req = { userId: 'prop', userRequest: 'Optimise and forecast', workload };
        const io = new RecordingIO(req);
        const answer = await runAgent(agent, req, io);
        expect(['success', 'partial']).toContain(answer.status);
        const recs = answer.result.recommendations;
        for (const rec of recs) {
          expect(Number.isFinite(rec.estimated_monthly_savings_usd)).toBe(true);
          expect(rec.estimated_monthly_savings_usd).toBeGreaterThanOrEqual(0);
          expect(answer.final_response).toContain(usd(rec.estimated_monthly_savings_usd));
        }
        const sum = recs.reduce((s, r) => s + cents(r.estimated_monthly_savings_usd), 0);
        expect(cents(answer.result.total_estimated_monthly_savings_usd)).toBe(sum);
        // Levers never count the same request twice, so savings stay within the spend.
        expect(sum).toBeLessThanOrEqual(cents(answer.result.current_monthly_spend_usd!));
        if (answer.status === 'success') expect(recs.length).toBeGreaterThanOrEqual(3);
        else expect(answer.final_response).toMatch(/^Partial answer/);
        expect(io.thoughts.every((t) => t.length > 0 && t.length <= 4000)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('tool totals equal the sum of their per-model figures', () => {
    fc.assert(
      fc.property(workloadArbitrary, (workload) => {
        const cost = executeTool('cost_analyzer', {}, workload);
        if (cost.status !== 'success') throw new Error(cost.error.message);
        const models = cost.results.models as { monthly_cost_usd: number }[];
        expect(cents(cost.results.total_monthly_spend_usd as number)).toBe(
          models.reduce((s, m) => s + cents(m.monthly_cost_usd), 0),
        );
        const routing = executeTool('routing_simulator', {}, workload);
        if (routing.status !== 'success') throw new Error(routing.error.message);
        const routed = routing.results.models as { monthly_savings_usd: number }[];
        expect(cents(routing.results.total_monthly_savings_usd as number)).toBe(
          routed.reduce((s, m) => s + cents(m.monthly_savings_usd), 0),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('every sample workload gets a complete answer from cost_optimizer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }), async (userId) => {
        const req = { userId, userRequest: 'Optimise my AI costs.' };
        const answer = await runAgent('cost_optimizer', req, new RecordingIO(req));
        expect(answer.status).toBe('success');
        expect(answer.result.recommendations.length).toBeGreaterThanOrEqual(3);
        expect(sampleWorkload(userId)).toEqual(sampleWorkload(userId));
      }),
      { numRuns: 60 },
    );
  });
});
