import type { Command } from 'commander';
import path from 'path';
import { openTarget } from '../../pipeline/embedded';
import { NetraError } from '../../util/errors';
import { formatText, verifySessions } from '../../verify/offline';
import { recordAll, recordScenario, type RecordOutcome } from '../../verify/record';
import { DEFAULT_SCENARIOS_DIR, loadScenario, loadScenarios, TIERS, type Tier } from '../../verify/scenarios';

interface RecordCliOptions {
  scenario?: string;
  all?: boolean;
  tier: string[];
  scenarios: string;
  out?: string;
  outDir: string;
  target?: string;
  targets?: string;
  url?: string;
  authUrl?: string;
  userPrefix?: string;
  concurrency?: string;
  verify: boolean;
  profile?: string;
}

function scenarioFile(nameOrFile: string, dir: string): string {
  return /\.ya?ml$/.test(nameOrFile) ? nameOrFile : path.join(dir, `${nameOrFile}.yaml`);
}

function tiersOf(values: string[]): Tier[] {
  for (const t of values) {
    if (!(TIERS as readonly string[]).includes(t))
      throw new NetraError('USAGE', `--tier must be one of ${TIERS.join(', ')}, got ${t}`);
  }
  return values.length > 0 ? (values as Tier[]) : ['easy', 'medium', 'hard'];
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new NetraError('USAGE', `${flag} must be a positive integer, got ${value}`);
  return n;
}

function print(outcome: RecordOutcome): void {
  if ('result' in outcome) {
    const r = outcome.result;
    process.stdout.write(
      `recorded ${r.scenario} -> ${r.file} (${r.lines} lines, ${r.connections} connections, ${r.runs} runs, ${r.frames} server frames)\n`,
    );
  } else if (outcome.error.skipped) {
    process.stdout.write(`skipped ${outcome.scenario}: ${outcome.error.message}\n`);
  } else {
    process.stdout.write(`FAILED ${outcome.scenario}: ${outcome.error.code}: ${outcome.error.message}\n`);
  }
}

/**
 * `netra-contracts record --scenario NAME [--out FILE] | --all [--out-dir DIR] [--tier T]...` with a target
 * (`--target reference` by default, `--target NAME [--targets FILE]`, or `--url ... --auth-url ...`): runs scenarios
 * against the target, concurrently with `--all`, writes the sessions and verifies them.
 */
export function register(program: Command): void {
  program
    .command('record')
    .description('Run scenarios (contracts/scenarios) against a live provider and write the recorded sessions.')
    .option('--scenario <name>', 'scenario name (contracts/scenarios/<name>.yaml) or a scenario file')
    .option('--all', 'record every scenario of --scenarios (of the selected tiers)')
    .option(
      '--tier <tier>',
      'with --all: easy, medium, hard or stress (repeatable; default easy, medium, hard)',
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--scenarios <dir>', 'scenario folder', path.relative(process.cwd(), DEFAULT_SCENARIOS_DIR) || '.')
    .option('--out <file>', 'session file (with --scenario; default <out-dir>/<name>.session.jsonl)')
    .option('--out-dir <dir>', 'folder for <name>.session.jsonl', 'contracts/sessions')
    .option(
      '--target <name>',
      'target: reference (the embedded reference provider, the default) or a targets-file entry',
    )
    .option('--targets <file>', 'targets file (default netra-contracts.targets.yaml)')
    .option('--url <ws-url>', 'shorthand for a loopback target, e.g. ws://127.0.0.1:8000/ws')
    .option('--auth-url <http-url>', 'with --url: the auth service issuing development tokens')
    .option(
      '--user-prefix <prefix>',
      'prefix of every user id (default: none on the embedded provider, a fresh one elsewhere)',
    )
    .option('--concurrency <n>', 'with --all: scenarios recorded at once (default: all)')
    .option('--no-verify', 'do not verify the recorded sessions')
    .option('--profile <name>', 'timing profile for the verification')
    .action(async (options: RecordCliOptions) => {
      if ((options.scenario === undefined) === (options.all !== true)) {
        throw new NetraError('USAGE', 'give exactly one of --scenario NAME and --all', { exitCode: 2 });
      }
      if (options.all && options.out !== undefined) {
        throw new NetraError('USAGE', '--out names one file; with --all use --out-dir', { exitCode: 2 });
      }
      const tiers = tiersOf(options.tier);
      const concurrency = positive(options.concurrency, '--concurrency');
      const scenarios = options.all
        ? loadScenarios(options.scenarios).filter((s) => tiers.includes(s.tier))
        : [loadScenario(scenarioFile(options.scenario as string, options.scenarios))];
      const opened = await openTarget(options);
      const userPrefix = options.userPrefix ?? (opened.embedded ? '' : undefined);
      let outcomes: RecordOutcome[];
      try {
        if (options.out !== undefined) {
          const result = await recordScenario(scenarios[0], opened.target, options.out, { userPrefix });
          outcomes = [{ scenario: result.scenario, result }];
          print(outcomes[0]);
        } else {
          outcomes = await recordAll(scenarios, opened.target, options.outDir, {
            userPrefix,
            concurrency,
            onOutcome: print,
          });
        }
      } finally {
        await opened.close();
      }
      const failed = outcomes.filter((o) => 'error' in o && !o.error.skipped);
      if (!options.all && 'error' in outcomes[0]) throw outcomes[0].error;
      const files = outcomes.flatMap((o) => ('result' in o ? [o.result.file] : []));
      if (options.verify && files.length > 0) {
        const report = await verifySessions(files, { profile: options.profile ?? opened.target.profile });
        if (!report.ok) {
          process.stdout.write(formatText(report));
          process.exitCode = 1;
        } else {
          process.stdout.write(`verified ${files.length} session(s): every rule holds\n`);
        }
      }
      if (failed.length > 0) process.exitCode = 1;
    });
}
