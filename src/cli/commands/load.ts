import { InvalidArgumentError, type Command } from 'commander';
import {
  checkReportFiles,
  createProgressDisplay,
  formatSummary,
  LOAD_LIMITS,
  LoadError,
  runLoad,
  writeLoadReport,
  type LoadOptions,
} from '../../verify/load';

interface LoadFlags {
  url?: string;
  authUrl?: string;
  users: number;
  duration: number;
  ramp?: number;
  mix?: string;
  profile: string;
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
  progress: boolean;
}

const number =
  (name: string, min: number, max: number, integer = false) =>
  (raw: string): number => {
    const value = Number(raw);
    if (
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return value;
  };

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command): void {
  program
    .command('load')
    .description(
      'Load a loopback provider with virtual users (own tokens, request mix, drops + resume), check every frame live, report and apply thresholds.',
    )
    .option(
      '--url <ws-url>',
      'provider WebSocket URL, loopback only (default: start an embedded provider on free ports)',
    )
    .option('--auth-url <http-url>', 'auth service URL (default: same host as --url, port 8001)')
    .requiredOption(
      '--users <n>',
      `virtual users (1..${LOAD_LIMITS.maxUsers})`,
      number('--users', 1, LOAD_LIMITS.maxUsers, true),
    )
    .requiredOption(
      '--duration <s>',
      `seconds of load (1..${LOAD_LIMITS.maxDurationS}); runs in flight then get --drain seconds`,
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
      'timing profile (contracts/profiles.yaml) and thresholds (contracts/thresholds.yaml)',
      'local',
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
      'access-token lifetime to ask for; users refresh before it ends',
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
    .option('--think-ms <ms>', 'embedded provider only: mean simulated model latency', number('--think-ms', 0, 60_000))
    .option('--tool-ms <ms>', 'embedded provider only: mean simulated tool latency', number('--tool-ms', 0, 60_000))
    .option('--no-progress', 'no progress bar / progress lines on stderr')
    .action(async (flags: LoadFlags) => {
      checkReportFiles(flags.report);
      if (flags.url !== undefined && (flags.thinkMs !== undefined || flags.toolMs !== undefined)) {
        throw new LoadError('LOAD_USAGE', '--think-ms and --tool-ms only apply to the embedded provider (no --url)');
      }
      const display = flags.progress ? createProgressDisplay(process.stderr) : undefined;
      const options: LoadOptions = {
        users: flags.users,
        durationS: flags.duration,
        mix: flags.mix,
        profile: flags.profile,
        thresholds: flags.threshold,
        seed: flags.seed,
        tokenTtlS: flags.tokenTtl,
        drainS: flags.drain,
        runTimeoutS: flags.runTimeout,
      };
      if (flags.url !== undefined) options.url = flags.url;
      if (flags.authUrl !== undefined) options.authUrl = flags.authUrl;
      if (flags.ramp !== undefined) options.rampS = flags.ramp;
      if (flags.dropEvery !== undefined) options.dropEveryS = flags.dropEvery;
      if (flags.record !== undefined) options.recordFile = flags.record;
      if (flags.thinkMs !== undefined || flags.toolMs !== undefined) {
        options.embedded = {
          ...(flags.thinkMs !== undefined ? { thinkMs: flags.thinkMs } : {}),
          ...(flags.toolMs !== undefined ? { toolMs: flags.toolMs } : {}),
        };
      }
      if (display !== undefined) options.onTick = (p) => display.update(p);
      let result;
      try {
        result = await runLoad(options);
      } finally {
        display?.stop();
      }
      for (const file of flags.report) writeLoadReport(file, result.report);
      process.stdout.write(
        formatSummary(result.report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }),
      );
      for (const file of flags.report) process.stdout.write(`  report: ${file}\n`);
      if (result.broken.length > 0) {
        process.stderr.write(
          `netra-contracts: THRESHOLDS_BROKEN: ${result.broken.map((t) => t.threshold).join('; ')}\n`,
        );
        process.exitCode = 1;
      }
    });
}
