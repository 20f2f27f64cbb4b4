import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectPath } from '../../util/paths';
import { isRecord } from '../../util/records';
import { LoadError } from './errors';
import { applyTargetLimits, resolveLoadTarget } from './load-target';
import { mergeReports, readShardReport } from './merge';
import { LOAD_LIMITS, resolveSettings, type LoadOptions, type LoadProgress } from './options';
import { loadThresholds, parseThreshold } from './thresholds';
import type { LoadResult } from './runner';
import { loadMix } from './mix';

/** How `--workers` starts its worker processes. */
export interface WorkerOptions {
  /** Worker processes (each runs shard i/N of the users). */
  workers: number;
  /**
   * How each worker reaches the target, as CLI flags: `--url ... --auth-url ...` (the embedded provider of this
   * process, or the loopback shorthand) or `--targets FILE --target NAME`.
   */
  targetArgs: string[];
  /** The CLI the workers run. Default: this repository's `bin/netra-contracts.js`. */
  cli?: string;
}

/**
 * `load --workers N`: runs the users in N processes of the load tool (each the same run's shard i/N: its users, its
 * own rules checker, its own report) and merges their reports exactly into one (HdrHistograms and counts add up), so
 * one machine's cores all drive load. The mix must be a name or a file (the workers read it themselves). Stops the
 * workers that outlive the run's bound. Throws LoadError WORKER_FAILED when a worker fails or writes no report.
 *
 * @example
 * const { report } = await runLoadWorkers({ users: 1000, durationS: 30, mix: 'ci' }, { workers: 2, targetArgs: ['--url', url, '--auth-url', authUrl] });
 * report.environment.processes; // 2
 */
export async function runLoadWorkers(opts: LoadOptions, workers: WorkerOptions): Promise<LoadResult> {
  const settings = resolveSettings(opts);
  // The workers check the target again; checking here first fails once, before any process starts. (Without a
  // target or --url here, the workers get one through targetArgs: the embedded provider of the caller.)
  if (opts.target !== undefined || opts.url !== undefined) applyTargetLimits(resolveLoadTarget(opts).target, settings);
  if (!Number.isInteger(workers.workers) || workers.workers < 1 || workers.workers > LOAD_LIMITS.maxWorkers)
    throw new LoadError('LOAD_USAGE', `--workers must be an integer from 1 to ${LOAD_LIMITS.maxWorkers}`);
  if (workers.workers > settings.users)
    throw new LoadError('LOAD_USAGE', `--workers ${workers.workers} is more than --users ${settings.users}`);
  if (opts.shard !== undefined)
    throw new LoadError('LOAD_USAGE', '--workers splits one machine, --shard splits machines: use one of them');
  if (opts.recordFile !== undefined)
    throw new LoadError('LOAD_USAGE', '--record needs a single process: each worker would need its own session file');
  if (typeof opts.mix === 'object')
    throw new LoadError('LOAD_USAGE', '--workers needs --mix as a name or a file (each worker reads it)');
  loadMix(opts.mix); // a bad mix fails here, once, not in every worker
  const profile = opts.profile ?? opts.target?.profile ?? 'local';
  const thresholds = [
    ...loadThresholds(opts.thresholdsFile).get(profile),
    ...(opts.thresholds ?? []).map(parseThreshold),
  ];
  const dir = mkdtempSync(path.join(tmpdir(), 'netra-load-workers-'));
  try {
    const files = await runWorkers(opts, workers, profile, dir, settings.durationS + settings.drainS + 90);
    const report = mergeReports(files.map(readShardReport), { thresholds });
    return { report, broken: report.thresholds.filter((t) => !t.ok) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI flags of one worker: the run's options, its shard, its report file. */
function workerArgs(
  opts: LoadOptions,
  workers: WorkerOptions,
  profile: string,
  shard: number,
  report: string,
): string[] {
  const args = ['load', ...workers.targetArgs, '--users', String(opts.users), '--duration', String(opts.durationS)];
  const add = (flag: string, value: number | string | undefined): void => {
    if (value !== undefined) args.push(flag, String(value));
  };
  add('--ramp', opts.rampS);
  add('--mix', opts.mix as string | undefined);
  add('--profile', profile);
  for (const threshold of opts.thresholds ?? []) add('--threshold', threshold);
  add('--drop-every', opts.dropEveryS);
  add('--seed', opts.seed);
  add('--token-ttl', opts.tokenTtlS);
  add('--drain', opts.drainS);
  add('--run-timeout', opts.runTimeoutS);
  args.push('--shard', `${shard}/${workers.workers}`, '--report', report, '--no-progress', '--progress-json');
  return args;
}

/**
 * The young-generation size this process runs with (bin/relaunch.js starts `load` with 128 MB semi-spaces): a worker
 * given it runs at once, instead of starting a second node to get it. Only this flag: others (--inspect, --cpu-prof)
 * are this process's own.
 */
const HEAP_FLAGS = (): string[] => process.execArgv.filter((flag) => flag.startsWith('--max-semi-space-size'));

async function runWorkers(
  opts: LoadOptions,
  workers: WorkerOptions,
  profile: string,
  dir: string,
  boundS: number,
): Promise<string[]> {
  const cli = workers.cli ?? projectPath('bin', 'netra-contracts.js');
  const latest = new Map<number, LoadProgress>();
  const children: { child: ChildProcess; file: string; stderr: string[] }[] = [];
  for (let i = 1; i <= workers.workers; i++) {
    const file = path.join(dir, `worker-${i}.json`);
    const child = spawn(process.execPath, [...HEAP_FLAGS(), cli, ...workerArgs(opts, workers, profile, i, file)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const entry = { child, file, stderr: [] as string[] };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const progress = parseProgress(line);
      if (progress !== undefined) latest.set(i, progress);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => entry.stderr.push(line));
    children.push(entry);
  }
  const ticker = setInterval(() => opts.onTick?.(sumProgress([...latest.values()])), 1_000);
  const killer = setTimeout(() => children.forEach(({ child }) => child.kill('SIGKILL')), boundS * 1000);
  // A worker that fails (exit 2: bad input, target unavailable) fails the run: the others stop now, not at the end.
  const stopOthers = (code: number | null): void => {
    if (code !== 0 && code !== 1) for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  try {
    const codes = await Promise.all(
      children.map(({ child }) => exitCode(child).then((code) => (stopOthers(code), code))),
    );
    codes.forEach((code, i) => {
      // 0: the shard passed its thresholds, 1: it broke one; either way its report is written and merged.
      if (code === 0 || code === 1) return;
      const why = children[i].stderr.filter((l) => l.trim() !== '').pop() ?? `exit ${code ?? 'signal'}`;
      throw new LoadError('WORKER_FAILED', `worker ${i + 1}/${workers.workers} failed: ${why}`);
    });
  } finally {
    clearInterval(ticker);
    clearTimeout(killer);
  }
  return children.map((c) => c.file);
}

/** The exit code once the process ended AND its output was read to the end ('close', not 'exit'). */
function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

function parseProgress(line: string): LoadProgress | undefined {
  if (!line.startsWith('{"progress"')) return undefined;
  try {
    const parsed = (JSON.parse(line) as { progress?: unknown }).progress;
    return isRecord(parsed) ? (parsed as unknown as LoadProgress) : undefined;
  } catch {
    return undefined;
  }
}

function sumProgress(all: readonly LoadProgress[]): LoadProgress {
  const first = all[0] ?? {
    phase: 'ramp',
    elapsedS: 0,
    durationS: 0,
    users: 0,
    connections: 0,
    runsInFlight: 0,
    eventsPerS: 0,
    violations: 0,
    runsCompleted: 0,
    runsFailed: 0,
  };
  const sum = (pick: (p: LoadProgress) => number): number => all.reduce((n, p) => n + pick(p), 0);
  return {
    phase: first.phase,
    elapsedS: Math.max(0, ...all.map((p) => p.elapsedS)),
    durationS: first.durationS,
    users: sum((p) => p.users),
    connections: sum((p) => p.connections),
    runsInFlight: sum((p) => p.runsInFlight),
    eventsPerS: sum((p) => p.eventsPerS),
    violations: sum((p) => p.violations),
    runsCompleted: sum((p) => p.runsCompleted),
    runsFailed: sum((p) => p.runsFailed),
  };
}
