import { deriveSeed, mulberry32 } from '../../util/prng';

/**
 * The load tool's view of the project's one seeded PRNG (util/prng mulberry32): the same `--seed` picks the same
 * requests, think times and drops. Each virtual user has its own stream derived from the seed and its global index,
 * so a user behaves the same whether it runs alone, in a shard or in a worker process.
 *
 * @example
 * const random = Random.forUser(42, 7);
 * random.between(500, 3000); // the same value for seed 42, user 7, every time
 */
export class Random {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** The stream of the user with this global index (0-based) in a run seeded with `seed`. */
  static forUser(seed: number, userIndex: number): Random {
    return new Random(deriveSeed(seed, userIndex));
  }

  /** Uniform in [min, max]. */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Exponentially distributed with this mean (the gaps of a Poisson process). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** True with probability p (never for p <= 0, without drawing). */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
}

/**
 * A seeded generator (kept for callers of the previous API).
 *
 * @example
 * createRandom(42).between(500, 3000);
 */
export function createRandom(seed: number): Random {
  return new Random(seed);
}
