// ajv 8.20 passes `[]` under `contains` beside a tuple; the instance check rewrites such schemas so it does not report
// that as a break (found by fuzz-registry: every missed break it still reported came from this).
import Ajv2020 from 'ajv/dist/2020';
import { checkInstances } from '../../../../../src/registry';
import { aroundAjvContainsBug } from '../../../../../src/registry/diff/instances/ajv-workarounds';

const tupleWithContains = { type: 'array', prefixItems: [{ type: 'number' }], contains: { type: 'string' } };

describe('aroundAjvContainsBug', () => {
  it('moves contains and its counts beside a tuple into an allOf, and leaves enum/const data alone', () => {
    const schema = { ...tupleWithContains, minContains: 2, enum: [{ contains: 1, prefixItems: [] }] };
    expect(aroundAjvContainsBug(schema)).toEqual({
      type: 'array',
      prefixItems: [{ type: 'number' }],
      enum: [{ contains: 1, prefixItems: [] }],
      allOf: [{ contains: { type: 'string' }, minContains: 2 }],
    });
  });

  it('gives ajv the spec verdict on [] (no item matches contains), which ajv gets wrong on the schema as written', () => {
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validate(tupleWithContains, [])).toBe(true); // ajv's misjudgement this works around
    expect(ajv.validate(aroundAjvContainsBug(tupleWithContains) as object, [])).toBe(false);
    expect(ajv.validate(aroundAjvContainsBug(tupleWithContains) as object, [1, 'a'])).toBe(true);
  });

  it('keeps the instance check from reporting [] as a break when a tuple position is dropped beside contains', () => {
    const dropped = { type: 'array', contains: { type: 'string' } };
    expect(checkInstances(tupleWithContains, dropped, { backward: true, forward: false, seed: 1 })).toEqual([]);
    const found = checkInstances(tupleWithContains, dropped, { backward: false, forward: true, seed: 1 });
    expect(found.map((d) => d.direction)).toEqual(['forward']);
  });
});
