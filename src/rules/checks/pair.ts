import { at, describeEvent, type CheckContext, type CheckKind, type FrameInfo, type RunState } from '../model';

interface PairParams {
  open_type: string;
  close_type: string;
  key_field: string;
}

interface PairState {
  opened: Map<string, FrameInfo>;
  closed: Map<string, FrameInfo>;
}

/** Follows the open/close halves of each key (tool_call_id) of a run, over first sightings. */
function pairTracker(params: PairParams, ctx: CheckContext) {
  const init = (): PairState => ({ opened: new Map(), closed: new Map() });
  const stateOf = (run: RunState): PairState => ctx.runState(run, init);
  const keyOf = (f: FrameInfo): string | undefined => {
    const key = f.msg?.[params.key_field];
    return typeof key === 'string' ? key : undefined;
  };
  return { stateOf, keyOf };
}

/**
 * True when some seq strictly between `from` and `to` never reached anyone: the missing half of a pair may be in
 * it, and that gap is seq.*'s finding, not a pairing fault.
 */
function unseenBetween(run: RunState, from: number | undefined, to: number | undefined): boolean {
  if (from === undefined || to === undefined) return false;
  for (let seq = from + 1; seq < to; seq++) if (!run.anyBySeq.has(seq)) return true;
  return false;
}

/** pair.*: each open (tool_executing) has exactly one close (tool_completed) with its key, after it, before the end. */
export const pairChecks: CheckKind[] = [
  {
    kind: 'pair_closed_before_terminal',
    family: 'pair',
    vars: ['tool_call_id'],
    create(ctx) {
      const { params, report } = ctx;
      const p = params as PairParams;
      const { stateOf, keyOf } = pairTracker(p, ctx);
      return {
        runEventFirst(f, run) {
          const key = keyOf(f);
          if (key === undefined) return;
          const state = stateOf(run);
          if (f.type === p.open_type && !state.opened.has(key)) state.opened.set(key, f);
          else if (f.type === p.close_type && !state.closed.has(key)) state.closed.set(key, f);
        },
        // Judged when the run is over, so that a replay arriving out of order cannot mislead it. A run with no
        // terminal at all is protocol.run-ends' finding.
        runFinalize(run) {
          const terminal = run.terminal;
          if (!terminal) return;
          const state = stateOf(run);
          for (const [key, open] of state.opened) {
            if (state.closed.has(key) || unseenBetween(run, open.seq, terminal.seq)) continue;
            const name = typeof open.msg?.tool_name === 'string' ? ` (${open.msg.tool_name})` : '';
            report(at(open, run), {
              tool_call_id: key,
              expected: `${p.close_type} for ${key}${name} opened at line ${open.line ?? '?'}`,
              actual: `${describeEvent(terminal)} with ${key} still open`,
            });
          }
        },
      };
    },
  },
  {
    kind: 'pair_no_orphan',
    family: 'pair',
    vars: ['tool_call_id'],
    create(ctx) {
      const { params, report } = ctx;
      const p = params as PairParams;
      const { stateOf, keyOf } = pairTracker(p, ctx);
      const early = new WeakMap<RunState, Map<string, FrameInfo>>();
      const orphan = (close: FrameInfo, run: RunState, key: string, why: string): void =>
        report(at(close, run), {
          tool_call_id: key,
          expected: `a ${p.open_type} with ${p.key_field} ${key} before it`,
          actual: `${describeEvent(close)} ${why}`,
        });
      return {
        runEventFirst(f, run) {
          const key = keyOf(f);
          if (key === undefined) return;
          const state = stateOf(run);
          if (f.type === p.open_type) {
            if (!state.opened.has(key)) state.opened.set(key, f);
            const waiting = early.get(run)?.get(key);
            if (waiting) {
              early.get(run)!.delete(key);
              // Arrived out of order (a replay after a live event) is fine; a close with a lower seq is not.
              if (waiting.seq !== undefined && f.seq !== undefined && waiting.seq < f.seq) {
                orphan(waiting, run, key, `came before its ${p.open_type} (seq ${f.seq})`);
              }
            }
          } else if (f.type === p.close_type && !state.opened.has(key) && !state.closed.has(key)) {
            state.closed.set(key, f);
            let waiting = early.get(run);
            if (!waiting) early.set(run, (waiting = new Map()));
            waiting.set(key, f);
          }
        },
        runFinalize(run) {
          for (const [key, close] of early.get(run) ?? []) {
            if (!unseenBetween(run, 0, close.seq)) orphan(close, run, key, 'closes a call that was never opened');
          }
        },
      };
    },
  },
  {
    kind: 'pair_no_duplicate',
    family: 'pair',
    vars: ['tool_call_id', 'first_line'],
    create(ctx) {
      const { params, report } = ctx;
      const p = params as PairParams;
      const { stateOf, keyOf } = pairTracker(p, ctx);
      return {
        runEventFirst(f, run) {
          const key = keyOf(f);
          if (key === undefined) return;
          const state = stateOf(run);
          const seen = f.type === p.open_type ? state.opened : f.type === p.close_type ? state.closed : undefined;
          if (!seen) return;
          const previous = seen.get(key);
          if (previous) {
            report(at(f, run), {
              tool_call_id: key,
              first_line: previous.line,
              expected: `one ${f.type} for ${key}`,
              actual: `a second one`,
            });
          } else {
            seen.set(key, f);
          }
        },
      };
    },
  },
];
