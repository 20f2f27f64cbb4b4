import type { Session } from '../../sessions/types';

export interface ReplayServerOptions {
  /** Sessions served one after another, in this order. */
  sessions: Session[];
  host?: string;
  /** WebSocket (and token) port; 0 picks a free one. */
  port?: number;
  /** Pace factor: 1 = as recorded, 2 = twice as fast, 0 = as fast as possible. Default 1. */
  speed?: number;
}

/** One thing the consumer did differently from the recording. */
export interface ReplayMismatch {
  session: string;
  conn?: string;
  /** Line of the recorded record it concerns. */
  line?: number;
  message: string;
}

export interface ServedConn {
  conn: string;
  user: string | null;
  /** Matched to a consumer connection. */
  matched: boolean;
  /** Every item of the recording was played (the connection is over). */
  done: boolean;
  framesSent: number;
  framesReceived: number;
}

export interface ServedSession {
  file: string;
  scenario: string;
  /** Every recorded connection was matched and played to its end. */
  complete: boolean;
  conns: ServedConn[];
  mismatches: ReplayMismatch[];
}

export interface ReplayServerSummary {
  /** Every session complete, no mismatch. */
  ok: boolean;
  sessions: ServedSession[];
  /** Consumer connections no recording matched (also listed as mismatches of the session active then). */
  unmatched: number;
}
