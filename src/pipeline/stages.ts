import { NetraError } from '../util/errors';

/** One stage of the main job: a name, and a function that returns a one-line result or throws. */
export interface Stage {
  name: string;
  run: () => Promise<string>;
  /** Stages that must have passed; when one failed, this one is skipped. */
  needs?: string[];
}

/** Stages listed together in an array run at the same time; the outcomes keep the listed order. */
export type StagePlan = (Stage | Stage[])[];

export interface StageOutcome {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

async function runOne(stage: Stage, done: readonly StageOutcome[]): Promise<StageOutcome> {
  const blocker = (stage.needs ?? []).find((n) => done.some((o) => o.name === n && !o.ok));
  if (blocker !== undefined) return { name: stage.name, ok: false, detail: `skipped: '${blocker}' failed`, ms: 0 };
  const started = Date.now();
  try {
    return { name: stage.name, ok: true, detail: await stage.run(), ms: Date.now() - started };
  } catch (err) {
    const detail = err instanceof NetraError ? `${err.code}: ${err.message}` : String(err);
    return { name: stage.name, ok: false, detail: detail.split('\n')[0], ms: Date.now() - started };
  }
}

/**
 * Runs the plan in order, a group of stages at the same time, and keeps going after a failed stage (a summary that
 * shows every broken stage is worth more than one that stops at the first), except where a stage `needs` one that
 * failed: that one is skipped.
 *
 * @example
 * const outcomes = await runStages([{ name: 'generate', run: async () => 'ok' }], (o) => console.log(o.name));
 */
export async function runStages(plan: StagePlan, onDone: (outcome: StageOutcome) => void): Promise<StageOutcome[]> {
  const outcomes: StageOutcome[] = [];
  for (const step of plan) {
    const group = Array.isArray(step) ? step : [step];
    const before = [...outcomes];
    const results = await Promise.all(
      group.map(async (stage) => {
        const outcome = await runOne(stage, before);
        onDone(outcome);
        return outcome;
      }),
    );
    outcomes.push(...results);
  }
  return outcomes;
}

/**
 * The summary table the main job prints last.
 *
 * @example
 * formatSummary([{ name: 'docs', ok: true, detail: 'written', ms: 700 }]); // 'ok    docs    0.7 s  written\n...'
 */
export function formatSummary(outcomes: StageOutcome[]): string {
  const width = Math.max(...outcomes.map((o) => o.name.length));
  const lines = outcomes.map(
    (o) =>
      `${o.ok ? 'ok  ' : 'FAIL'}  ${o.name.padEnd(width)}  ${`${(o.ms / 1000).toFixed(1)} s`.padStart(7)}  ${o.detail}`,
  );
  const failed = outcomes.filter((o) => !o.ok).length;
  lines.push(failed === 0 ? `all ${outcomes.length} stages passed` : `${failed} of ${outcomes.length} stages failed`);
  return lines.join('\n');
}
