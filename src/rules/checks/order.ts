import { at, describeEvent } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import type { FrameInfo } from '../model';

/** order.*: the run lifecycle, read in seq order over the first sighting of each event. */
export const orderChecks: CheckKind[] = [
  {
    kind: 'first_event_type',
    family: 'order',
    vars: [],
    create({ params, report }) {
      const startType: string = params.type;
      return {
        runEventFirst(f, run) {
          if (f.type === startType) {
            // agent_started after an event with a lower seq (or, without seqs, after any event) is misplaced.
            const before =
              f.seq !== undefined && run.minSeq !== undefined && run.minSeq < f.seq
                ? run.bySeq.get(run.minSeq)
                : undefined;
            if (before || (f.seq === undefined && run.events > 0)) {
              report(at(f, run), {
                expected: startType,
                actual: `${describeEvent(f)} after ${describeEvent(before ?? run.firstOwner)}`,
              });
            }
            return;
          }
          if (f.runFirst && !f.resumed && (f.seq === 1 || run.startExpected)) {
            report(at(f, run), { expected: startType, actual: describeEvent(f) });
          }
        },
      };
    },
  },
  {
    kind: 'single_terminal',
    family: 'order',
    vars: [],
    create({ protocol, report }) {
      return {
        types: { runEventFirst: [...protocol.terminalTypes] },
        runEventFirst(f, run) {
          if (run.terminal) report(at(f, run), { expected: describeEvent(run.terminal), actual: describeEvent(f) });
        },
        lateRunEvent(f, run) {
          if (f.first && run.end && protocol.terminalTypes.has(f.type as string)) {
            report(at(f, run), { expected: describeEvent(run.end), actual: describeEvent(f) });
          }
        },
      };
    },
  },
  {
    kind: 'nothing_after_terminal',
    family: 'order',
    vars: [],
    create({ protocol, report }) {
      return {
        runEventFirst(f, run) {
          const terminal = run.terminal;
          if (!terminal || protocol.terminalTypes.has(f.type as string)) return;
          // By seq when both have one: a replayed earlier event arriving after the terminal is fine.
          const after = f.seq !== undefined && terminal.seq !== undefined ? f.seq > terminal.seq : true;
          if (after) report(at(f, run), { expected: describeEvent(terminal), actual: describeEvent(f) });
        },
        // A new event (a seq past the run's last) for a run already finalised after its terminal.
        lateRunEvent(f, run) {
          if (f.first && run.end && !protocol.terminalTypes.has(f.type as string)) {
            report(at(f, run), { expected: describeEvent(run.end), actual: describeEvent(f) });
          }
        },
      };
    },
  },
  {
    kind: 'allowed_transitions',
    family: 'order',
    vars: ['previous'],
    validateParams(params) {
      const transitions: Record<string, string[]> = params.transitions;
      const states = new Set(Object.keys(transitions));
      if (!states.has(params.start)) return `start "${params.start}" is not a state of transitions`;
      for (const terminal of params.terminals as string[]) {
        if (!states.has(terminal)) return `terminal "${terminal}" is not a state of transitions`;
        if (transitions[terminal].length) return `terminal "${terminal}" must have no outgoing transitions`;
      }
      for (const [from, targets] of Object.entries(transitions)) {
        for (const to of targets) if (!states.has(to)) return `transition ${from} -> ${to}: "${to}" is not a state`;
      }
      return undefined;
    },
    create({ params, report, typeId }) {
      const start: string = params.start;
      const terminals = new Set<string>(params.terminals);
      const transitions = params.transitions as Record<string, string[]>;
      const allowed = new Map<string, Set<string>>(
        Object.entries(transitions).map(([from, to]) => [from, new Set(to)]),
      );
      // What may not follow each state, worked out once, by type id (a frame carries its type's id: no lookup by
      // name per event). Entering the start state is order.first-event-is-started's, leaving a terminal
      // order.nothing-after-terminal's; types outside the lifecycle are not judged.
      const forbidden: boolean[][] = [];
      for (const [from, to] of allowed) {
        if (terminals.has(from)) continue;
        const row: boolean[] = (forbidden[typeId(from)] = []);
        for (const type of allowed.keys()) if (type !== start && !to.has(type)) row[typeId(type)] = true;
      }
      const breaks = (from: FrameInfo, to: FrameInfo): boolean => forbidden[from.typeId]?.[to.typeId] === true;
      return {
        types: { runEventFirst: [...allowed.keys()] },
        runEventFirst(f, run) {
          if (f.seq === undefined) return;
          const prev = run.bySeq.get(f.seq - 1);
          if (prev && breaks(prev, f)) {
            report(at(f, run), {
              previous: describeEvent(prev),
              expected: [...allowed.get(prev.type as string)!],
              actual: describeEvent(f),
            });
          }
          const next = run.bySeq.get(f.seq + 1);
          if (next && breaks(f, next)) {
            report(at(next, run), {
              previous: describeEvent(f),
              expected: [...allowed.get(f.type as string)!],
              actual: describeEvent(next),
            });
          }
        },
      };
    },
  },
];
