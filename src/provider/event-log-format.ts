/**
 * The durable event log's file format, version 1 (JSON lines):
 *
 * - line 1, the header: `{"format":"netra-event-log","version":1}`: a file that does not start with it is not an
 *   event log, and the provider refuses to open it (and never writes to it);
 * - a run event exactly as it was sent (an object with `type`, `run_id`, `seq`, ...);
 * - a request-id record `{"record":"request","user_id":..,"request_id":..,"run_id":..,"thread_id":..,"until":ms}`:
 *   the start_agent request ids still remembered, so that a retry after a restart gets DUPLICATE_REQUEST.
 *
 * A line that cannot be read (a torn last line after a crash) is reported and skipped; the others are kept.
 * Files written before the header existed (their first line is a run event) are read as version 0 and rewritten in
 * version 1 by the start-up compaction.
 */
import { isRecord } from '../util/records';
export const EVENT_LOG_FORMAT = 'netra-event-log';
export const EVENT_LOG_VERSION = 1;
export const EVENT_LOG_HEADER = JSON.stringify({ format: EVENT_LOG_FORMAT, version: EVENT_LOG_VERSION });

/** A remembered start_agent request id, as the log keeps it. */
export interface RequestRecord {
  userId: string;
  requestId: string;
  runId: string;
  threadId: string;
  /** `Date.now()` until which it is remembered. */
  until: number;
}

/** The serialised line of a request-id record. */
export function requestLine(r: RequestRecord): string {
  const { userId, requestId, runId, threadId, until } = r;
  return JSON.stringify({
    record: 'request',
    user_id: userId,
    request_id: requestId,
    run_id: runId,
    thread_id: threadId,
    until,
  });
}

/** What the first line says the file is. */
export type HeaderVerdict = { kind: 'v1' } | { kind: 'legacy' } | { kind: 'foreign'; why: string };

/** Judges the first line of a non-empty file. */
export function judgeHeader(firstLine: string): HeaderVerdict {
  let value: unknown;
  try {
    value = JSON.parse(firstLine);
  } catch {
    return { kind: 'foreign', why: 'its first line is not the event log header (not JSON)' };
  }
  if (isRecord(value) && value.format === EVENT_LOG_FORMAT) {
    if (value.version === EVENT_LOG_VERSION) return { kind: 'v1' };
    return {
      kind: 'foreign',
      why: `it is event log version ${JSON.stringify(value.version)}; this provider reads ${EVENT_LOG_VERSION}`,
    };
  }
  // Written before the header existed: the first line is a run event.
  if (
    isRecord(value) &&
    typeof value.type === 'string' &&
    typeof value.run_id === 'string' &&
    typeof value.seq === 'number'
  ) {
    return { kind: 'legacy' };
  }
  return { kind: 'foreign', why: 'its first line is not the event log header' };
}

/** The parsed body lines of a log: run events and request-id records; unreadable lines by number. */
export interface LogContents {
  events: Record<string, unknown>[];
  requests: RequestRecord[];
  unreadable: number[];
}

function asRequest(value: Record<string, unknown>): RequestRecord | undefined {
  const { user_id, request_id, run_id, thread_id, until } = value;
  if (typeof user_id !== 'string' || typeof request_id !== 'string' || typeof run_id !== 'string') return undefined;
  if (typeof thread_id !== 'string' || typeof until !== 'number' || !Number.isFinite(until)) return undefined;
  return { userId: user_id, requestId: request_id, runId: run_id, threadId: thread_id, until };
}

/** Parses the lines after the header (`firstLineNumber`: the 1-based number of `lines[0]`, for reports). */
export function parseBody(lines: string[], firstLineNumber: number): LogContents {
  const out: LogContents = { events: [], requests: [], unreadable: [] };
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (isRecord(value) && value.record === 'request') {
      const request = asRequest(value);
      if (request !== undefined) return void out.requests.push(request);
    } else if (isRecord(value) && value.record === undefined) {
      return void out.events.push(value);
    }
    out.unreadable.push(firstLineNumber + index);
  });
  return out;
}
