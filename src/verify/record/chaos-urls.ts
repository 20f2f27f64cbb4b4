import { isLoopbackHost, parseToxic, startFaultProxy, type FaultProxy } from '../../chaos';
import type { Scenario } from '../scenarios';
import { RecordError } from './errors';

/** Chaos proxies in front of a target's URLs, and the URLs to connect to through them. */
export interface ChaosUrls {
  urls: string[];
  close(): Promise<void>;
}

/**
 * Starts one fault proxy per target URL with the scenario's toxics (loopback targets only) and returns the URLs that
 * go through them. Without `scenario.chaos`, the target's URLs as they are. A target that is not loopback gives
 * RecordError `RECORD_ASSUMPTION_UNMET` (the scenario is skipped: faults are injected only on this machine).
 *
 * @example
 * const chaos = await chaosUrls(scenario, target.urls);
 * try { ... connect to chaos.urls[0] ... } finally { await chaos.close(); }
 */
export async function chaosUrls(scenario: Scenario, urls: string[]): Promise<ChaosUrls> {
  if (scenario.chaos === undefined) return { urls, close: async () => undefined };
  const parsed = urls.map((u) => new URL(u));
  const remote = parsed.find((u) => !isLoopbackHost(u.hostname));
  if (remote !== undefined) {
    throw new RecordError(
      'RECORD_ASSUMPTION_UNMET',
      `faults are injected only between loopback peers; ${remote.host} is not loopback`,
    );
  }
  const toxics = scenario.chaos.toxics.map((spec) => parseToxic(spec));
  const proxies: FaultProxy[] = [];
  try {
    for (const url of parsed) {
      const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
      proxies.push(
        await startFaultProxy({ upstreamHost: url.hostname, upstreamPort: port, toxics, seed: scenario.chaos.seed }),
      );
    }
  } catch (err) {
    await Promise.all(proxies.map((p) => p.close()));
    throw err;
  }
  return {
    urls: parsed.map((url, i) => proxies[i].url(url.protocol.slice(0, -1), `${url.pathname}${url.search}`)),
    close: async () => void (await Promise.all(proxies.map((p) => p.close()))),
  };
}
