import type { Target } from '../targets/types';
import { LoadError } from './errors';
import type { Mix } from './mix';
import { parseShard, type Shard } from './shard';

/**
 * Hard caps: a load run is bounded in users and time whatever the flags say (a target's `limits` may lower them).
 *
 * @example
 * if (users > LOAD_LIMITS.maxUsers) throw new LoadError('LOAD_USAGE', 'too many users');
 */
export const LOAD_LIMITS = {
  maxUsers: 50_000,
  maxDurationS: 3_600,
  maxDrainS: 120,
  defaultDrainS: 45,
  maxWorkers: 64,
} as const;

/** A progress snapshot (once a second). */
export interface LoadProgress {
  phase: 'ramp' | 'steady' | 'drain';
  elapsedS: number;
  durationS: number;
  users: number;
  connections: number;
  runsInFlight: number;
  eventsPerS: number;
  violations: number;
  runsCompleted: number;
  runsFailed: number;
}

/** Options of `runLoad`. */
export interface LoadOptions {
  /** The provider to load: URL(s), token source, headers, CA, limits (a targets-file entry, or the embedded provider). */
  target?: Target;
  /**
   * Shorthand for a loopback target with development tokens (`--url`): one URL or several (users spread round-robin;
   * a reconnect goes to the next one). Not with `target`.
   */
  url?: string | string[];
  /** Auth service of the `url` shorthand (loopback only). Default: same host as the first URL, port 8001. */
  authUrl?: string;
  /** The target is the embedded reference provider in this process (each connection costs two file descriptors). */
  embedded?: boolean;
  /** Users of the whole run (all shards together). */
  users: number;
  durationS: number;
  /** Users start evenly over this many seconds. Default min(10, durationS / 5). */
  rampS?: number;
  /** Mix name (contracts/mixes/NAME.yaml), file, or a loaded mix. Default `default`. */
  mix?: string | Mix;
  /** Timing profile of the rules checker and thresholds profile. Default: the target's profile, else `local`. */
  profile?: string;
  /** Extra thresholds on top of the profile's (k6 syntax, e.g. `first_event_ms.p99 < 80`). */
  thresholds?: string[];
  thresholdsFile?: string;
  /** Mean seconds between random network drops per user (exponential gaps). */
  dropEveryS?: number;
  seed?: number;
  /** Access-token lifetime asked of the token source; users renew before it ends. Default 900. */
  tokenTtlS?: number;
  /** After `durationS`, how long runs in flight may take to finish. Default 45. */
  drainS?: number;
  /** A run without its terminal event after this long fails with CLIENT_TIMEOUT. Default 60. */
  runTimeoutS?: number;
  /** Also record every frame of the run to this session file (`*.session.jsonl`) for `netra-contracts verify`. */
  recordFile?: string;
  /** Run only this share of the users (`--shard 2/3`: users 1, 4, 7, ... of 0..users-1), for `load merge`. */
  shard?: string | Shard;
  /** Called once a second while the run goes on. */
  onTick?: (progress: LoadProgress) => void;
}

/** The validated numbers of a run. */
export interface LoadSettings {
  users: number;
  durationS: number;
  rampS: number;
  drainS: number;
  dropEveryS?: number;
  seed: number;
  tokenTtlS: number;
  runTimeoutS: number;
  /** `1/1` when the run is not sharded. */
  shard: Shard;
}

/**
 * Validates the numeric options (LoadError LOAD_USAGE naming the flag), with their defaults.
 *
 * @example
 * resolveSettings({ users: 10, durationS: 8 }).rampS; // 1.6
 */
export function resolveSettings(opts: LoadOptions): LoadSettings {
  const bad = (what: string): never => {
    throw new LoadError('LOAD_USAGE', what);
  };
  const { users, durationS } = opts;
  if (!Number.isInteger(users) || users < 1 || users > LOAD_LIMITS.maxUsers)
    bad(`--users must be an integer from 1 to ${LOAD_LIMITS.maxUsers}`);
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > LOAD_LIMITS.maxDurationS)
    bad(`--duration must be seconds from 1 to ${LOAD_LIMITS.maxDurationS}`);
  const rampS = opts.rampS ?? Math.min(10, durationS / 5);
  if (!Number.isFinite(rampS) || rampS < 0 || rampS > durationS) bad('--ramp must be seconds from 0 to --duration');
  const drainS = opts.drainS ?? LOAD_LIMITS.defaultDrainS;
  if (!Number.isFinite(drainS) || drainS < 0 || drainS > LOAD_LIMITS.maxDrainS)
    bad(`--drain must be seconds from 0 to ${LOAD_LIMITS.maxDrainS}`);
  if (opts.dropEveryS !== undefined && !(opts.dropEveryS >= 0.2 && opts.dropEveryS <= 3_600))
    bad('--drop-every must be seconds from 0.2 to 3600');
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) bad('--seed must be an integer from 0 to 4294967295');
  const tokenTtlS = opts.tokenTtlS ?? 900;
  if (!Number.isInteger(tokenTtlS) || tokenTtlS < 5 || tokenTtlS > 86_400)
    bad('--token-ttl must be an integer from 5 to 86400 seconds');
  const runTimeoutS = opts.runTimeoutS ?? 60;
  if (!Number.isFinite(runTimeoutS) || runTimeoutS < 1 || runTimeoutS > 600)
    bad('--run-timeout must be seconds from 1 to 600');
  const shard = typeof opts.shard === 'string' ? parseShard(opts.shard) : (opts.shard ?? { index: 1, count: 1 });
  if (shard.count > users) bad(`--shard ${shard.index}/${shard.count}: more shards than --users ${users}`);
  const settings: LoadSettings = { users, durationS, rampS, drainS, seed, tokenTtlS, runTimeoutS, shard };
  if (opts.dropEveryS !== undefined) settings.dropEveryS = opts.dropEveryS;
  return settings;
}
