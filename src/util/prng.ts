// The one seeded PRNG of the project: repeatable fault injection, sample data and load mixes. Not for secrets.

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast 32-bit PRNG.
 *
 * @example
 * const random = mulberry32(42);
 * random(); // same sequence for the same seed, every run
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent seed from a base seed and labels (e.g. connection id and direction), so each stream of
 * randomness stays the same however the streams interleave in time.
 *
 * @example
 * const upstreamRandom = mulberry32(deriveSeed(seed, connectionId, 1));
 */
export function deriveSeed(seed: number, ...labels: number[]): number {
  let hash = mix(seed ^ 0x9e3779b9);
  for (const label of labels) hash = mix((hash ^ mix(label)) + 0x6a09e667);
  return hash;
}

/**
 * FNV-1a over a string's UTF-8 bytes: a stable 32-bit seed from a name (a user id, a scenario).
 *
 * @example
 * mulberry32(hashSeed('alice'));
 */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
