import { at } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import { serverMs } from '../model';

/** protocol.refused-start-starts-nothing: a start_agent the server refused (an error_message with its request_id) starts no run. */
export const startChecks: CheckKind[] = [
  {
    kind: 'refused_start_starts_nothing',
    family: 'protocol',
    vars: ['request_id'],
    create({ protocol, report }) {
      return {
        types: { runEventFirst: [protocol.startType] },
        runEventFirst(f, run) {
          const requestId = f.msg?.request_id;
          // A run answering a start_agent still waiting (the refused request_id sent again) is that start's.
          if (typeof requestId !== 'string' || run.start?.requestId === requestId) return;
          const refusal = run.user.refusals.get(requestId);
          if (refusal === undefined) return;
          // A refusal that names the run the request already started (DUPLICATE_REQUEST) is about that run; a run the
          // server started before the refusal (its first event stamped earlier) is not the refused frame's doing.
          if (refusal.msg?.run_id === run.id || !(serverMs(f) >= serverMs(refusal))) return;
          report(at(f, run), {
            request_id: requestId,
            expected: `no run for ${requestId}, refused at line ${refusal.line ?? '?'} (${String(refusal.msg?.error_code)})`,
            actual: `run ${run.id} started by it`,
          });
        },
      };
    },
  },
];
