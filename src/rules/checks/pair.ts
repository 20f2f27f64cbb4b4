import { at, describeEvent } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import { firstSeen, type FrameInfo, type RunState } from '../model';
import { pairLedger, type PairParams } from './pair-ledger';

/**
 * True when some seq strictly between `from` and `to` never reached anyone: the missing half of a pair may be in
 * it, and that gap is seq.*'s finding, not a pairing fault.
 */
function unseenBetween(run: RunState, from: number | undefined, to: number | undefined): boolean {
  if (from === undefined || to === undefined) return false;
  for (let seq = from + 1; seq < to; seq++) if (firstSeen(run, seq) === undefined) return true;
  return false;
}

/** pair.*: each open (tool_executing) has exactly one close (tool_completed) with its key, after it, before the end. */
export const pairChecks: CheckKind[] = [
  {
    kind: 'pair_closed_before_terminal',
    family: 'pair',
    vars: ['tool_call_id'],
    create(ctx) {
      const p = ctx.params as PairParams;
      const ledger = pairLedger(ctx, p, ['tool_name']);
      return {
        types: ledger.types,
        runEventFirst: ledger.observe,
        // Judged when the run is over, so that a replay arriving out of order cannot mislead it. A run with no
        // terminal at all is protocol.run-ends' finding.
        runFinalize(run) {
          const terminal = run.terminal;
          if (!terminal) return;
          for (const { key, open, openFields, close } of ledger.entries(run)) {
            if (!open || close || unseenBetween(run, open.seq, terminal.seq)) continue;
            const name = typeof openFields?.tool_name === 'string' ? ` (${openFields.tool_name})` : '';
            ctx.report(at(open, run), {
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
      const p = ctx.params as PairParams;
      const ledger = pairLedger(ctx, p, []);
      const orphan = (close: FrameInfo, run: RunState, key: string, why: string): void =>
        ctx.report(at(close, run), {
          tool_call_id: key,
          expected: `a ${p.open_type} with ${p.key_field} ${key} before it`,
          actual: `${describeEvent(close)} ${why}`,
        });
      return {
        types: ledger.types,
        runEventFirst(f, run) {
          const s = ledger.observe(f, run);
          // The first open of a key whose close came first: arrived out of order (a replay after a live event) is
          // fine; a close with a lower seq is not.
          if (!s || !s.isOpen || s.openBefore || !s.closeBefore) return;
          const close = s.closeBefore;
          if (close.seq !== undefined && f.seq !== undefined && close.seq < f.seq) {
            orphan(close, run, s.key, `came before its ${p.open_type} (seq ${f.seq})`);
          }
        },
        runFinalize(run) {
          for (const { key, open, close } of ledger.entries(run)) {
            if (close && !open && !unseenBetween(run, 0, close.seq)) {
              orphan(close, run, key, 'closes a call that was never opened');
            }
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
      const ledger = pairLedger(ctx, ctx.params as PairParams, []);
      return {
        types: ledger.types,
        runEventFirst(f, run) {
          const s = ledger.observe(f, run);
          const previous = s && (s.isOpen ? s.openBefore : s.closeBefore);
          if (!s || !previous) return;
          ctx.report(at(f, run), {
            tool_call_id: s.key,
            first_line: previous.line,
            expected: `one ${f.type} for ${s.key}`,
            actual: `a second one`,
          });
        },
      };
    },
  },
];
