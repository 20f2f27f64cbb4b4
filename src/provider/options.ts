import { loadProtocol, type ChannelLimits } from '../protocol';
import { ProviderError } from './errors';
import type { FaultInjection } from './hub';
import type { HubSeamFactories } from './hub/seams';
import { FSYNC_POLICIES, type FsyncPolicy } from './event-log-file';
import { silentLogger, type Logger } from './logger';

/** Options of `startProvider`. Only the three auth settings are required. */
export interface ProviderOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; `0` (default) picks a free one. */
  port?: number;
  /** The auth service's JWKS, e.g. `http://127.0.0.1:8001/.well-known/jwks.json`. */
  jwksUrl: string;
  /** Required `iss` of access tokens. */
  issuer: string;
  /** Required `aud` of access tokens. */
  audience: string;
  /**
   * Clock skew granted on `exp`/`nbf`/`iat`, in seconds, at the handshake, on auth_refresh and by the expiry sweep
   * alike. Default the verifier's (5). A target that runs this provider declares the same as its clock leeway.
   */
  clockToleranceS?: number;
  /** Mean simulated model latency before each agent_thinking, ms. Default 40. */
  thinkMs?: number;
  /** Mean simulated tool latency between tool_executing and tool_completed, ms. Default 60. */
  toolMs?: number;
  /** Relative jitter of both latencies, 0..1. Default 0.25. */
  jitter?: number;
  /** How long an ended run's events stay available to `resume`, ms. Default 600000 (10 min). */
  retentionMs?: number;
  /** Most ended runs kept for `resume`; the oldest go first. Default 5000. */
  maxRetainedRuns?: number;
  /** Most characters of events kept (running + ended runs); ended runs go first. Default 64 MiB. */
  maxRetainedBytes?: number;
  /** Most concurrent runs per user (start_agent past it gets TOO_MANY_RUNS). Default: the contract's
   * `max_concurrent_runs_per_user`. */
  maxRunsPerUser?: number;
  /** A run still going after this long ends with agent_error RUN_TIMEOUT. Default 120000. */
  runTimeoutMs?: number;
  /** How long `drain()` lets running runs finish before stopping them, ms. Default 10000. */
  drainGraceMs?: number;
  /** Per-connection send buffer: past it the connection is closed 1013 (slow consumer). Default 1 MiB. */
  sendBufferBytes?: number;
  /** How long a slow consumer's close frame may wait behind unread data before the socket is destroyed. Default 2000. */
  slowCloseGraceMs?: number;
  /** Ping interval; a connection that misses two pongs is closed. Default: the contract's heartbeat_interval_ms. */
  heartbeatMs?: number;
  /** Interval of the shared token-expiry / retention sweep, ms. Default 1000. */
  sweepMs?: number;
  /** Append-only JSON-lines log of every run event; read back on start (runs in flight end PROVIDER_RESTARTED). */
  eventLogFile?: string;
  /** When the event log is forced to disk: `every` line, `batched` (default, every 100 ms) or `off`. */
  eventLogFsync?: FsyncPolicy;
  /** Structured logger. Default: silent. */
  logger?: Logger;
  /**
   * Checks every outgoing run event with the generated validator before it is sent (a failure ends the run with
   * agent_error CONTRACT_VIOLATION instead). Default true. Off (`serve --no-validate-outgoing`), only the run
   * invariants the schema cannot see are checked (type, seq, ids, ownership, tool-call pairing): for throughput when
   * the agents are the reference's own, whose events are built by typed constructors and covered by the tests.
   */
  validateOutgoing?: boolean;
  /** Overrides of the contract's channel limits (tests and load experiments only). */
  limits?: Partial<ChannelLimits>;
  /** TEST-ONLY fault injection; see {@link FaultInjection}. */
  faultInjection?: FaultInjection;
  /**
   * Replacements of the hub's in-memory seams (fan-out, run log, request-id memory, per-user counters; see
   * `src/provider/hub/seams.ts`), e.g. a cluster's Redis implementations. Default: all in memory.
   */
  seams?: Partial<HubSeamFactories>;
  /**
   * Connections one user may hold at once; past it the connection gets TOO_MANY_CONNECTIONS and close 1008. Default:
   * the contract's `max_connections_per_user`.
   */
  maxConnectionsPerUser?: number;
  /**
   * Bytes per second the events of one user's runs may take across all of that user's connections; past it the
   * user's runs slow down (nothing is dropped). Default: the contract's `max_fanout_bytes_per_user_per_second`.
   */
  maxFanoutBytesPerUserPerSecond?: number;
}

/**
 * The hard frame limit: a frame past it is not read at all and the socket closes with 1009 (asyncapi.yaml).
 *
 * @example
 * new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_BYTES });
 */
export const HARD_FRAME_BYTES = 1024 * 1024;

/** {@link ProviderOptions} with every default applied and checked. */
export type ProviderSettings = Required<
  Omit<ProviderOptions, 'eventLogFile' | 'faultInjection' | 'limits' | 'seams' | 'clockToleranceS'>
> & {
  clockToleranceS?: number;
  eventLogFile?: string;
  faultInjection?: FaultInjection;
  seams?: Partial<HubSeamFactories>;
  limits: ChannelLimits;
};

/**
 * Default simulated latencies (also the `serve` defaults): a run of ~16 events takes about 0.6 s.
 *
 * @example
 * await startStack({ provider: { ...DEFAULT_LATENCY, thinkMs: 400 } }); // a slow model
 */
export const DEFAULT_LATENCY = { thinkMs: 40, toolMs: 60, jitter: 0.25 } as const;

/** Applies defaults and checks every option; throws ProviderError PROVIDER_CONFIG_INVALID. */
export function resolveSettings(opts: ProviderOptions): ProviderSettings {
  const limits = { ...loadProtocol().limits, ...opts.limits } as ChannelLimits;
  const settings: ProviderSettings = {
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    jwksUrl: opts.jwksUrl,
    issuer: opts.issuer,
    audience: opts.audience,
    thinkMs: opts.thinkMs ?? DEFAULT_LATENCY.thinkMs,
    toolMs: opts.toolMs ?? DEFAULT_LATENCY.toolMs,
    jitter: opts.jitter ?? DEFAULT_LATENCY.jitter,
    retentionMs: opts.retentionMs ?? 600_000,
    maxRetainedRuns: opts.maxRetainedRuns ?? 5_000,
    maxRetainedBytes: opts.maxRetainedBytes ?? 64 * 1024 * 1024,
    maxRunsPerUser: opts.maxRunsPerUser ?? limits.max_concurrent_runs_per_user,
    maxConnectionsPerUser: opts.maxConnectionsPerUser ?? limits.max_connections_per_user,
    maxFanoutBytesPerUserPerSecond: opts.maxFanoutBytesPerUserPerSecond ?? limits.max_fanout_bytes_per_user_per_second,
    runTimeoutMs: opts.runTimeoutMs ?? 120_000,
    drainGraceMs: opts.drainGraceMs ?? 10_000,
    sendBufferBytes: opts.sendBufferBytes ?? limits.max_send_buffer_bytes,
    slowCloseGraceMs: opts.slowCloseGraceMs ?? 2_000,
    heartbeatMs: opts.heartbeatMs ?? limits.heartbeat_interval_ms,
    sweepMs: opts.sweepMs ?? 1_000,
    eventLogFsync: opts.eventLogFsync ?? 'batched',
    logger: opts.logger ?? silentLogger,
    validateOutgoing: opts.validateOutgoing ?? true,
    limits,
  };
  if (opts.eventLogFile !== undefined) settings.eventLogFile = opts.eventLogFile;
  if (opts.faultInjection !== undefined) settings.faultInjection = opts.faultInjection;
  if (opts.seams !== undefined) settings.seams = opts.seams;
  if (opts.clockToleranceS !== undefined) settings.clockToleranceS = opts.clockToleranceS;

  const bad = (name: string, value: unknown, rule: string): never => {
    throw new ProviderError('PROVIDER_CONFIG_INVALID', `${name} must be ${rule}, got ${JSON.stringify(value)}`);
  };
  for (const name of ['jwksUrl', 'issuer', 'audience', 'host'] as const) {
    if (typeof settings[name] !== 'string' || settings[name] === '') bad(name, settings[name], 'a non-empty string');
  }
  if (!Number.isInteger(settings.port) || settings.port < 0 || settings.port > 65535)
    bad('port', settings.port, 'an integer 0..65535');
  const nonNegative = ['thinkMs', 'toolMs', 'retentionMs', 'drainGraceMs', 'slowCloseGraceMs'] as const;
  for (const name of nonNegative) {
    if (!Number.isFinite(settings[name]) || settings[name] < 0) bad(name, settings[name], 'a number >= 0');
  }
  const positive = [
    'maxRetainedRuns',
    'maxRetainedBytes',
    'maxRunsPerUser',
    'maxFanoutBytesPerUserPerSecond',
    'runTimeoutMs',
    'sendBufferBytes',
    'heartbeatMs',
    'sweepMs',
  ] as const;
  for (const name of positive) {
    if (!Number.isFinite(settings[name]) || settings[name] <= 0) bad(name, settings[name], 'a number > 0');
  }
  const tolerance = settings.clockToleranceS;
  if (tolerance !== undefined && !(Number.isFinite(tolerance) && tolerance >= 0 && tolerance <= 300)) {
    bad('clockToleranceS', tolerance, 'a number of seconds from 0 to 300');
  }
  for (const name of ['maxConnectionsPerUser', 'maxRunsPerUser'] as const) {
    if (!(Number.isInteger(settings[name]) && settings[name] > 0)) bad(name, settings[name], 'an integer > 0');
  }
  if (!FSYNC_POLICIES.includes(settings.eventLogFsync)) {
    bad('eventLogFsync', settings.eventLogFsync, `one of ${FSYNC_POLICIES.join(', ')}`);
  }
  if (!(settings.jitter >= 0 && settings.jitter <= 1)) bad('jitter', settings.jitter, 'a number from 0 to 1');
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !(value > 0)) bad(`limits.${name}`, value, 'a number > 0');
  }
  return settings;
}
