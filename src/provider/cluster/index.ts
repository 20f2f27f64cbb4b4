/**
 * The provider as a cluster over Redis (`serve --redis`): every process is a node; they share run logs (Streams),
 * fan-out (pub/sub per user), request ids, per-user counters (Lua) and liveness (heartbeat keys) in one Redis.
 * {@link joinCluster} connects and returns the seams to hand to the provider (`ProviderOptions.seams`).
 */
import { hostname } from 'node:os';
import { loadProtocol } from '../../protocol';
import type { Logger } from '../logger';
import { ClusterError } from './errors';
import { parseRedisUrl } from './redis-link';
import { ClusterSeams } from './seams';

export { ClusterError, isUnavailable } from './errors';
export type { ClusterErrorCode } from './errors';
export { ClusterSeams } from './seams';
export { ClusterNode } from './node';
export type { ClusterNodeOptions } from './node';

/** Options of {@link joinCluster}. */
export interface JoinClusterOptions {
  /** `redis://HOST:PORT[/db]`. */
  url: string;
  /** Default `<hostname>-<pid>`. */
  nodeId?: string;
  /** Default `netra:`. */
  keyPrefix?: string;
  logger: Logger;
  /** The provider's retention of ended runs; at least the spec's `min_resume_retention_ms`. */
  retentionMs: number;
  maxEventsPerRun?: number;
  /** A node silent this long is dead (default 3000); heartbeats every third of it. */
  nodeTtlMs?: number;
}

/**
 * Connects to Redis and joins the cluster. Throws ClusterError REDIS_URL_INVALID, CLUSTER_CONFIG_INVALID or
 * REDIS_UNAVAILABLE (nothing listening: a node never starts without its store).
 *
 * @example
 * const cluster = await joinCluster({ url: 'redis://127.0.0.1:6379', logger, retentionMs: 600_000 });
 * const provider = await startProvider({ ...opts, seams: cluster.factories() });
 */
export async function joinCluster(opts: JoinClusterOptions): Promise<ClusterSeams> {
  parseRedisUrl(opts.url);
  const minRetention = loadProtocol().limits.min_resume_retention_ms;
  if (opts.retentionMs < minRetention) {
    throw new ClusterError(
      'CLUSTER_CONFIG_INVALID',
      `retention ${opts.retentionMs} ms is below the spec's min_resume_retention_ms (${minRetention} ms)`,
    );
  }
  const nodeTtlMs = opts.nodeTtlMs ?? 3000;
  const seams = new ClusterSeams(
    {
      url: opts.url,
      nodeId:
        opts.nodeId ??
        `${hostname()
          .replace(/[^A-Za-z0-9._-]/g, '-')
          .slice(0, 40)}-${process.pid}`,
      keyPrefix: opts.keyPrefix,
      logger: opts.logger,
      retentionMs: opts.retentionMs,
      maxEventsPerRun: opts.maxEventsPerRun ?? 100_000,
      nodeTtlMs,
      heartbeatMs: Math.max(10, Math.floor(nodeTtlMs / 3)),
    },
    opts.logger,
  );
  try {
    await seams.start();
  } catch (err) {
    await seams.node.stop(false).catch(() => undefined);
    throw err;
  }
  return seams;
}
