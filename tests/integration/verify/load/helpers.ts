// Shared by the load tests: a small mix built in code (one tab per user, so that runs end quickly and every kind of
// request appears in a few seconds). (The report factory for pure tests is tests/support/load-report.ts.)
import { startEmbeddedTarget } from '../../../../src/pipeline/embedded';
import type { StackOptions } from '../../../../src/provider';
import type { LoadOptions, LoadResult, Mix } from '../../../../src/verify/load';
import { loadMix, runLoad } from '../../../../src/verify/load';

/** The repository's ci mix with fast pauses and one tab per user. */
export function quickMix(overrides: Partial<Mix> = {}): Mix {
  return { ...loadMix('ci'), thinkMs: { min: 20, max: 80 }, secondTabShare: 0, ...overrides };
}

/** A load against the embedded reference provider (auth service + provider on free loopback ports in this process). */
export async function loadEmbedded(
  opts: Omit<LoadOptions, 'target' | 'embedded' | 'url' | 'authUrl'>,
  provider: StackOptions['provider'] = {},
): Promise<LoadResult> {
  const embedded = await startEmbeddedTarget({ provider });
  try {
    return await runLoad({ ...opts, target: embedded.target, embedded: true });
  } finally {
    await embedded.close();
  }
}
