import { at, compact, describeEvent } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import {
  ESTABLISHED_TYPE,
  firstSeen,
  seenCount,
  seenSeqs,
  serverMs,
  viewOf,
  type ConnState,
  type FrameInfo,
  type RunState,
} from '../model';

// Close code of a connection that died without a closing handshake (reset, proxy drop).
const ABNORMAL_CLOSE = 1006;

interface FanoutWindow {
  joinGrace: number;
  closeGrace: number;
  excused: ReadonlySet<number>;
}

/** isolation.*: a connection carries its user's runs and nothing else; every connection of the user gets them. */
export const isolationChecks: CheckKind[] = [
  {
    kind: 'event_user_matches_connection',
    family: 'isolation',
    vars: [],
    create({ params, report, connState }) {
      const field: string = params.field;
      // One finding per connection and run: a server that routes by the wrong id gets it wrong on every event.
      const init = (): Set<string> => new Set();
      const check = (f: FrameInfo, expected: string | null, runId?: string): void => {
        const actual = f.msg?.[field];
        if (expected === null || actual === undefined || actual === expected) return;
        if (runId !== undefined) {
          const runs = connState(f.conn, init);
          if (runs.has(runId)) return;
          runs.add(runId);
        }
        report(at(f, runId), { expected, actual });
      };
      return {
        types: { serverFrame: [ESTABLISHED_TYPE] },
        serverFrame(f) {
          check(f, f.conn.headerUser);
        },
        runEvent(f, run) {
          check(f, f.conn.user, run.id);
        },
        lateRunEvent(f) {
          check(f, f.conn.user, f.msg?.run_id);
        },
      };
    },
  },
  {
    kind: 'no_foreign_run_events',
    family: 'isolation',
    vars: [],
    create({ report }) {
      return {
        foreignRunEvent(f, run) {
          report(at(f, run), { expected: f.conn.user, actual: run.owner });
        },
      };
    },
  },
  {
    kind: 'fanout_to_every_connection',
    family: 'isolation',
    vars: ['missing'],
    create({ params, report }) {
      const window: FanoutWindow = {
        joinGrace: params.join_grace_ms,
        closeGrace: params.close_grace_ms,
        excused: new Set<number>(params.excused_close_codes),
      };
      return {
        runFinalize(run) {
          if (seenCount(run) === 0) return;
          let seqs: number[] | undefined;
          for (const conn of run.user.conns) {
            if (holdsEverything(conn, run)) continue;
            seqs ??= seenSeqs(run);
            const missing = missingOn(conn, run, seqs, window);
            if (missing.length === 0) continue;
            const first = firstSeen(run, missing[0]) as FrameInfo;
            const open = `open ${conn.establishedT}-${conn.closed ? conn.closeT : 'end'} ms`;
            report(
              { ...at(first, run), conn: conn.id, user: conn.user },
              {
                missing: compact(missing),
                expected: `every event of the run emitted while it was open (${open})`,
                actual: `seq ${compact(missing)} missing (first: ${describeEvent(first)} on conn ${first.conn.id})`,
              },
            );
          }
        },
      };
    },
  },
];

/** The common case, answered at once: the connection received every event of the run anyone saw. */
function holdsEverything(conn: ConnState, run: RunState): boolean {
  const rc = viewOf(run, conn);
  return rc !== undefined && rc.haveLine.size >= seenCount(run);
}

/**
 * The seqs of a run a connection should have had and did not: emitted (first seen anywhere) while it was
 * established, outside the grace windows, not excused by a server close, not claimed by a resume, and not inside
 * the span it did receive (a gap there is seq.contiguous's).
 */
function missingOn(conn: ConnState, run: RunState, seqs: number[], window: FanoutWindow): number[] {
  if (conn.refused || conn.establishedT === undefined) return [];
  const rc = viewOf(run, conn);
  const from = conn.establishedT + window.joinGrace;
  const until = conn.closed ? (conn.closeT as number) - window.closeGrace : Infinity;
  // A server close with an excusing code, or an abnormal close (1006: the link broke, frames in flight are lost and
  // the client resumes them elsewhere), owes nothing after the last frame it did receive.
  const abnormal = conn.closed && conn.closeCode === ABNORMAL_CLOSE;
  const excusedAfter =
    (conn.closed && conn.closeBy === 'server' && window.excused.has(conn.closeCode as number)) || abnormal
      ? (conn.lastS2cT ?? conn.establishedT)
      : Infinity;
  const claimed = rc?.claimed ?? 0;
  let lo = rc?.minHave;
  let hi = rc?.maxHave;
  if (claimed > 0) {
    lo = 1;
    hi = Math.max(hi ?? 0, claimed);
  }
  const missing: number[] = [];
  for (const seq of seqs) {
    const event = firstSeen(run, seq) as FrameInfo;
    const emitted = event.t;
    if (emitted <= from || emitted >= until || emitted > excusedAfter) continue;
    if (seq <= claimed || rc?.haveLine.has(seq)) continue;
    if (lo !== undefined && hi !== undefined && seq > lo && seq < hi) continue;
    if (replayedBeforeJoin(event, conn)) continue;
    missing.push(seq);
  }
  return missing;
}

/**
 * The session clock only says when an event was first *seen*; its own `timestamp` says when it was emitted, on the
 * same server clock as `connection_established.server_time`. An event stamped at or before this connection was
 * established was never owed to it: first seen late through another tab's resume replay, or through a slow link
 * (found under stress with injected latency and jitter, where the client-side grace alone was not enough).
 */
function replayedBeforeJoin(event: FrameInfo, conn: ConnState): boolean {
  if (conn.establishedServerMs === undefined) return false;
  const stamped = serverMs(event);
  return Number.isFinite(stamped) && stamped <= conn.establishedServerMs;
}
