// Seq tracking: how each sighting of a run event relates to the stream of that run on its connection (SeqStatus),
// and what a `resume` changes about it. Seq is followed per (run, connection): the first event a connection gets sets
// its base unless it sent resume {last_seq}, which means it holds 1..last_seq and expects last_seq + 1 next. Right
// after a resume a live event may overtake the replay: that gap stays open (a SeqHole) until the replay fills it.
import * as model from './model';
import type { ConnState, FrameInfo, PendingResume, RunConnState, RunState, SeqHole } from './model';

// Bound once (runConnOf runs on every run event): compiled to CommonJS, each use of an imported binding is a getter call.
const { SeqMap, viewOf } = model;

const NO_HOLES: readonly SeqHole[] = Object.freeze([]);

/**
 * The connection's view of a run, made on its first event there; a `resume` the connection sent for the run before
 * is applied at once.
 */
export function runConnOf(run: RunState, conn: ConnState): RunConnState {
  let rc = viewOf(run, conn);
  if (rc === undefined) {
    rc = {
      run,
      conn,
      haveLine: new SeqMap(),
      minHave: undefined,
      maxHave: undefined,
      claimed: 0,
      resumes: 0,
      resumeStands: false,
      expected: undefined,
      resumePendingFrom: undefined,
      holes: NO_HOLES,
    };
    run.views.push(rc);
    conn.views.push(rc);
    const pending = conn.pendingResumes?.get(run.id);
    if (pending && !pending.applied) applyResume(rc, pending);
  }
  return rc;
}

/** The connection said (resume last_seq) that it holds 1..last_seq of the run. */
export function applyResume(rc: RunConnState, resume: PendingResume): void {
  resume.applied = true;
  rc.claimed = Math.max(rc.claimed, resume.lastSeq);
  rc.resumes++;
  rc.resumePendingFrom = resume.lastSeq;
  rc.resumeStands = true;
}

/**
 * An `error_message` refused the connection's pending resumes it names (by the resume's request_id, or by run_id
 * when it answers no start_agent: the answer to a start_agent may name a run too, DUPLICATE_REQUEST says which run
 * the request started, and that refuses no resume). A refused resume does not make the connection a listener.
 */
export function refuseResumes(
  conn: ConnState,
  requestId: string | undefined,
  runId: unknown,
  answersStart: boolean,
  runs: ReadonlyMap<string, RunState>,
): void {
  const pending = conn.pendingResumes;
  if (pending === undefined || pending.size === 0) return;
  for (const [id, resume] of pending) {
    if ((requestId !== undefined && resume.requestId === requestId) || (!answersStart && runId === id)) {
      pending.delete(id);
      const run = runs.get(id);
      const rc = run && viewOf(run, conn);
      if (rc) rc.resumeStands = false;
    }
  }
}

/** Classifies a sighting against this connection's stream of the run (sets `f.seqStatus` and what it refers to). */
export function trackSeq(f: FrameInfo, rc: RunConnState, seq: number | undefined): void {
  if (seq === undefined) {
    f.seqStatus = 'none';
    return;
  }
  const firstLine = rc.haveLine.get(seq);
  if (firstLine !== undefined) {
    f.seqStatus = 'repeat';
    f.seqFirstLine = firstLine;
    f.seqExpected = rc.expected;
    return;
  }
  if (seq <= rc.claimed) {
    f.seqStatus = 'claimed';
    f.seqResumeFrom = rc.claimed;
    f.seqExpected = rc.claimed + 1;
    return;
  }
  const resumeFrom = rc.resumePendingFrom;
  rc.resumePendingFrom = undefined;
  if (resumeFrom !== undefined) {
    rc.expected = Math.max(rc.expected ?? 0, resumeFrom + 1);
    f.seqResumeFrom = resumeFrom;
  }
  const expected = rc.expected;
  if (expected === undefined) {
    f.seqStatus = 'first';
    rc.expected = seq + 1;
    return;
  }
  if (seq === expected) {
    // seqExpected of a `next` is its own seq: not stored (most frames are `next`; see FrameInfo).
    f.seqStatus = 'next';
    rc.expected = seq + 1;
    return;
  }
  f.seqExpected = expected;
  if (seq > expected) {
    rc.expected = seq + 1;
    f.seqStatus = resumeFrom === undefined ? 'gap' : openHole(f, rc, expected, seq, resumeFrom);
  } else {
    f.seqStatus = fillHole(rc, seq) ? 'fill' : 'early';
  }
}

/** Records that the connection now holds this seq (line of its first copy). */
export function noteHeld(rc: RunConnState, seq: number, line: number | undefined): void {
  if (rc.haveLine.has(seq)) return;
  rc.haveLine.set(seq, line ?? 0);
  if (rc.minHave === undefined || seq < rc.minHave) rc.minHave = seq;
  if (rc.maxHave === undefined || seq > rc.maxHave) rc.maxHave = seq;
}

/** The gaps still open after a resume, taken off the connection's view (to be reported once). */
export function takeHoles(rc: RunConnState): readonly SeqHole[] {
  const holes = rc.holes;
  if (holes.length) rc.holes = NO_HOLES;
  return holes;
}

// Right after a resume a live event may overtake the replay: the gap stays open until the replay fills it.
function openHole(f: FrameInfo, rc: RunConnState, expected: number, seq: number, resumeFrom: number): 'deferred' {
  const missing = new Set<number>();
  for (let s = expected; s < seq; s++) if (!rc.haveLine.has(s)) missing.add(s);
  if (missing.size) rc.holes = [...rc.holes, { from: expected, to: seq - 1, missing, resumeFrom, at: f }];
  return 'deferred';
}

function fillHole(rc: RunConnState, seq: number): boolean {
  let filled = false;
  for (const hole of rc.holes) if (hole.missing.delete(seq)) filled = true;
  if (filled) rc.holes = rc.holes.filter((h) => h.missing.size > 0);
  return filled;
}
