import { priceTable, resolveWorkload, sampleWorkload, type Workload } from '../../../src/agents';
import { checkedWorkload, checkWorkload } from '../../../src/agents/pricing/workload';
import { deepFreeze } from '../../../src/util/deep-freeze';

test('a frozen workload is checked once: later checks answer the same (frozen) result', () => {
  const workload = deepFreeze(sampleWorkload('carol'));
  const first = checkedWorkload(workload, priceTable);
  expect(first).toEqual(checkWorkload(workload, priceTable));
  expect(checkedWorkload(workload, priceTable)).toBe(first);
  expect(first.ok && Object.isFrozen(first.value.models[0])).toBe(true);
});

test('a workload that is not frozen is checked again every time (it may have changed)', () => {
  const workload: Workload = sampleWorkload('dave');
  expect(checkedWorkload(workload, priceTable).ok).toBe(true);
  workload.workload[0].model = 'no-such-model';
  const again = checkedWorkload(workload, priceTable);
  expect(again.ok ? undefined : again.problem.code).toBe('UNKNOWN_MODEL');
});

test("a request without a workload gets the user's sample, shared frozen between the user's runs", () => {
  const a = resolveWorkload({ userId: 'erin', userRequest: 'Optimise my AI costs.' });
  const b = resolveWorkload({ userId: 'erin', userRequest: 'What will I spend next year?' });
  expect(b).toBe(a);
  expect(a).toEqual(sampleWorkload('erin'));
  expect(Object.isFrozen(a.workload[0])).toBe(true);
  expect(sampleWorkload('erin')).not.toBe(a); // the public sample stays a fresh, mutable copy
});
