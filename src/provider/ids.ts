import { randomFillSync } from 'node:crypto';

// 9 random bytes = 12 base64url characters (72 bits): matches `^<prefix>[A-Za-z0-9_-]{6,64}$` in asyncapi.yaml.
const RANDOM_BYTES = 9;
// One CSPRNG call per 455 ids instead of one per id: every event gets an id, so this is on the hot path.
const pool = Buffer.alloc(RANDOM_BYTES * 455);
let offset = pool.length;

function randomPart(): string {
  if (offset + RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const part = pool.toString('base64url', offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  return part;
}

/** Prefixes of the ids the provider mints, as asyncapi.yaml's patterns require. */
export type IdKind = 'run' | 'thr' | 'evt' | 'conn' | 'call';

/** A fresh id such as `run_3k9d2m1x8qAb`: prefix, underscore, 12 url-safe random characters. */
export function newId(kind: IdKind): string {
  return `${kind}_${randomPart()}`;
}

let lastMs = Number.NaN;
let lastIso = '';

/**
 * `new Date().toISOString()`: RFC 3339, UTC, milliseconds, as every timestamp of the contract. Every event has one
 * and many are stamped within the same millisecond, so the text of the last millisecond is reused.
 *
 * @example
 * nowIso(); // '2026-12-04T12:30:00.123Z'
 */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
