import { readFileSync } from 'node:fs';
import { LoadError } from './errors';

/**
 * This process's open-files limit (Linux /proc), or null where it cannot be read.
 *
 * @example
 * openFilesLimit(); // 20000 here
 */
export function openFilesLimit(): number | null {
  try {
    const match = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Refuses a run that cannot fit the open-files limit (one descriptor per connection, two when the provider is
 * embedded in this process) instead of failing thousands of connections with EMFILE half-way.
 *
 * @example
 * assertConnectionsFit(1_000, 1.1, false); // fine with `ulimit -n` 20000
 */
export function assertConnectionsFit(
  users: number,
  tabsPerUser: number,
  embedded: boolean,
  limit = openFilesLimit(),
): void {
  if (limit === null) return;
  const perConnection = embedded ? 2 : 1;
  const needed = Math.ceil(users * tabsPerUser) * perConnection + 256;
  if (needed > limit) {
    throw new LoadError(
      'LOAD_USAGE',
      `${users} users need about ${needed} open files${embedded ? ' (the embedded provider holds the other end of every connection)' : ''}, over this process's limit of ${limit}: raise ulimit -n, use --url with a separate provider, or run several load processes`,
    );
  }
}
