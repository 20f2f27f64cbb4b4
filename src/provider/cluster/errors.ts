import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link ClusterError}. */
export type ClusterErrorCode =
  /** Redis is unreachable (down, restarting, connection lost): the command was not sent. Retry later. */
  | 'REDIS_UNAVAILABLE'
  /** `--redis` is not a redis:// URL the client can use. */
  | 'REDIS_URL_INVALID'
  /** A cluster setting is unusable (node id, timings). */
  | 'CLUSTER_CONFIG_INVALID'
  /** Redis answered, but not what the cluster protocol expects (a bug or a foreign writer under our prefix). */
  | 'REDIS_PROTOCOL'
  /** A run event could not be appended at its seq: another writer holds the run (ownership violated). */
  | 'RUN_LOG_CONFLICT'
  /** A run event would leave a gap in its log (the log lost its head: Redis restarted empty); rewrite from seq 1. */
  | 'RUN_LOG_GAP'
  /** A cluster-wide per-user limit refused the acquire. */
  | 'CLUSTER_LIMIT_REACHED';

/**
 * A problem of the provider's Redis-backed cluster layer. `REDIS_UNAVAILABLE` is the one callers expect during an
 * outage: commands fail fast with it (no offline queue) so the provider can refuse new runs instead of hanging.
 */
export class ClusterError extends NetraError<ClusterErrorCode> {
  constructor(code: ClusterErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { cause: options.cause, exitCode: options.exitCode ?? 2 });
  }
}

/** True when `err` says Redis could not be reached (as opposed to a refused or malformed command). */
export function isUnavailable(err: unknown): boolean {
  return err instanceof ClusterError && err.code === 'REDIS_UNAVAILABLE';
}
