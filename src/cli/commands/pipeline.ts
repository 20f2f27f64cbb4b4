import type { Command } from 'commander';
import { formatSummary, runPipeline, type PipelineOptions, type StageOutcome } from '../../pipeline';
import { NetraError } from '../../util/errors';
import { integer } from '../options';

interface PipelineFlags extends PipelineOptions {
  json: boolean;
}

/**
 * `netra-contracts pipeline`: the main job, end to end (on the embedded reference provider unless a target is named).
 * Exit 1 when any stage failed.
 */
export function register(program: Command): void {
  program
    .command('pipeline')
    .description('The main job: generate+check, registry, target, record+verify, replay, load, docs.')
    .option('--spec <file>', 'AsyncAPI document', 'asyncapi.yaml')
    .option('--out <dir>', 'where recorded sessions, reports and the docs site go', 'reports/pipeline')
    .option('--profile <name>', 'timing profile for verify, replay and load', 'ci')
    .option('--load-users <n>', 'users of the short load stage (0 skips it)', integer('--load-users', 0, 10_000), 10)
    .option('--load-duration <s>', 'seconds of the short load stage', integer('--load-duration', 1, 3600), 6)
    .option('--target <name>', "a target of the targets file ('reference': the embedded reference provider)")
    .option('--targets <file>', 'targets file (default: netra-contracts.targets.yaml)')
    .option('--url <ws-url>', 'a loopback provider with development tokens (shorthand target)')
    .option('--auth-url <http-url>', 'its auth service (default: port 8001 of the --url host)')
    .option('--json', 'print the stage outcomes as JSON', false)
    .action(async (flags: PipelineFlags) => {
      const progress = (o: StageOutcome): void => {
        if (!flags.json) process.stderr.write(`${o.ok ? 'ok  ' : 'FAIL'}  ${o.name}: ${o.detail}\n`);
      };
      const outcomes = await runPipeline(flags, progress);
      const ok = outcomes.every((o) => o.ok);
      if (flags.json) process.stdout.write(`${JSON.stringify({ ok, stages: outcomes })}\n`);
      else process.stdout.write(`\n${formatSummary(outcomes)}\n`);
      if (!ok) {
        const failed = outcomes.filter((o) => !o.ok).map((o) => o.name);
        throw new NetraError('PIPELINE_FAILED', `${failed.join(', ')} failed`, { exitCode: 1 });
      }
    });
}
