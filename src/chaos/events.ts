/** Why a proxied connection ended. */
export type CloseReason =
  | 'closed' // both sides closed normally
  | 'toxic_reset' // a reset toxic fired
  | 'client_error' // the client socket failed (e.g. the client reset); the upstream was reset
  | 'upstream_error' // connecting to or talking to the upstream failed; the client was reset
  | 'cut' // FaultProxy.cut()
  | 'proxy_closed'; // FaultProxy.close()

/** One structured log event of a fault proxy; `t` is milliseconds since the proxy started. */
export type ChaosEvent =
  | { event: 'listening'; t: number; host: string; port: number; upstream: string }
  | { event: 'open'; t: number; conn: number; client: string }
  | {
      event: 'stall';
      t: number;
      conn: number;
      toxic: string;
      direction: 'upstream' | 'downstream';
      durationMs: number | null;
    }
  | { event: 'reset'; t: number; conn: number; toxic: string }
  | { event: 'upstream_error'; t: number; conn: number; code: string }
  | {
      event: 'close';
      t: number;
      conn: number;
      reason: CloseReason;
      bytesUp: number;
      bytesDown: number;
      durationMs: number;
    }
  | { event: 'cut'; t: number; connections: number }
  | { event: 'restore'; t: number };

/**
 * Receives the proxy's structured events: a function, or a pino-style `{ info, warn, error }` object like the other
 * capabilities' loggers (resets and upstream errors go to `warn`).
 */
export type ChaosLogger =
  | ((event: ChaosEvent) => void)
  | {
      info(entry: Record<string, unknown>): void;
      warn(entry: Record<string, unknown>): void;
      error?(entry: Record<string, unknown>): void;
    };
