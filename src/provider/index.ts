/**
 * The reference provider: Netra's agent WebSocket backend, built to asyncapi.yaml.
 *
 * - `ws://<host>:<port>/ws`; the token (`Authorization: Bearer` or subprotocol `jwt.<token>`, echoed) is verified
 *   against the auth service's JWKS before anything is sent. A refusal gets one `error_message` and close 1008.
 * - Each connection gets `connection_established` first, then every event of its user's runs. A run's events carry
 *   `seq` 1, 2, 3, ...; each is validated by the generated validators once, serialised once and sent as the same
 *   string to every connection of the user; an invalid one is never sent (the run ends with agent_error
 *   CONTRACT_VIOLATION).
 * - Delivery: a connection receives every event of its user's runs from the moment it is connected: all of a run
 *   started while it is open, and of a run already in flight, the events emitted after it joined. `resume {run_id,
 *   last_seq}` sends what the connection is missing after `last_seq` (the history before it joined, or everything
 *   when it did not follow the run) and it follows the run live from then on. Per (connection, run) the provider
 *   keeps the span of seqs it has sent and never sends one of them twice, so replay and live fan-out neither
 *   duplicate nor skip; only the history filled in by a resume may arrive after live events the connection already
 *   had. A client that reconnects and resumes at once ends up with every event exactly once.
 * - Ended runs stay resumable for `retentionMs` (bounded in count and bytes); with `eventLogFile` they survive a
 *   restart, and runs the restart interrupted end with agent_error PROVIDER_RESTARTED (retryable).
 * - Slow consumers are closed 1013, dead connections (two missed pongs) terminated, expired tokens closed 1008 with
 *   TOKEN_EXPIRED; their runs go on and can be resumed. `drain()` closes with 1001 after the grace period.
 */
export { ReferenceProvider, startProvider } from './server';
export type { Provider, ProviderStats } from './server';
export { startStack } from './stack';
export type { Stack, StackOptions } from './stack';
export { DEFAULT_LATENCY, HARD_FRAME_BYTES } from './options';
export { FSYNC_POLICIES } from './event-log-file';
export type { FsyncPolicy } from './event-log-file';
export { EVENT_LOG_FORMAT, EVENT_LOG_VERSION } from './event-log-format';
export type { ProviderOptions } from './options';
export type { FaultInjection, HubStats, StartOutcome, StartRefusal } from './hub';
export { memorySeams } from './hub/memory-seams';
export { isPromise, settle } from './hub/seams';
export type {
  CancelOutcome,
  CommittedEvent,
  CounterKind,
  EventFanOut,
  HubSeamFactories,
  HubSeams,
  LocalDelivery,
  LocalRunControl,
  LocalRunSource,
  MaybePromise,
  RequestMemory,
  RunControl,
  RunLogSlice,
  RunLogStore,
  StartedRequest,
  UserCounters,
} from './hub/seams';
export { createJsonLogger, isLogLevel, silentLogger } from './logger';
export type { LogFields, LogLevel, Logger } from './logger';
export { ClientRefusal, ProviderError } from './errors';
export type { ClientRefusalCode, ProviderErrorCode } from './errors';
