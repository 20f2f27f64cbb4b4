import type { AccessVerifier } from '../auth';
import type { Connection, ConnectionHost } from './connection';
import type { RunHub } from './hub';
import type { Logger } from './logger';
import { encodeError, type ErrorExtras } from './outgoing';
import type { ProviderSettings } from './options';
import type { RunLoopDeps } from './run-loop';

/** Counters of closes the provider decided (stats). */
export interface CloseCounters {
  slowConsumerCloses: number;
  heartbeatTerminations: number;
  tokenExpiryCloses: number;
}

/**
 * What every part of a running provider shares (handlers, sweeps, the handshake, drain): built once by
 * `ReferenceProvider`, passed explicitly; nothing is per connection.
 */
export interface ProviderContext {
  readonly settings: ProviderSettings;
  readonly logger: Logger;
  readonly hub: RunHub;
  readonly verify: AccessVerifier;
  readonly counters: CloseCounters;
  readonly runLoop: RunLoopDeps;
  /** What every connection shares (send buffer, slow-consumer policy, detach). */
  readonly host: ConnectionHost;
  /** True once `drain()` began: new connections and runs are refused. */
  draining(): boolean;
}

/** Sends one `error_message` on `conn` (validated; a provider bug falls back to a bare INTERNAL_ERROR). */
export function sendError(
  ctx: ProviderContext,
  conn: Connection,
  code: string,
  message: string,
  extras: ErrorExtras = {},
): void {
  conn.send(encodeError(code, message, extras, ctx.logger));
}
