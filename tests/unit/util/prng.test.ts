import { deriveSeed, hashSeed, mulberry32 } from '../../../src/util/prng';

describe('mulberry32 / deriveSeed / hashSeed', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const take = (seed: number) => Array.from({ length: 20 }, mulberry32(seed));
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const random = mulberry32(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i += 1) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      buckets[Math.floor(value * 10)] += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('derives distinct, stable seeds per label', () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    const seeds = new Set([deriveSeed(1, 1, 1), deriveSeed(1, 1, 2), deriveSeed(1, 2, 1), deriveSeed(2, 1, 1)]);
    expect(seeds.size).toBe(4);
    // No collisions over a grid of (seed, connection, stream) labels.
    const grid = new Set<number>();
    for (let seed = 0; seed < 20; seed += 1) {
      for (let conn = 0; conn < 50; conn += 1)
        for (let label = 0; label < 5; label += 1) grid.add(deriveSeed(seed, conn, label));
    }
    expect(grid.size).toBe(20 * 50 * 5);
  });
});

describe('hashSeed', () => {
  it('is stable per name and differs across names', () => {
    expect(hashSeed('alice')).toBe(hashSeed('alice'));
    expect(hashSeed('alice')).not.toBe(hashSeed('bob'));
    expect(Number.isInteger(hashSeed('é'))).toBe(true);
    expect(hashSeed('')).toBe(0x811c9dc5);
  });
});
