import type { LiveSession } from '../client';
import type { Scenario } from '../scenarios';
import type { Target } from '../targets/types';

/** Everything the steps of one scenario run share. */
export interface RunContext {
  scenario: Scenario;
  target: Target;
  live: LiveSession;
  /** The URLs connections use (the target's, or chaos proxies in front of them). */
  urls: string[];
  /** CA certificates for `wss://` targets with a private CA. */
  ca?: Buffer;
  /** No wait gives up sooner than this (conformance: the timing profile's limit on a run, so a slow provider is
   * judged by the timing rules, not by a scenario's patience). */
  minWaitMs: number;
}

/** `step 4 (line 17) wait_for`: how messages name a step. */
export function describeStep(step: { index: number; line: number; action: string }): string {
  return `step ${step.index + 1} (line ${step.line}) ${step.action}`;
}
