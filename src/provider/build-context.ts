import { createAccessVerifier } from '../auth';
import type { Connection, ConnectionHost } from './connection';
import type { CloseCounters, ProviderContext } from './context';
import type { DurableEventLog } from './event-log-file';
import { RunHub } from './hub';
import type { ProviderSettings } from './options';
import { WriteBatch } from './write-batch';

/** Largest number of request ids remembered per user (the oldest go first). */
const REQUEST_IDS_PER_USER = 1_000;
const MAX_EVENTS_PER_RUN = 100_000;

/** The shared state of one provider: verifier, hub (with its seams), the connection host and the counters. */
export function buildContext(
  settings: ProviderSettings,
  eventLog: DurableEventLog | undefined,
  draining: () => boolean,
): ProviderContext {
  const { logger } = settings;
  const verify = createAccessVerifier({
    jwksUrl: settings.jwksUrl,
    issuer: settings.issuer,
    audience: settings.audience,
    ...(settings.clockToleranceS !== undefined ? { clockToleranceS: settings.clockToleranceS } : {}),
  });
  const hub = new RunHub({
    retentionMs: settings.retentionMs,
    maxRetainedRuns: settings.maxRetainedRuns,
    maxRetainedBytes: settings.maxRetainedBytes,
    maxRunsPerUser: settings.maxRunsPerUser,
    maxEventsPerRun: MAX_EVENTS_PER_RUN,
    requestIdsPerUser: REQUEST_IDS_PER_USER,
    logger,
    faultInjection: settings.faultInjection,
    eventLog,
    seams: settings.seams,
    maxConnectionsPerUser: settings.maxConnectionsPerUser,
    maxFanoutBytesPerUserPerSecond: settings.maxFanoutBytesPerUserPerSecond,
    validateOutgoing: settings.validateOutgoing,
  });
  const counters: CloseCounters = { slowConsumerCloses: 0, heartbeatTerminations: 0, tokenExpiryCloses: 0 };
  const host: ConnectionHost = {
    sendBufferBytes: settings.sendBufferBytes,
    slowCloseGraceMs: settings.slowCloseGraceMs,
    peakBufferedBytes: 0,
    writes: new WriteBatch(),
    detach(conn: Connection, why: string) {
      if (!conn.open) return;
      conn.open = false;
      hub.detach(conn);
      if (why !== 'slow_consumer') return;
      counters.slowConsumerCloses++;
      logger.warn('slow consumer closed (1013); its events stay available to resume', {
        conn: conn.id,
        user_id: conn.userId,
        buffered: conn.ws.bufferedAmount,
      });
    },
  };
  const runLoop = {
    hub,
    logger,
    latency: { thinkMs: settings.thinkMs, toolMs: settings.toolMs, jitter: settings.jitter },
    runTimeoutMs: settings.runTimeoutMs,
  };
  return { settings, logger, hub, verify, counters, runLoop, host, draining };
}
