import type { Command } from 'commander';
import path from 'path';
import { NetraError } from '../../util/errors';
import { formatText, verifySessions } from '../../verify/offline';
import {
  DEFAULT_SCENARIOS_DIR,
  externalTarget,
  loadScenario,
  loadScenarios,
  recordAll,
  recordScenario,
  startRecordingStack,
  type RecordResult,
} from '../../verify/record';

interface RecordCliOptions {
  scenario?: string;
  all?: boolean;
  scenarios: string;
  out?: string;
  outDir: string;
  url?: string;
  authUrl?: string;
  verify: boolean;
  profile?: string;
}

function scenarioFile(nameOrFile: string, dir: string): string {
  return /\.ya?ml$/.test(nameOrFile) ? nameOrFile : path.join(dir, `${nameOrFile}.yaml`);
}

/**
 * `netra-contracts record --scenario NAME [--out FILE] | --all [--out-dir DIR]` `[--url ws://... --auth-url http://...]`:
 * runs scenarios against a live provider (default: an embedded stack on free ports, one per scenario) and writes
 * the sessions, then verifies them (exit 1 on a violation or a failed expectation, 2 on bad input).
 */
export function register(program: Command): void {
  program
    .command('record')
    .description('Run scenarios (contracts/scenarios) against a live provider and write the recorded sessions.')
    .option('--scenario <name>', 'scenario name (contracts/scenarios/<name>.yaml) or a scenario file')
    .option('--all', 'record every scenario of --scenarios')
    .option('--scenarios <dir>', 'scenario folder', path.relative(process.cwd(), DEFAULT_SCENARIOS_DIR) || '.')
    .option('--out <file>', 'session file (with --scenario; default <out-dir>/<name>.session.jsonl)')
    .option('--out-dir <dir>', 'folder for <name>.session.jsonl', 'contracts/sessions')
    .option('--url <ws-url>', 'live provider, e.g. ws://127.0.0.1:8000/ws (default: an embedded stack)')
    .option('--auth-url <http-url>', 'auth service issuing development tokens (required with --url)')
    .option('--no-verify', 'do not verify the recorded sessions')
    .option('--profile <name>', 'timing profile for the verification')
    .action(async (options: RecordCliOptions) => {
      if ((options.scenario === undefined) === (options.all !== true)) {
        throw new NetraError('USAGE', 'give exactly one of --scenario NAME and --all', { exitCode: 2 });
      }
      if (options.all && options.out !== undefined) {
        throw new NetraError('USAGE', '--out names one file; with --all use --out-dir', { exitCode: 2 });
      }
      const scenarios = options.all
        ? loadScenarios(options.scenarios)
        : [loadScenario(scenarioFile(options.scenario as string, options.scenarios))];
      const target = options.url !== undefined ? externalTarget(options.url, options.authUrl) : undefined;
      const results: RecordResult[] = [];
      const print = (r: RecordResult): void => {
        process.stdout.write(
          `recorded ${r.scenario} -> ${r.file} (${r.lines} lines, ${r.connections} connections, ${r.runs} runs, ${r.frames} server frames)\n`,
        );
      };
      if (options.out !== undefined) {
        if (target) {
          results.push(await recordScenario(scenarios[0], target, options.out));
        } else {
          const { stack, target: embedded } = await startRecordingStack();
          try {
            results.push(await recordScenario(scenarios[0], embedded, options.out));
          } finally {
            await stack.close();
          }
        }
        print(results[0]);
      } else {
        results.push(...(await recordAll(scenarios, options.outDir, { target, onResult: print })));
      }
      if (!options.verify) return;
      const report = await verifySessions(
        results.map((r) => r.file),
        { profile: options.profile },
      );
      if (!report.ok) {
        process.stdout.write(formatText(report));
        process.exitCode = 1;
      } else {
        process.stdout.write(`verified ${results.length} session(s): every rule holds\n`);
      }
    });
}
