import { executeTool, priceTable, sampleWorkload } from '../../../src/agents';
import { deepFreeze } from '../../../src/util/deep-freeze';

test('a tool on a frozen workload answers the same frozen outcome for the same parameters', () => {
  const workload = deepFreeze(sampleWorkload('memo-ann'));
  const params = { routable_share_by_latency: { low: 0.1, medium: 0.3, high: 0.5 } };
  const first = executeTool('routing_simulator', params, workload, priceTable);
  expect(first.status).toBe('success');
  expect(executeTool('routing_simulator', { ...params }, workload, priceTable)).toBe(first);
  expect(Object.isFrozen(first.results)).toBe(true);
  // The memo answers what a fresh computation on a mutable copy of the same workload answers.
  expect(first).toEqual(executeTool('routing_simulator', params, sampleWorkload('memo-ann'), priceTable));
});

test('other parameters, or a workload that is not frozen, are computed again', () => {
  const workload = deepFreeze(sampleWorkload('memo-bob'));
  const all = executeTool('cost_analyzer', {}, workload, priceTable);
  const one = executeTool('cost_analyzer', { models: [workload.workload[0].model] }, workload, priceTable);
  expect(one).not.toBe(all);
  const mutable = sampleWorkload('memo-bob');
  const a = executeTool('cost_analyzer', {}, mutable, priceTable);
  expect(executeTool('cost_analyzer', {}, mutable, priceTable)).not.toBe(a);
  expect(Object.isFrozen(a.results)).toBe(false);
});
