import { NetraError } from '../../util/errors';

/** Stable codes of {@link LoadError}. */
export type LoadErrorCode =
  | 'NOT_LOOPBACK' // a URL outside 127.0.0.0/8, ::1, localhost, and no `remote: true` for it (exit 2)
  | 'LOAD_USAGE' // an option out of range or malformed (exit 2)
  | 'TARGET_LIMIT' // more users or a longer run than the target's `limits` allow (exit 2)
  | 'MIX_INVALID' // a request mix file that cannot be used (exit 2)
  | 'THRESHOLDS_INVALID' // contracts/thresholds.yaml or a threshold expression that cannot be used (exit 2)
  | 'PROFILE_UNKNOWN' // --profile names no thresholds profile (exit 2)
  | 'TARGET_UNAVAILABLE' // no user could get a token or a connection (exit 2)
  | 'REPORT_WRITE_FAILED' // --report could not be written (exit 2)
  | 'MERGE_INVALID' // `load merge`: a report that is not a shard report, or shards of different runs (exit 2)
  | 'WORKER_FAILED' // `--workers`: a worker process failed or wrote no report (exit 2)
  | 'THRESHOLDS_BROKEN'; // the run broke a threshold of its profile (exit 1)

/**
 * Error of the load capability. Bad input and an unusable target exit 2; a broken threshold exits 1.
 *
 * @example
 * try {
 *   assertLoopbackUrl('ws://10.0.0.5:8000/ws', '--url');
 * } catch (err) {
 *   if (err instanceof LoadError && err.code === 'NOT_LOOPBACK') console.error(err.message);
 * }
 */
export class LoadError extends NetraError<LoadErrorCode> {
  constructor(code: LoadErrorCode, message: string, options: { exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(code, message, {
      exitCode: options.exitCode ?? (code === 'THRESHOLDS_BROKEN' ? 1 : 2),
      cause: options.cause,
    });
  }
}
