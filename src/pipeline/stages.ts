import { NetraError } from '../util/errors';

/** One stage of the main job: a name, and a function that returns a one-line result or throws. */
export interface Stage {
  name: string;
  run: () => Promise<string>;
}

export interface StageOutcome {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/**
 * Runs stages in order and keeps going after a failed one (a summary that shows every broken stage is worth more
 * than one that stops at the first), except where a later stage cannot run without an earlier one: a stage listed in
 * `needs` is skipped when a stage it needs failed.
 *
 * @example
 * const outcomes = await runStages([{ name: 'generate', run: async () => 'ok' }], (o) => console.log(o.name));
 */
export async function runStages(
  stages: (Stage & { needs?: string[] })[],
  onDone: (outcome: StageOutcome) => void,
): Promise<StageOutcome[]> {
  const outcomes: StageOutcome[] = [];
  for (const stage of stages) {
    const blocker = (stage.needs ?? []).find((n) => outcomes.some((o) => o.name === n && !o.ok));
    const started = Date.now();
    let outcome: StageOutcome;
    if (blocker !== undefined) {
      outcome = { name: stage.name, ok: false, detail: `skipped: '${blocker}' failed`, ms: 0 };
    } else {
      try {
        outcome = { name: stage.name, ok: true, detail: await stage.run(), ms: Date.now() - started };
      } catch (err) {
        const detail = err instanceof NetraError ? `${err.code}: ${err.message}` : String(err);
        outcome = { name: stage.name, ok: false, detail: detail.split('\n')[0], ms: Date.now() - started };
      }
    }
    outcomes.push(outcome);
    onDone(outcome);
  }
  return outcomes;
}

/** The summary table the main job prints last. */
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
