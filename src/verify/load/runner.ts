import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startStack, type Stack } from '../../provider';
import { loadProfiles, loadRules } from '../../rules';
import { createSessionWriter } from '../../sessions';
import { LoadError } from './errors';
import { assertConnectionsFit } from './fd-limit';
import { percentile } from './latency';
import { LiveChecks } from './live-checks';
import { loadMix, templatePicker, type Mix } from './mix';
import { createRandom } from './random';
import { sortedCounts, type LoadReport, type LoadSeries, type ThresholdOutcome } from './report';
import { LoadSession } from './session';
import { assertLoopbackUrl, defaultAuthUrl, sourceAddressPool } from './target';
import { evaluateThresholds, loadThresholds, parseThreshold, type Threshold } from './thresholds';
import { probeTarget } from './probe';
import { AuthGate } from './tokens';
import { VirtualUser } from './virtual-user';

/**
 * Hard caps: a load run is bounded in users and time whatever the flags say.
 *
 * @example
 * if (users > LOAD_LIMITS.maxUsers) throw new LoadError('LOAD_USAGE', 'too many users');
 */
export const LOAD_LIMITS = { maxUsers: 50_000, maxDurationS: 3_600, maxDrainS: 120, defaultDrainS: 45 } as const;

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** WebSocket URL of the provider (loopback only). Omitted: an embedded auth service + provider on free ports. */
  url?: string;
  /** Auth service URL (loopback only). Default: same host as `url`, port 8001. */
  authUrl?: string;
  users: number;
  durationS: number;
  /** Users start evenly over this many seconds. Default min(10, durationS / 5). */
  rampS?: number;
  /** Mix name (contracts/mixes/NAME.yaml), file, or a loaded mix. Default `default`. */
  mix?: string | Mix;
  /** Timing profile of the rules checker and thresholds profile. Default `local`. */
  profile?: string;
  /** Extra thresholds on top of the profile's (k6 syntax, e.g. `first_event_ms.p99 < 80`). */
  thresholds?: string[];
  thresholdsFile?: string;
  /** Mean seconds between random network drops per user (exponential gaps). */
  dropEveryS?: number;
  seed?: number;
  /** Access-token lifetime asked from the auth service; users refresh before it ends. Default 900. */
  tokenTtlS?: number;
  /** After `durationS`, how long runs in flight may take to finish. Default 45. */
  drainS?: number;
  /** A run without its terminal event after this long fails with CLIENT_TIMEOUT. Default 60. */
  runTimeoutS?: number;
  /** Latencies of the embedded provider (ignored with `url`). Default: the provider's (think 40 ms, tool 60 ms). */
  embedded?: { thinkMs?: number; toolMs?: number; jitter?: number };
  /** Also record every frame of the run to this session file (`*.session.jsonl`) for `netra-contracts verify`. */
  recordFile?: string;
  /** Called once a second while the run goes on. */
  onTick?: (progress: LoadProgress) => void;
}

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

/** What {@link runLoad} returns. */
export interface LoadResult {
  report: LoadReport;
  /** Thresholds of the profile that the run broke. */
  broken: ThresholdOutcome[];
}

interface Resolved {
  users: number;
  durationS: number;
  rampS: number;
  drainS: number;
  dropEveryS?: number;
  seed: number;
  tokenTtlS: number;
  runTimeoutS: number;
  profile: string;
}

function resolveOptions(opts: LoadOptions): Resolved {
  const bad = (what: string): never => {
    throw new LoadError('LOAD_USAGE', what);
  };
  const { users, durationS } = opts;
  if (!Number.isInteger(users) || users < 1 || users > LOAD_LIMITS.maxUsers)
    bad(`--users must be an integer from 1 to ${LOAD_LIMITS.maxUsers}`);
  if (!Number.isFinite(durationS) || durationS <= 0 || durationS > LOAD_LIMITS.maxDurationS) {
    bad(`--duration must be seconds from 1 to ${LOAD_LIMITS.maxDurationS}`);
  }
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
  const resolved: Resolved = {
    users,
    durationS,
    rampS,
    drainS,
    seed,
    tokenTtlS,
    runTimeoutS,
    profile: opts.profile ?? 'local',
  };
  if (opts.dropEveryS !== undefined) resolved.dropEveryS = opts.dropEveryS;
  return resolved;
}

/**
 * Runs a bounded load against a loopback provider (or an embedded one): `users` virtual users, each with its own
 * token, tabs looping over the request mix, random drops with resume, every frame checked live by the one rules
 * checker; stops by itself after `durationS` plus a bounded drain, and returns the report with the profile's
 * thresholds evaluated. Throws LoadError (bad options, NOT_LOOPBACK, unknown profile, no user could connect).
 *
 * @example
 * const { report, broken } = await runLoad({ users: 20, durationS: 15, profile: 'ci', mix: 'ci' });
 * report.first_event_ms.p99; // e.g. 7.3
 * if (broken.length > 0) process.exitCode = 1;
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const settings = resolveOptions(opts);
  const target = opts.url !== undefined ? assertLoopbackUrl(opts.url, '--url') : undefined;
  const authTarget =
    opts.authUrl !== undefined
      ? assertLoopbackUrl(opts.authUrl, '--auth-url', ['http:', 'https:'])
      : target !== undefined
        ? assertLoopbackUrl(defaultAuthUrl(target), '--auth-url', ['http:', 'https:'])
        : undefined;
  const mix = typeof opts.mix === 'object' ? opts.mix : loadMix(opts.mix);
  const profile = loadProfiles().get(settings.profile);
  const thresholds: Threshold[] = [
    ...loadThresholds(opts.thresholdsFile).get(settings.profile),
    ...(opts.thresholds ?? []).map(parseThreshold),
  ];

  assertConnectionsFit(settings.users, 1 + mix.secondTabShare, target === undefined);

  let stack: Stack | undefined;
  let wsUrl: string;
  let authUrl: string;
  if (target === undefined) {
    stack = await startStack({ provider: { ...opts.embedded } });
    wsUrl = stack.wsUrl;
    authUrl = stack.authUrl;
  } else {
    wsUrl = target.toString();
    authUrl = (authTarget as URL).toString();
  }

  // A tag per run keeps user ids (and so request ids) apart between runs against one long-lived provider.
  const tag = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  try {
    await probeTarget(wsUrl, authUrl, `load-${tag}-probe`);
  } catch (err) {
    await stack?.close();
    throw err;
  }

  const loadavgStart = os.loadavg().map(round2);
  const heap = { start: process.memoryUsage().heapUsed, peak: 0 };
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loopDelay.enable();
  const session = new LoadSession();
  const recorder =
    opts.recordFile !== undefined
      ? createSessionWriter(
          opts.recordFile,
          { scenario: `load ${settings.users} users ${settings.durationS} s mix ${mix.name}`, provider: wsUrl },
          { clock: () => session.now() },
        )
      : undefined;
  session.live = new LiveChecks(profile, () => session.now(), loadRules(), recorder);
  const random = createRandom(settings.seed);
  const picker = templatePicker(mix);
  const gate = new AuthGate(authUrl);
  const addresses = new Set<string>();
  const nextAddress = sourceAddressPool(new URL(wsUrl).hostname);
  const tabSettings = {
    wsUrl,
    sourceAddress: () => {
      const address = nextAddress();
      if (address !== undefined) addresses.add(address);
      return address;
    },
    subprotocolShare: mix.subprotocolShare,
    thinkMs: mix.thinkMs,
    runTimeoutMs: settings.runTimeoutS * 1000,
    fillWaitMs: 10_000,
    handshakeTimeoutMs: 10_000,
  };
  const users: VirtualUser[] = [];
  for (let i = 0; i < settings.users; i++) {
    const userRandom = random.fork();
    users.push(
      new VirtualUser({
        index: i,
        userId: `load-${tag}-u${i}`,
        tabs: userRandom.next() < mix.secondTabShare ? 2 : 1,
        session,
        settings: tabSettings,
        gate,
        random: userRandom,
        pickTemplate: picker,
        tokenTtlS: settings.tokenTtlS,
        ...(settings.dropEveryS !== undefined ? { dropEveryMs: settings.dropEveryS * 1000 } : {}),
      }),
    );
  }

  const series: LoadSeries = {
    t_s: [],
    events_per_s: [],
    runs_started: [],
    runs_ended: [],
    first_event_p50_ms: [],
    first_event_p99_ms: [],
    completion_p99_ms: [],
    connections: [],
    runs_in_flight: [],
    violations: [],
    heap_used_mb: [],
  };
  let phase: LoadProgress['phase'] = settings.rampS > 0 ? 'ramp' : 'steady';
  const tick = (): void => {
    const window = session.takeWindow();
    const c = session.counters;
    series.t_s.push(series.t_s.length + 1);
    series.events_per_s.push(window.events);
    series.runs_started.push(window.runsStarted);
    series.runs_ended.push(window.runsEnded);
    series.first_event_p50_ms.push(percentile(window.firstEvent, 50));
    series.first_event_p99_ms.push(percentile(window.firstEvent, 99));
    series.completion_p99_ms.push(percentile(window.completion, 99));
    series.connections.push(c.connectionsOpen);
    series.runs_in_flight.push(c.runsInFlight);
    series.violations.push(session.live.total);
    const heapUsed = process.memoryUsage().heapUsed;
    heap.peak = Math.max(heap.peak, heapUsed);
    series.heap_used_mb.push(mb(heapUsed));
    opts.onTick?.({
      phase,
      elapsedS: series.t_s.length,
      durationS: settings.durationS,
      users: settings.users,
      connections: c.connectionsOpen,
      runsInFlight: c.runsInFlight,
      eventsPerS: window.events,
      violations: session.live.total,
      runsCompleted: c.runsCompleted,
      runsFailed: c.runsFailed,
    });
  };
  const ticker = setInterval(tick, 1_000);

  try {
    const rampMs = settings.rampS * 1000;
    const running: Promise<void>[] = users.map(
      (user, i) =>
        new Promise<void>((resolve) => {
          session.after(settings.users > 1 ? (i * rampMs) / settings.users : 0, () => {
            user.run().then(resolve, (err: unknown) => {
              session.error('USER_CRASHED');
              process.emitWarning(`load: virtual user ${user.userId} failed: ${(err as Error).message}`);
              resolve();
            });
          });
        }),
    );
    const steady = setTimeout(() => (phase = 'steady'), rampMs);
    await new Promise<void>((resolve) => setTimeout(resolve, settings.durationS * 1000));
    clearTimeout(steady);
    phase = 'drain';
    session.stop();
    for (const user of users) user.wake();
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(running),
      new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, settings.drainS * 1000))),
    ]);
    clearTimeout(drainTimer);
  } finally {
    session.closing = true;
    session.stop();
    await Promise.all(users.map((user) => user.close()));
    session.clearTimers();
    clearInterval(ticker);
    loopDelay.disable();
    session.live.finish();
    await recorder?.end();
    if (stack !== undefined) await stack.close();
  }

  const c = session.counters;
  if (c.connectionsOpened === 0) {
    const reasons =
      [...session.errors.entries()].map(([code, n]) => `${code} x${n}`).join(', ') || 'no reason recorded';
    throw new LoadError(
      'TARGET_UNAVAILABLE',
      `no virtual user could connect to ${wsUrl} (auth ${authUrl}): ${reasons}`,
    );
  }
  const report: LoadReport = {
    users: settings.users,
    duration_s: settings.durationS,
    runs: {
      started: c.runsStarted,
      completed: c.runsCompleted,
      failed: c.runsFailed,
      cancelled: c.runsCancelled,
      unfinished: c.runsUnfinished,
    },
    events: {
      expected: c.expected,
      delivered: c.delivered,
      duplicates: c.duplicates,
      redelivered: c.redelivered,
      missing: c.missing,
      received: c.received,
    },
    first_event_ms: session.firstEvent.summary(),
    completion_ms: session.completion.summary(),
    violations: sortedCounts(session.live.violationCounts),
    errors: sortedCounts(session.errors),
    warnings: sortedCounts(session.live.warningCounts),
    delivery_ratio: c.expected === 0 ? 1 : Math.round((c.delivered / c.expected) * 1e6) / 1e6,
    connections: {
      opened: c.connectionsOpened,
      peak: c.connectionsPeak,
      drops: c.drops,
      server_closes: c.serverCloses,
      connect_failures: c.connectFailures,
      source_addresses: Math.max(1, addresses.size),
    },
    auth: { tokens: c.tokensIssued, refreshes: c.tokenRefreshes },
    profile: settings.profile,
    mix: mix.name,
    target: { url: wsUrl, embedded: stack !== undefined },
    settings: {
      ramp_s: settings.rampS,
      drop_every_s: settings.dropEveryS ?? null,
      seed: settings.seed,
      token_ttl_s: settings.tokenTtlS,
      drain_s: settings.drainS,
    },
    thresholds: [],
    violation_samples: session.live.samples,
    environment: {
      node: process.version,
      cpus: os.cpus().length,
      loadavg_start: loadavgStart,
      loadavg_end: os.loadavg().map(round2),
      elapsed_s: round2(session.now() / 1000),
      heap_used_mb: {
        start: mb(heap.start),
        peak: mb(Math.max(heap.peak, heap.start)),
        end: mb(process.memoryUsage().heapUsed),
      },
      event_loop_delay_ms: {
        p50: lag(loopDelay.percentile(50)),
        p99: lag(loopDelay.percentile(99)),
        max: lag(loopDelay.max),
      },
    },
    histograms: {
      first_event_ms: session.firstEvent.histogramBuckets(),
      completion_ms: session.completion.histogramBuckets(),
    },
    series,
  };
  report.thresholds = evaluateThresholds(report, thresholds);
  return { report, broken: report.thresholds.filter((t) => !t.ok) };
}

// The histogram records whole timer intervals (ns); the lag is what exceeds the interval.
const LOOP_RESOLUTION_MS = 10;
function lag(ns: number): number {
  return round2(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS));
}

function mb(bytes: number): number {
  return round2(bytes / 1024 / 1024);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
