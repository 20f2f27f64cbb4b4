import { LoadError } from './errors';

/** One share of a run's users: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `--shard i/n` (1 <= i <= n <= 1000). Throws LoadError LOAD_USAGE.
 *
 * @example
 * parseShard('2/3'); // { index: 2, count: 3 }
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count && count <= 1000)) {
    throw new LoadError(
      'LOAD_USAGE',
      `--shard must be i/n with 1 <= i <= n <= 1000, e.g. 2/3; got ${JSON.stringify(text)}`,
    );
  }
  return { index, count };
}

/**
 * The global user indices of a shard: every n-th user from i-1, so shards of one run share the ramp evenly and each
 * user (with all its tabs) lives in exactly one shard, like k6's execution segments.
 *
 * @example
 * shardUsers(7, { index: 2, count: 3 }); // [1, 4]
 */
export function shardUsers(users: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let u = shard.index - 1; u < users; u += shard.count) out.push(u);
  return out;
}
