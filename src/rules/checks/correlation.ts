import { loadProtocol } from '../../protocol';
import { at, type CheckKind, type FrameInfo } from '../model';

/** correlation.*: the ids that tie messages together agree. */
export const correlationChecks: CheckKind[] = [
  {
    kind: 'constant_fields',
    family: 'correlation',
    vars: ['field'],
    create({ params, report, runState }) {
      const fields: string[] = params.fields;
      const init = (): Record<string, unknown> => ({});
      return {
        runEventFirst(f, run) {
          const msg = f.msg as Record<string, unknown>;
          const ref = runState(run, init);
          for (const field of fields) {
            const value = msg[field];
            if (value === undefined) continue;
            if (!(field in ref)) ref[field] = value;
            else if (ref[field] !== value) report(at(f, run), { field, expected: ref[field], actual: value });
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
        runEventFirst(f, run) {
          if (f.type !== params.event_type) return;
          const requestId = f.msg?.request_id;
          if (run.start && run.start.requestId === requestId) return;
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
    create({ params, report, runState }) {
      const init = (): Map<string, FrameInfo> => new Map();
      return {
        runEventFirst(f, run) {
          const key = f.msg?.[params.key_field];
          if (typeof key !== 'string') return;
          const map = runState(run, init);
          if (f.type === params.open_type) {
            if (!map.has(key)) map.set(key, f);
            return;
          }
          if (f.type !== params.close_type) return;
          const open = map.get(key);
          if (!open) return;
          for (const field of params.fields as string[]) {
            const expected = open.msg?.[field];
            const actual = f.msg?.[field];
            if (expected !== undefined && actual !== undefined && expected !== actual) {
              report(at(f, run), { field, tool_call_id: key, expected, actual });
            }
          }
        },
      };
    },
  },
];
