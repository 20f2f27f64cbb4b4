import { authenticatedUntilMs } from '../auth';
import { CloseCode } from './connection';
import type { ProviderContext } from './context';
import type { DurableEventLog } from './event-log-file';
import { encodeError } from './outgoing';

const EXPIRED = 'The access token expired; reconnect with a new token and resume your runs (they keep going).';
const COMPACT_MIN_BYTES = 8 * 1024 * 1024;

/**
 * The provider's periodic work, one timer each for all connections (none per connection): the heartbeat (ping every
 * `heartbeatMs`; two missed pongs terminate the connection), token expiry (closed 1008 TOKEN_EXPIRED once `exp` plus
 * the verifier's clock tolerance has passed, the same tolerance as the handshake), and
 * retention (request ids, ended runs, durable log compaction).
 */
export class Sweeps {
  private heartbeat: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly eventLog: DurableEventLog | undefined,
  ) {}

  start(): void {
    this.heartbeat = setInterval(() => this.pingAll(), this.ctx.settings.heartbeatMs);
    this.heartbeat.unref();
    this.sweeper = setInterval(() => this.sweep(Date.now()), this.ctx.settings.sweepMs);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
  }

  /** Heartbeat: terminates connections that missed two pongs, pings the others. */
  pingAll(): void {
    const { hub, logger, counters } = this.ctx;
    for (const conn of [...hub.allConnections()]) {
      if (conn.missedPongs >= 2) {
        counters.heartbeatTerminations++;
        logger.info('connection missed two pongs; terminated', { conn: conn.id, user_id: conn.userId });
        this.ctx.host.detach(conn, 'heartbeat');
        conn.ws.terminate();
        continue;
      }
      conn.missedPongs++;
      try {
        conn.ws.ping();
      } catch {
        // socket already closing; the close handler cleans up
      }
    }
  }

  /** Token expiry, then retention and compaction. */
  sweep(now: number): void {
    const { hub, logger, counters, verify } = this.ctx;
    for (const conn of [...hub.allConnections()]) {
      // The tolerance the handshake granted (the verifier's): a token accepted there is not closed here before it.
      if (now < authenticatedUntilMs(conn.tokenExpiresAt / 1000, verify.clockToleranceS)) continue;
      counters.tokenExpiryCloses++;
      logger.info('token expired; connection closed', { conn: conn.id, user_id: conn.userId });
      conn.closeWith(CloseCode.policy, 'TOKEN_EXPIRED', encodeError('TOKEN_EXPIRED', EXPIRED, {}, logger));
    }
    hub.sweep(now);
    const log = this.eventLog;
    if (log !== undefined && log.appendedBytes > Math.max(COMPACT_MIN_BYTES, 2 * hub.stats().retainedBytes)) {
      log.rewrite(hub.durableLines());
    }
  }
}
