import fc from 'fast-check';
import { parseShard, shardUsers } from '../../../../src/verify/load';

test('parses i/n and refuses anything else with LOAD_USAGE', () => {
  expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '1/1001', '-1/2']) {
    expect(() => parseShard(bad)).toThrow(expect.objectContaining({ code: 'LOAD_USAGE', exitCode: 2 }));
  }
});

test('the shards of a run partition its users: every user in exactly one shard, sizes within one', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 40 }), (users, count) => {
      const shards = Array.from({ length: count }, (_, i) => shardUsers(users, { index: i + 1, count }));
      const all = shards.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: users }, (_, u) => u));
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }),
  );
});
