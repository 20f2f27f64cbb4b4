import { Option, type Command } from 'commander';
import { collect, number } from '../options';
import { startEmbeddedTarget, type EmbeddedTarget } from '../../pipeline/embedded';
import { resolveTarget } from '../../verify/targets';
import {
  checkReportFiles,
  createProgressDisplay,
  formatSummary,
  LOAD_LIMITS,
  LoadError,
  mergeReports,
  parseThreshold,
  readShardReport,
  runLoad,
  runLoadWorkers,
  writeLoadReport,
  type LoadOptions,
  type LoadProgress,
  type LoadResult,
} from '../../verify/load';

interface LoadFlags {
  url: string[];
  authUrl?: string;
  targets?: string;
  target?: string;
  users?: number;
  duration?: number;
  ramp?: number;
  mix?: string;
  profile?: string;
  report: string[];
  threshold: string[];
  dropEvery?: number;
  seed: number;
  tokenTtl: number;
  drain: number;
  runTimeout: number;
  record?: string;
  thinkMs?: number;
  toolMs?: number;
  workers?: number;
  shard?: string;
  progress: boolean;
  progressJson?: boolean;
}

interface MergeFlags {
  report: string[];
  threshold: string[];
  allowPartial?: boolean;
}

export function register(program: Command): void {
  // `load merge --report x` has its own --report: the options of `load` only count before the subcommand, which
  // commander allows only when every ancestor has positional options (the root program has no options of its own).
  program.enablePositionalOptions();
  const load = program
    .command('load')
    .description(
      'Load a provider with virtual users (own tokens, request mix, drops + resume), check every frame live, report and apply thresholds.',
    )
    .enablePositionalOptions();
  targetOptions(load);
  runOptions(load);
  scaleOptions(load);
  load.action((flags: LoadFlags) => loadAction(flags));
  load
    .command('merge')
    .description('Merge the JSON reports of the shards of one run (--shard i/n, several machines) into one report.')
    .argument('<reports...>', "the shards' --report x.json files")
    .option('--report <file>', 'write the merged report: .json or .html (repeatable)', collect, [] as string[])
    .option(
      '--threshold <expr>',
      "judge by these thresholds instead of the shards' (repeatable)",
      collect,
      [] as string[],
    )
    .option('--allow-partial', 'merge even when some shards are missing')
    .action((files: string[], flags: MergeFlags) => mergeAction(files, flags));
}

function targetOptions(load: Command): void {
  load
    .option(
      '--url <ws-url>',
      'provider WebSocket URL, loopback only; repeat for several nodes (users spread round-robin, a reconnect goes to the next). Default: an embedded provider on free ports',
      collect,
      [] as string[],
    )
    .option('--auth-url <http-url>', 'auth service URL for development tokens (default: same host as --url, port 8001)')
    .option(
      '--targets <file>',
      'targets file (default: netra-contracts.targets.yaml); with --target NAME, or its default target',
    )
    .option(
      '--target <name>',
      'the target to load: its URL(s), auth, headers, CA and limits come from the targets file',
    )
    .option('--think-ms <ms>', 'embedded provider only: mean simulated model latency', number('--think-ms', 0, 60_000))
    .option('--tool-ms <ms>', 'embedded provider only: mean simulated tool latency', number('--tool-ms', 0, 60_000));
}

function runOptions(load: Command): void {
  load
    .option(
      '--users <n>',
      `required: virtual users of the whole run (1..${LOAD_LIMITS.maxUsers})`,
      number('--users', 1, LOAD_LIMITS.maxUsers, true),
    )
    .option(
      '--duration <s>',
      `required: seconds of load (1..${LOAD_LIMITS.maxDurationS}); runs in flight then get --drain seconds`,
      number('--duration', 1, LOAD_LIMITS.maxDurationS),
    )
    .option(
      '--ramp <s>',
      'start users evenly over this many seconds (default: min(10, duration/5))',
      number('--ramp', 0, LOAD_LIMITS.maxDurationS),
    )
    .option('--mix <name|file>', 'request mix: contracts/mixes/<name>.yaml or a file', 'default')
    .option(
      '--profile <name>',
      "timing profile (contracts/profiles.yaml) and thresholds (contracts/thresholds.yaml); default: the target's, else local",
    )
    .option('--report <file>', 'write the report: .json or .html (repeatable)', collect, [] as string[])
    .option(
      '--threshold <expr>',
      "extra threshold, e.g. 'first_event_ms.p99 < 80' (repeatable)",
      collect,
      [] as string[],
    )
    .option(
      '--drop-every <s>',
      'mean seconds between random network drops per user (reconnect + resume)',
      number('--drop-every', 0.2, 3600),
    )
    .option('--seed <n>', 'seed of the request, think-time and drop choices', number('--seed', 0, 2 ** 32 - 1, true), 1)
    .option(
      '--token-ttl <s>',
      'access-token lifetime to ask for; users renew before it ends',
      number('--token-ttl', 5, 86_400, true),
      900,
    )
    .option(
      '--drain <s>',
      'after --duration, how long runs in flight may take to finish',
      number('--drain', 0, LOAD_LIMITS.maxDrainS),
      LOAD_LIMITS.defaultDrainS,
    )
    .option(
      '--run-timeout <s>',
      'a run without its terminal event after this long fails (CLIENT_TIMEOUT)',
      number('--run-timeout', 1, 600),
      60,
    )
    .option('--record <file>', 'also record every frame to a session file (*.session.jsonl) for `verify`')
    .option('--no-progress', 'no progress bar / progress lines on stderr');
}

function scaleOptions(load: Command): void {
  load
    .option(
      '--workers <n>',
      `run the users in n processes and merge their reports (1..${LOAD_LIMITS.maxWorkers})`,
      number('--workers', 1, LOAD_LIMITS.maxWorkers, true),
    )
    .option(
      '--shard <i/n>',
      'run only shard i of n of the users (one machine of several); merge the reports with `load merge`',
    )
    .addOption(new Option('--progress-json', 'one JSON progress line a second on stdout (for --workers)').hideHelp());
}

function loadOptions(flags: LoadFlags): LoadOptions {
  // Checked here rather than as commander's required options, which `load merge` would inherit.
  if (flags.users === undefined) throw new LoadError('LOAD_USAGE', '--users <n> is required');
  if (flags.duration === undefined) throw new LoadError('LOAD_USAGE', '--duration <s> is required');
  const options: LoadOptions = {
    users: flags.users,
    durationS: flags.duration,
    thresholds: flags.threshold,
    seed: flags.seed,
    tokenTtlS: flags.tokenTtl,
    drainS: flags.drain,
    runTimeoutS: flags.runTimeout,
  };
  if (flags.mix !== undefined) options.mix = flags.mix;
  if (flags.profile !== undefined) options.profile = flags.profile;
  if (flags.url.length > 0) options.url = flags.url;
  if (flags.authUrl !== undefined) options.authUrl = flags.authUrl;
  if (flags.ramp !== undefined) options.rampS = flags.ramp;
  if (flags.dropEvery !== undefined) options.dropEveryS = flags.dropEvery;
  if (flags.record !== undefined) options.recordFile = flags.record;
  if (flags.shard !== undefined) options.shard = flags.shard;
  return options;
}

async function loadAction(flags: LoadFlags): Promise<void> {
  checkReportFiles(flags.report);
  const options = loadOptions(flags);
  const named = flags.targets !== undefined || flags.target !== undefined;
  if (named && flags.url.length > 0) throw new LoadError('LOAD_USAGE', 'give --url or --targets/--target, not both');
  const external = flags.url.length > 0 || named;
  if (external && (flags.thinkMs !== undefined || flags.toolMs !== undefined))
    throw new LoadError('LOAD_USAGE', '--think-ms and --tool-ms only apply to the embedded provider (no --url)');
  if (flags.authUrl !== undefined && flags.url.length === 0)
    throw new LoadError('LOAD_USAGE', '--auth-url needs --url');
  const display = flags.progress ? createProgressDisplay(process.stderr) : undefined;
  const progress: ((p: LoadProgress) => void)[] = [];
  if (display !== undefined) progress.push((p) => display.update(p));
  if (flags.progressJson) progress.push((p) => process.stdout.write(`${JSON.stringify({ progress: p })}\n`));
  if (progress.length > 0) options.onTick = (p) => progress.forEach((show) => show(p));
  let embedded: EmbeddedTarget | undefined;
  let result: LoadResult;
  try {
    if (named) {
      const chosen = {
        ...(flags.targets ? { targets: flags.targets } : {}),
        ...(flags.target ? { target: flags.target } : {}),
      };
      options.target = await resolveTarget(chosen);
    }
    if (!external) {
      embedded = await startEmbeddedTarget({
        provider: {
          ...(flags.thinkMs !== undefined ? { thinkMs: flags.thinkMs } : {}),
          ...(flags.toolMs !== undefined ? { toolMs: flags.toolMs } : {}),
        },
      });
      if (flags.workers === undefined) Object.assign(options, { target: embedded.target, embedded: true });
    }
    const targetArgs = embedded
      ? ['--url', embedded.stack.wsUrl, '--auth-url', embedded.stack.authUrl]
      : named
        ? [...(flags.targets ? ['--targets', flags.targets] : []), ...(flags.target ? ['--target', flags.target] : [])]
        : urlArgs(flags);
    result =
      flags.workers !== undefined
        ? await runLoadWorkers(options, { workers: flags.workers, targetArgs })
        : await runLoad(options);
  } finally {
    display?.stop();
    await embedded?.close();
  }
  finish(result, flags.report);
}

function urlArgs(flags: LoadFlags): string[] {
  const args = flags.url.flatMap((url) => ['--url', url]);
  if (flags.authUrl !== undefined) args.push('--auth-url', flags.authUrl);
  return args;
}

function mergeAction(files: string[], flags: MergeFlags): void {
  checkReportFiles(flags.report);
  const report = mergeReports(files.map(readShardReport), {
    allowPartial: flags.allowPartial === true,
    ...(flags.threshold.length > 0 ? { thresholds: flags.threshold.map(parseThreshold) } : {}),
  });
  finish({ report, broken: report.thresholds.filter((t) => !t.ok) }, flags.report);
}

/** Writes the reports, prints the k6-style summary, and exits 1 when a threshold broke. */
function finish(result: LoadResult, reports: string[]): void {
  for (const file of reports) writeLoadReport(file, result.report);
  process.stdout.write(formatSummary(result.report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
  for (const file of reports) process.stdout.write(`  report: ${file}\n`);
  if (result.broken.length > 0) {
    process.stderr.write(`netra-contracts: THRESHOLDS_BROKEN: ${result.broken.map((t) => t.threshold).join('; ')}\n`);
    process.exitCode = 1;
  }
}
