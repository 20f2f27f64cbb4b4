import * as path from 'node:path';
import type { OpenedTarget, TargetFlags } from './embedded';

/** Options of the main job (`netra-contracts pipeline`). */
export interface PipelineOptions extends TargetFlags {
  /** The AsyncAPI document. Default `asyncapi.yaml`. */
  spec: string;
  /** Where recorded sessions, reports and the docs site go. */
  out: string;
  /** Timing profile of verify, replay and load. */
  profile: string;
  /** Users of the short load stage; 0 skips it. */
  loadUsers: number;
  /** Seconds of the short load stage. */
  loadDuration: number;
}

/** What the stages share while the job runs. */
export interface PipelineContext {
  readonly opts: PipelineOptions;
  readonly recordedDir: string;
  /** The provider the live stages talk to, once `start target` has run. */
  opened?: OpenedTarget;
}

/**
 * The shared state of one run of the main job.
 *
 * @example
 * const ctx = pipelineContext({ spec: 'asyncapi.yaml', out: 'reports/pipeline', profile: 'ci', loadUsers: 10, loadDuration: 6 });
 */
export function pipelineContext(opts: PipelineOptions): PipelineContext {
  return { opts, recordedDir: path.join(opts.out, 'sessions') };
}

/** The opened target; the stages that call this `need` the `start target` stage. */
export function openedTarget(ctx: PipelineContext): OpenedTarget {
  if (ctx.opened === undefined) throw new Error('the target is not open');
  return ctx.opened;
}
