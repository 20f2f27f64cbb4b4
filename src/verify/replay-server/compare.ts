import { asRecord } from '../../util/records';
import { decodeRaw } from '../client';

/** A client frame as the consumer sent it. */
export type LiveFrame = { text: string } | { binary: Buffer };

/** Correspondence between a recording's ids and a consumer's (which picks its own request ids and users). */
export interface RequestIdMap {
  /** recorded -> live */
  toLive: Map<string, string>;
  /** live -> recorded */
  toRecorded: Map<string, string>;
}

/** An empty id map. */
export function emptyIdMap(): RequestIdMap {
  return { toLive: new Map(), toRecorded: new Map() };
}

/** Fields whose values the consumer must echo exactly: the server chose them (or, for last_seq, the replay sent it). */
const EXACT_FIELDS = new Set(['run_id', 'thread_id', 'last_seq']);

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function shorten(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

// Same JSON shape: the same kinds, the same keys in objects, the same lengths of arrays; other values are free.
function shapeProblems(expected: unknown, actual: unknown, pointer: string, out: string[]): void {
  if (kind(expected) !== kind(actual)) {
    out.push(`${pointer || '/'}: expected ${kind(expected)}, got ${kind(actual)}`);
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      out.push(`${pointer || '/'}: expected ${expected.length} items, got ${actual.length}`);
    expected.slice(0, actual.length).forEach((e, i) => shapeProblems(e, actual[i], `${pointer}/${i}`, out));
    return;
  }
  const e = asRecord(expected);
  const a = asRecord(actual);
  if (e && a) {
    const keys = new Set([...Object.keys(e), ...Object.keys(a)]);
    for (const key of [...keys].sort()) {
      if (!(key in a)) out.push(`${pointer}/${key}: missing`);
      else if (!(key in e)) out.push(`${pointer}/${key}: not in the recording`);
      else shapeProblems(e[key], a[key], `${pointer}/${key}`, out);
    }
  }
}

/**
 * Checks one client frame of the consumer against the recorded one: the same kind of frame (JSON message, text,
 * binary), for a message the same `type` and the same shape (keys, kinds, array lengths), `run_id`, `thread_id` and
 * `last_seq` exactly as recorded (the replay server handed them out), and `request_id` consistently mapped (the
 * consumer picks its own; each recorded id must always map to the same live id and back). `auth_refresh.token` is
 * not compared here (the replay server verifies it). Returns the problems, empty when the frame matches.
 *
 * @example
 * compareClientFrame({ msg: { type: 'resume', run_id: 'run_a', last_seq: 4 } }, { text: '{"type":"resume","run_id":"run_a","last_seq":3}' }, ids);
 * // ['/last_seq: expected 4, got 3']
 */
export function compareClientFrame(
  expected: { msg?: unknown; raw?: string },
  live: LiveFrame,
  ids: RequestIdMap,
): string[] {
  if (expected.raw !== undefined) {
    const wire = decodeRaw(expected.raw);
    if ('binary' in wire) {
      if (!('binary' in live)) return [`expected a binary frame, got text ${JSON.stringify(shorten(live.text))}`];
      return wire.binary.equals(live.binary)
        ? []
        : [`expected binary ${wire.binary.length} bytes, got different ${live.binary.length} bytes`];
    }
    if (!('text' in live)) return [`expected text ${JSON.stringify(shorten(wire.text))}, got a binary frame`];
    return live.text === wire.text
      ? []
      : [`expected text ${JSON.stringify(shorten(wire.text))}, got ${JSON.stringify(shorten(live.text))}`];
  }
  if (!('text' in live)) return ['expected a JSON message, got a binary frame'];
  let actual: unknown;
  try {
    actual = JSON.parse(live.text);
  } catch {
    return [`expected a JSON message, got text that is not JSON: ${JSON.stringify(shorten(live.text))}`];
  }
  const want = asRecord(expected.msg);
  const got = asRecord(actual);
  if (want === undefined || got === undefined) {
    return JSON.stringify(expected.msg) === JSON.stringify(actual)
      ? []
      : [`expected ${shorten(JSON.stringify(expected.msg))}, got ${shorten(live.text)}`];
  }
  if (want.type !== got.type) return [`expected type ${JSON.stringify(want.type)}, got ${JSON.stringify(got.type)}`];
  const problems: string[] = [];
  const rest = (m: Record<string, unknown>): Record<string, unknown> => {
    const copy = { ...m };
    for (const key of EXACT_FIELDS) delete copy[key];
    delete copy.request_id;
    if (m.type === 'auth_refresh') delete copy.token;
    return copy;
  };
  for (const key of EXACT_FIELDS) {
    if (key in want !== key in got) problems.push(`/${key}: ${key in want ? 'missing' : 'not in the recording'}`);
    else if (key in want && JSON.stringify(want[key]) !== JSON.stringify(got[key])) {
      problems.push(`/${key}: expected ${JSON.stringify(want[key])}, got ${JSON.stringify(got[key])}`);
    }
  }
  if (want.type === 'auth_refresh' && (typeof got.token !== 'string') !== (typeof want.token !== 'string'))
    problems.push('/token: missing');
  if ('request_id' in want !== 'request_id' in got) {
    problems.push(`/request_id: ${'request_id' in want ? 'missing' : 'not in the recording'}`);
  } else if (typeof want.request_id === 'string' && typeof got.request_id === 'string') {
    const mapped = ids.toLive.get(want.request_id);
    const back = ids.toRecorded.get(got.request_id);
    if (mapped === undefined && back === undefined) {
      ids.toLive.set(want.request_id, got.request_id);
      ids.toRecorded.set(got.request_id, want.request_id);
    } else if (mapped !== got.request_id || back !== want.request_id) {
      problems.push(
        `/request_id: recorded ${JSON.stringify(want.request_id)} was ${mapped ? `sent as ${JSON.stringify(mapped)}` : 'not sent before'}, ` +
          `got ${JSON.stringify(got.request_id)}${back ? ` (already used for ${JSON.stringify(back)})` : ''}`,
      );
    }
  }
  shapeProblems(rest(want), rest(got), '', problems);
  return problems;
}

/**
 * A recorded server frame with its request ids and user ids replaced by the consumer's (so its promises and handlers
 * match, and its events name the user the consumer connected as).
 *
 * @example
 * liveServerFrame({ type: 'agent_started', request_id: 'nora-first', user_id: 'nora', ... }, ids, users);
 */
export function liveServerFrame(msg: unknown, ids: RequestIdMap, users: RequestIdMap = emptyIdMap()): unknown {
  const record = asRecord(msg);
  if (record === undefined) return msg;
  const request = typeof record.request_id === 'string' ? ids.toLive.get(record.request_id) : undefined;
  const user = typeof record.user_id === 'string' ? users.toLive.get(record.user_id) : undefined;
  if (request === undefined && user === undefined) return msg;
  return {
    ...record,
    ...(request !== undefined ? { request_id: request } : {}),
    ...(user !== undefined ? { user_id: user } : {}),
  };
}
