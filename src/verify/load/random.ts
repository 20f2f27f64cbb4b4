/** A small seeded PRNG (mulberry32): the same `--seed` picks the same requests, think times and drops. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max]. */
  between(min: number, max: number): number;
  /** Exponentially distributed with this mean (the gaps of a Poisson process). */
  exponential(mean: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A new generator derived from this one (per virtual user, so users do not share a stream). */
  fork(): Random;
}

/**
 * Creates a seeded random generator.
 *
 * @example
 * const random = createRandom(42);
 * random.between(500, 3000); // the same value for seed 42 every time
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min, max) => min + (max - min) * next(),
    exponential: (mean) => -Math.log(1 - next()) * mean,
    pick: (items) => items[Math.floor(next() * items.length)],
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
}
