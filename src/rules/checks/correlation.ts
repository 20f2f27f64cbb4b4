import { loadProtocol } from '../../protocol';
import { at } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import { pairLedger, type PairParams } from './pair-ledger';

/** correlation.*: the ids that tie messages together agree. */
export const correlationChecks: CheckKind[] = [
  {
    kind: 'constant_fields',
    family: 'correlation',
    vars: ['field'],
    create({ params, report, runState }) {
      const fields: string[] = params.fields;
      // The first value of each field, by the field's index (undefined until an event carries it).
      const init = (): unknown[] => new Array(fields.length);
      return {
        runEventFirst(f, run) {
          const msg = f.msg as Record<string, unknown>;
          const ref = runState(run, init);
          for (let i = 0; i < fields.length; i++) {
            const value = msg[fields[i]];
            if (value === undefined) continue;
            const expected = ref[i];
            if (expected === undefined) ref[i] = value;
            else if (expected !== value) report(at(f, run), { field: fields[i], expected, actual: value });
          }
        },
      };
    },
  },
  {
    kind: 'request_id_matches_start',
    family: 'correlation',
    vars: [],
    validateParams(params) {
      const start = loadProtocol().startType;
      return params.event_type === start
        ? undefined
        : `event_type must be ${start} (the engine links runs to starts by it)`;
    },
    create({ params, report }) {
      return {
        types: { runEventFirst: [params.event_type] },
        runEventFirst(f, run) {
          const requestId = f.msg?.request_id;
          if (run.start && run.start.requestId === requestId) return;
          // The request_id of a refused start_agent is protocol.refused-start-starts-nothing's finding.
          if (typeof requestId === 'string' && run.user.refusals.has(requestId)) return;
          const expected = run.start
            ? `${run.start.requestId} (the ${params.request_type} at line ${run.start.line ?? '?'})`
            : `the request_id of a ${params.request_type} sent by ${run.owner} and not yet answered`;
          report(at(f, run), { expected, actual: requestId === undefined ? 'none' : requestId });
        },
      };
    },
  },
  {
    kind: 'pair_fields_match',
    family: 'correlation',
    vars: ['field', 'tool_call_id'],
    create(ctx) {
      const fields: string[] = ctx.params.fields;
      const ledger = pairLedger(ctx, ctx.params as PairParams, fields);
      return {
        types: ledger.types,
        runEventFirst(f, run) {
          const s = ledger.observe(f, run);
          const open = s && !s.isOpen ? s.openFieldsBefore : undefined;
          if (!s || !open) return;
          for (const field of fields) {
            const expected = open[field];
            const actual = f.msg?.[field];
            if (expected !== undefined && actual !== undefined && expected !== actual) {
              ctx.report(at(f, run), { field, tool_call_id: s.key, expected, actual });
            }
          }
        },
      };
    },
  },
];
