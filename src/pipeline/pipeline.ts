import { pipelineContext, type PipelineOptions } from './context';
import { buildDocs } from './docs-stage';
import { recordScenarios, replayCommitted, shortLoad, startTarget, verifyRecordings } from './live-stages';
import { runStages, type StageOutcome, type StagePlan } from './stages';
import { checkGenerated, checkSchemaRegistry } from './static-checks';

/**
 * The main job, end to end: generated code and registry checked (together), the target started (the embedded
 * reference provider unless a target is named), every scenario recorded while the committed sessions are replayed
 * (together), the recordings verified, a short load while the docs site is written (together). Every stage runs even
 * after another failed, unless it needs it; the outcomes come back in this order.
 *
 * @example
 * const outcomes = await runPipeline({ spec: 'asyncapi.yaml', out: 'reports/pipeline', profile: 'ci', loadUsers: 10, loadDuration: 6 });
 * outcomes.every((o) => o.ok);
 */
export async function runPipeline(
  opts: PipelineOptions,
  onDone: (outcome: StageOutcome) => void = () => undefined,
): Promise<StageOutcome[]> {
  const ctx = pipelineContext(opts);
  const live = ['start target'];
  const plan: StagePlan = [
    [
      { name: 'generate --check', run: () => checkGenerated(ctx) },
      { name: 'registry check', run: () => checkSchemaRegistry(ctx) },
    ],
    { name: 'start target', run: () => startTarget(ctx) },
    [
      { name: 'record scenarios', needs: live, run: () => recordScenarios(ctx) },
      { name: 'replay committed sessions', needs: live, run: () => replayCommitted(ctx) },
    ],
    { name: 'verify recordings', needs: ['record scenarios'], run: () => verifyRecordings(ctx) },
    [
      { name: 'load', needs: live, run: () => shortLoad(ctx) },
      { name: 'docs', run: () => buildDocs(ctx) },
    ],
  ];
  try {
    return await runStages(plan, onDone);
  } finally {
    await ctx.opened?.close();
  }
}
