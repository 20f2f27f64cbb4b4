import type { Server } from 'node:http';
import type { ProviderContext } from './context';
import type { DurableEventLog } from './event-log-file';
import type { SocketLayer } from './sockets';
import type { Sweeps } from './sweeps';

const SOCKET_CLOSE_WAIT_MS = 2_000;

/** What a drain stops, in order. */
export interface DrainParts {
  ctx: ProviderContext;
  server: Server;
  sockets: SocketLayer;
  sweeps: Sweeps;
  eventLog?: DurableEventLog;
}

/**
 * Graceful stop (the caller has set draining, so new connections and start_agent are refused): stop listening, let
 * running runs finish for `graceMs`, end the rest with agent_error PROVIDER_RESTARTED, close every socket with 1001,
 * then release timers, the seams and the durable log.
 */
export async function drainProvider(parts: DrainParts, graceMs: number): Promise<void> {
  const { ctx, server, sockets, sweeps, eventLog } = parts;
  const { hub, logger } = ctx;
  logger.info('draining', { active_runs: hub.activeRuns, connections: hub.connectionCount, grace_ms: graceMs });
  const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  sockets.destroyPending();
  if (hub.activeRuns > 0 && graceMs > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([hub.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
  const stopped = hub.stopAll();
  if (stopped > 0) logger.warn('drain grace over: runs ended with PROVIDER_RESTARTED', { runs: stopped });
  await sockets.closeAll(SOCKET_CLOSE_WAIT_MS);
  sweeps.stop();
  server.closeAllConnections();
  await serverClosed;
  await closeSeams(ctx);
  eventLog?.close();
  logger.info('stopped', { runs_stopped: stopped });
}

async function closeSeams(ctx: ProviderContext): Promise<void> {
  const { fanOut, runLog, requestMemory, counters } = ctx.hub.seams;
  const results = await Promise.allSettled([fanOut.close(), runLog.close(), requestMemory.close(), counters.close()]);
  for (const result of results) {
    if (result.status === 'rejected') ctx.logger.error('closing a hub seam failed', { error: result.reason });
  }
}
