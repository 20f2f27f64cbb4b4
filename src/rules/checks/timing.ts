import { at, describeEvent } from '../check-helpers';
import type { CheckKind } from '../check-kind';

/** timing.*: limits from the selected profile, on the recording client's clock. */
export const timingChecks: CheckKind[] = [
  {
    kind: 'first_event_within',
    family: 'timing',
    vars: ['limit_ms', 'elapsed_ms'],
    create({ params, report }) {
      const limit: number = params.limit_ms;
      return {
        runEventFirst(f, run) {
          if (!f.runFirst || f.resumed || !run.start) return;
          const elapsed = f.t - run.start.t;
          if (elapsed > limit) {
            report(at(f, run), {
              limit_ms: limit,
              elapsed_ms: round(elapsed),
              expected: `within ${limit} ms`,
              actual: describeEvent(f),
            });
          }
        },
      };
    },
  },
  {
    kind: 'terminal_within',
    family: 'timing',
    vars: ['limit_ms', 'elapsed_ms'],
    create({ params, protocol, report }) {
      const limit: number = params.limit_ms;
      return {
        types: { runEventFirst: [...protocol.terminalTypes] },
        runEventFirst(f, run) {
          if (run.terminal) return;
          const since = run.start?.t ?? run.firstOwner?.t;
          if (since === undefined) return;
          const elapsed = f.t - since;
          if (elapsed > limit) {
            report(at(f, run), {
              limit_ms: limit,
              elapsed_ms: round(elapsed),
              expected: `within ${limit} ms`,
              actual: describeEvent(f),
            });
          }
        },
      };
    },
  },
  {
    kind: 'max_silence',
    family: 'timing',
    vars: ['limit_ms', 'elapsed_ms'],
    create({ params, report }) {
      const limit: number = params.limit_ms;
      return {
        runEventFirst(f, run) {
          const previous = run.lastFirstT;
          if (previous === undefined || run.terminal) return;
          const elapsed = f.t - previous;
          if (elapsed <= limit) return;
          // Only a connection that was there at the previous event can tell silence from absence.
          if ((f.conn.establishedT ?? Infinity) > previous) return;
          report(at(f, run), {
            limit_ms: limit,
            elapsed_ms: round(elapsed),
            expected: `within ${limit} ms`,
            actual: describeEvent(f),
          });
        },
      };
    },
  },
];

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
