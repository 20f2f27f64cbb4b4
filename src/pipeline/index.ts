/** The main job as named stages, and the embedded reference provider handed to the live tools as a target. */
export { runPipeline } from './pipeline';
export type { PipelineOptions } from './context';
export { formatSummary, runStages } from './stages';
export type { Stage, StageOutcome, StagePlan } from './stages';
export { generateAll } from './generate-all';
export {
  openTarget,
  PIPELINE_PROVIDER_OPTIONS,
  RECORDING_PROVIDER_OPTIONS,
  REFERENCE_PROVIDER,
  startEmbeddedTarget,
} from './embedded';
export type { EmbeddedTarget, OpenedTarget, TargetFlags } from './embedded';
