// Small helpers for socket tests (bounded waits, no busy loops): the one copy of each.
import { createServer } from 'node:net';
import { mulberry32 } from '../../src/util/prng';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every `everyMs` until it holds; rejects after `timeoutMs` naming `what`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 20_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A deterministic PRNG (the project's one mulberry32) so random choices in a test can be replayed from its seed. */
export const seededRandom: (seed: number) => () => number = mulberry32;

/**
 * A loopback port with nothing listening on it (bound, then released), for a test that needs a port before the
 * server that will take it (or one that must refuse connections).
 *
 * @example
 * const port = await freePort();
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return address.port;
}
