import type { Command } from 'commander';
import { openTarget } from '../../pipeline/embedded';
import { formatReplayReport, replayAll, replayReportJson, ReplayError, type ShapeMode } from '../../verify/replay';
import type { TokenVia } from '../../verify/client';

interface ReplayCliOptions {
  target?: string;
  targets?: string;
  url?: string;
  authUrl?: string;
  shape: string;
  via: string;
  profile?: string;
  liveOut?: string;
  gateTimeout: string;
  concurrency?: string;
  json?: boolean;
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new ReplayError('REPLAY_OPTIONS_INVALID', `${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function oneOf<T extends string>(value: string, name: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new ReplayError(
      'REPLAY_OPTIONS_INVALID',
      `${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(value)}`,
    );
  return value as T;
}

/**
 * `netra-contracts replay FILE... [--target NAME | --url ... --auth-url ...] [--shape contract|strict]`: provider
 * verification. Replays each session's client side against the target (default: the embedded reference provider,
 * started once), all sessions at once, and checks the live traffic with the rules and against the recording (by
 * default only in what the contract fixes). Exit 1 when any differs.
 */
export function register(program: Command): void {
  program
    .command('replay')
    .description(
      "Replay recorded sessions' client side against a live provider; the live traffic must keep every rule and match the recording in what the contract fixes.",
    )
    .argument('<files...>', 'session files (*.session.jsonl)')
    .option(
      '--target <name>',
      'target: reference (the embedded reference provider, the default) or a targets-file entry',
    )
    .option('--targets <file>', 'targets file (default netra-contracts.targets.yaml)')
    .option('--url <ws-url>', 'shorthand for a loopback target, e.g. ws://127.0.0.1:8000/ws')
    .option('--auth-url <http-url>', 'with --url: the auth service issuing development tokens')
    .option(
      '--shape <mode>',
      "contract: only what the contract fixes; strict: also the agent's plan (tools, order, agent names, error codes) with the recorded user ids",
      'contract',
    )
    .option('--via <how>', 'present tokens as the Authorization header or the jwt.<token> subprotocol', 'header')
    .option('--profile <name>', 'timing profile for the rules check of the live traffic')
    .option('--live-out <dir>', 'also write each live session to <dir>/<name>.live.session.jsonl')
    .option('--gate-timeout <ms>', 'how long to wait for the live traffic to reach each recorded point', '20000')
    .option('--concurrency <n>', 'sessions replayed at once (default: all)')
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], options: ReplayCliOptions) => {
      const via = oneOf<TokenVia>(options.via, '--via', ['header', 'subprotocol']);
      const shape = oneOf<ShapeMode>(options.shape, '--shape', ['contract', 'strict']);
      const gateTimeoutMs = positiveInt(options.gateTimeout, '--gate-timeout');
      const concurrency =
        options.concurrency !== undefined ? positiveInt(options.concurrency, '--concurrency') : undefined;
      const opened = await openTarget(options);
      const where = opened.embedded ? 'the embedded reference provider' : opened.target.name;
      try {
        const reports = await replayAll(files, {
          target: opened.target,
          shape,
          via,
          gateTimeoutMs,
          ...(options.profile !== undefined ? { profile: options.profile } : {}),
          ...(options.liveOut !== undefined ? { liveOutDir: options.liveOut } : {}),
          ...(concurrency !== undefined ? { concurrency } : {}),
          onReport: (report) => {
            if (!options.json) process.stdout.write(formatReplayReport(report, where));
          },
        });
        if (options.json) process.stdout.write(`${JSON.stringify(reports.map(replayReportJson))}\n`);
        if (reports.some((r) => !r.ok && r.skipped === undefined)) process.exitCode = 1;
      } finally {
        await opened.close();
      }
    });
}
