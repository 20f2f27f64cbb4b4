import type { Command } from 'commander';
import path from 'path';
import { externalTarget, startRecordingStack, type LiveTarget, type TokenVia } from '../../verify/record';
import { formatReplayReport, replayFile, ReplayError, type ReplayReport } from '../../verify/replay';

interface ReplayCliOptions {
  url?: string;
  authUrl?: string;
  via: string;
  profile?: string;
  liveOut?: string;
  gateTimeout: string;
  json?: boolean;
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new ReplayError('REPLAY_OPTIONS_INVALID', `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * `netra-contracts replay FILE... [--url ws://... --auth-url http://...]`: provider verification. Replays each
 * session's client side against the live provider (default: a freshly started embedded stack per file) and checks
 * the live traffic with the rules and against the recording's shape. Exit 1 when any differs.
 */
export function register(program: Command): void {
  program
    .command('replay')
    .description(
      "Replay recorded sessions' client side against a live provider; the live traffic must keep every rule and the recording's shape.",
    )
    .argument('<files...>', 'session files (*.session.jsonl)')
    .option('--url <ws-url>', 'live provider, e.g. ws://127.0.0.1:8000/ws (default: a fresh embedded stack per file)')
    .option('--auth-url <http-url>', 'auth service issuing development tokens (required with --url)')
    .option('--via <how>', 'present tokens as the Authorization header or the jwt.<token> subprotocol', 'header')
    .option('--profile <name>', 'timing profile for the rules check of the live traffic')
    .option('--live-out <dir>', 'also write each live session to <dir>/<name>.live.session.jsonl')
    .option('--gate-timeout <ms>', 'how long to wait for the live traffic to reach each recorded point', '20000')
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], options: ReplayCliOptions) => {
      if (options.via !== 'header' && options.via !== 'subprotocol') {
        throw new ReplayError(
          'REPLAY_OPTIONS_INVALID',
          `--via must be header or subprotocol, got ${JSON.stringify(options.via)}`,
        );
      }
      const gateTimeoutMs = positiveInt(options.gateTimeout, '--gate-timeout');
      const external = options.url !== undefined ? externalTarget(options.url, options.authUrl) : undefined;
      const reports: ReplayReport[] = [];
      for (const file of files) {
        const liveOut = options.liveOut
          ? path.join(
              options.liveOut,
              `${path.basename(file).replace(/\.session\.jsonl$|\.jsonl$/, '')}.live.session.jsonl`,
            )
          : undefined;
        const run = (target: LiveTarget): Promise<ReplayReport> =>
          replayFile(file, { target, via: options.via as TokenVia, profile: options.profile, liveOut, gateTimeoutMs });
        let report: ReplayReport;
        if (external) {
          report = await run(external);
        } else {
          const { stack, target } = await startRecordingStack();
          try {
            report = await run(target);
          } finally {
            await stack.close();
          }
        }
        reports.push(report);
        if (!options.json)
          process.stdout.write(formatReplayReport(report, external ? options.url : 'a fresh embedded stack'));
      }
      if (options.json) {
        const json = reports.map(({ file, scenario, ok, differences, violations, problems }) => ({
          file,
          scenario,
          ok,
          differences,
          violations: violations.map(({ rule, conn, line, message }) => ({ rule, conn, line, message })),
          problems,
        }));
        process.stdout.write(`${JSON.stringify(json)}\n`);
      }
      if (reports.some((r) => !r.ok)) process.exitCode = 1;
    });
}
