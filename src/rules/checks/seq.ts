import { at, compact, describeEvent } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import type { ConnState } from '../model';

/** seq.*: per connection, a run's events come 1, 2, 3, ... with no gap, no repeat, and resume continues exactly. */
export const seqChecks: CheckKind[] = [
  {
    kind: 'seq_starts_at',
    family: 'seq',
    vars: [],
    create({ params, report }) {
      return {
        types: { runEventFirst: [params.type] },
        runEventFirst(f, run) {
          if (f.seq !== undefined && f.seq !== params.value) {
            report(at(f, run), { expected: params.value, actual: f.seq });
          }
        },
      };
    },
  },
  {
    kind: 'seq_contiguous',
    family: 'seq',
    vars: ['missing'],
    create({ report }) {
      return {
        runEvent(f, run) {
          if (f.seqStatus !== 'gap') return;
          const from = f.seqExpected as number;
          const to = (f.seq as number) - 1;
          report(at(f, run), {
            expected: from,
            actual: f.seq,
            missing: from === to ? `seq ${from}` : `seq ${from}-${to}`,
          });
        },
      };
    },
  },
  {
    kind: 'seq_no_repeat',
    family: 'seq',
    vars: ['first_line'],
    create({ report }) {
      return {
        runEvent(f, run) {
          if (f.seqStatus !== 'repeat') return;
          report(at(f, run), { expected: f.seqExpected ?? 'a new seq', actual: f.seq, first_line: f.seqFirstLine });
        },
        // A copy of a settled run's event on a connection that held the whole run then (its first line is gone).
        lateRunEvent(f, run) {
          if (f.seqStatus === 'repeat') report(at(f, run), { expected: 'a new seq', actual: f.seq });
        },
      };
    },
  },
  {
    kind: 'seq_resume_continues',
    family: 'seq',
    vars: ['last_seq'],
    create({ report }) {
      return {
        runEvent(f, run) {
          if (f.seqStatus !== 'claimed') return;
          report(at(f, run), {
            last_seq: f.seqResumeFrom,
            expected: `seq ${(f.seqResumeFrom as number) + 1} onwards`,
            actual: `${describeEvent(f)}, which the client already had`,
          });
        },
        seqHoles(rc, holes) {
          if (diedInFlight(rc.conn)) return;
          for (const hole of holes) {
            const missing = [...hole.missing].sort((a, b) => a - b);
            report(at(hole.at, rc.run), {
              last_seq: hole.resumeFrom,
              expected: `seq ${hole.from} next`,
              actual: `${describeEvent(hole.at)}, seq ${compact(missing)} never sent`,
            });
          }
        },
      };
    },
  },
];

// Close code of a connection that died without a closing handshake (reset, proxy drop).
const ABNORMAL_CLOSE = 1006;

/**
 * A replay hole still open when the connection died abnormally or the server closed it is not proof the events were
 * never sent: they were in flight, behind the live events that overtook them, and were lost with the socket. A hole
 * on a connection that stayed open, or that the client closed normally, is.
 */
function diedInFlight(conn: ConnState): boolean {
  return conn.closed && (conn.closeCode === ABNORMAL_CLOSE || conn.closeBy === 'server');
}
