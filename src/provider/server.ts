import type { Server } from 'node:http';
import { loadProtocol } from '../protocol';
import type { ProviderContext } from './context';
import { buildContext } from './build-context';
import { drainProvider } from './drain';
import { ProviderError } from './errors';
import { DurableEventLog, type OpenedEventLog } from './event-log-file';
import { listenHttp } from './http';
import type { HubStats } from './hub';
import { resolveSettings, type ProviderOptions, type ProviderSettings } from './options';
import { SocketLayer } from './sockets';
import { Sweeps } from './sweeps';

/** Counters of a running provider. */
export interface ProviderStats extends HubStats {
  /** Open sockets, authenticated or being refused. */
  sockets: number;
  /** Handshakes waiting for token verification. */
  pendingHandshakes: number;
  draining: boolean;
  slowConsumerCloses: number;
  heartbeatTerminations: number;
  tokenExpiryCloses: number;
  /** Highest bytes buffered for one connection at any send (never above `sendBufferBytes`). */
  peakBufferedBytes: number;
}

/** A running reference provider. */
export interface Provider {
  /** `ws://<host>:<port>/ws`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Graceful stop: refuses new connections (and start_agent with SERVER_DRAINING), lets running runs finish for
   * `graceMs` (default: the `drainGraceMs` option), ends the rest with agent_error PROVIDER_RESTARTED, then closes
   * every socket with 1001. Idempotent; resolves when everything is closed.
   */
  drain(graceMs?: number): Promise<void>;
  /** `drain(0)`: stops now. */
  close(): Promise<void>;
  stats(): ProviderStats;
}

/**
 * Opens the durable event log with what it holds: EVENT_LOG_NOT_A_LOG (a file that is not one, left untouched) or
 * EVENT_LOG_UNREADABLE (it cannot be read).
 */
function openEventLog(settings: ProviderSettings): Partial<OpenedEventLog> {
  if (settings.eventLogFile === undefined) return {};
  try {
    return DurableEventLog.open(settings.eventLogFile, settings.logger, settings.eventLogFsync);
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    const why = (err as Error).message;
    throw new ProviderError('EVENT_LOG_UNREADABLE', `cannot open the event log ${settings.eventLogFile}: ${why}`, {
      cause: err,
    });
  }
}

/**
 * The reference WebSocket provider on `ws://<host>:<port>/ws` (see `src/provider/index.ts` for the behaviour), as one
 * object with explicit state, like `ws`'s WebSocketServer: the {@link RunHub} (runs, fan-out, seams), the
 * {@link SocketLayer} (handshake, frames to handlers), the {@link Sweeps} (heartbeat, expiry, retention) and the
 * HTTP server. `ReferenceProvider.start` (or {@link startProvider}) builds and listens.
 *
 * @example
 * const provider = await ReferenceProvider.start({ jwksUrl, issuer, audience });
 * provider.stats().connections; // 0
 * await provider.drain(5_000);
 */
export class ReferenceProvider implements Provider {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  private isDraining = false;
  private drained: Promise<void> | undefined;

  private constructor(
    private readonly ctx: ProviderContext,
    private readonly sockets: SocketLayer,
    private readonly sweeps: Sweeps,
    private readonly server: Server,
    private readonly eventLog: DurableEventLog | undefined,
  ) {
    const address = server.address();
    this.host = ctx.settings.host;
    this.port = typeof address === 'object' && address !== null ? address.port : ctx.settings.port;
    const hostForUrl = this.host.includes(':') ? `[${this.host}]` : this.host;
    this.url = `ws://${hostForUrl}:${this.port}${loadProtocol().address}`;
  }

  /**
   * Checks the options, restores the durable log, listens. Throws ProviderError PROVIDER_CONFIG_INVALID (bad
   * options), EVENT_LOG_UNREADABLE or PROVIDER_LISTEN_FAILED (port taken).
   */
  static async start(opts: ProviderOptions): Promise<ReferenceProvider> {
    const settings = resolveSettings(opts);
    const { log: eventLog, events = [], requests = [] } = openEventLog(settings);
    const state = { provider: undefined as ReferenceProvider | undefined };
    const ctx = buildContext(settings, eventLog, () => state.provider?.isDraining ?? false);
    if (eventLog !== undefined) {
      const restored = ctx.hub.restore(events, requests);
      eventLog.rewrite(ctx.hub.durableLines());
      settings.logger.info('event log restored', { file: eventLog.file, ...restored });
    }
    const sockets = new SocketLayer(ctx);
    const sweeps = new Sweeps(ctx, eventLog);
    let server: Server;
    try {
      server = await listenHttp({
        host: settings.host,
        port: settings.port,
        draining: ctx.draining,
        onUpgrade: sockets.onUpgrade,
        onError: (err) => settings.logger.error('server error', { error: err }),
      });
    } catch (err) {
      eventLog?.close();
      throw err;
    }
    sweeps.start();
    state.provider = new ReferenceProvider(ctx, sockets, sweeps, server, eventLog);
    return state.provider;
  }

  drain(graceMs: number = this.ctx.settings.drainGraceMs): Promise<void> {
    this.isDraining = true;
    const parts = { ctx: this.ctx, server: this.server, sockets: this.sockets, sweeps: this.sweeps };
    this.drained ??= drainProvider({ ...parts, eventLog: this.eventLog }, graceMs);
    return this.drained;
  }

  close(): Promise<void> {
    return this.drain(0);
  }

  stats(): ProviderStats {
    return {
      ...this.ctx.hub.stats(),
      ...this.sockets.counts(),
      draining: this.isDraining,
      ...this.ctx.counters,
      peakBufferedBytes: this.ctx.host.peakBufferedBytes,
    };
  }
}

/**
 * Starts the reference WebSocket provider: {@link ReferenceProvider.start}, kept as the function the stack, the
 * pipeline, tests and benchmarks call.
 *
 * @example
 * const auth = await startAuthService();
 * const provider = await startProvider({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
 * console.log(provider.url); // ws://127.0.0.1:40123/ws
 * await provider.drain(5_000); // SIGTERM: finish runs for up to 5 s, then close sockets with 1001
 */
export function startProvider(opts: ProviderOptions): Promise<Provider> {
  return ReferenceProvider.start(opts);
}

export type { ProviderOptions, ProviderSettings };
