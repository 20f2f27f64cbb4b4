import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import type { Session } from '../../sessions/types';
import { PROVIDER_CHOSEN_AUTH_CODES } from '../client';
import { SAME_IDS, type IdMapping, type ShapeDifference } from './shape';

const RUN_NOT_ACTIVE = 'error_message:RUN_NOT_ACTIVE';

interface ConnFacts {
  accepted: boolean;
  /** `connection_established`, `error_message:<CODE>` (provider-chosen auth codes as `error_message:auth-refusal`). */
  answers: string[];
  close?: string;
  /** Run keys this connection sent `cancel_run` for. */
  cancelled: Set<string>;
}

interface RunFacts {
  /** `agent_completed`, `agent_completed:cancelled`, `agent_error`, or `no terminal`. */
  end: string;
}

interface Facts {
  conns: Map<string, ConnFacts>;
  runs: Map<string, RunFacts>;
}

function answerLabel(msg: Record<string, unknown>): string | undefined {
  if (msg.type === 'connection_established') return 'connection_established';
  if (msg.type !== 'error_message') return undefined; // an unknown type: clients ignore it (tolerant reader)
  const code = String(msg.error_code);
  return `error_message:${PROVIDER_CHOSEN_AUTH_CODES.has(code) ? 'auth-refusal' : code}`;
}

function endLabel(terminal: Record<string, unknown> | undefined): string {
  if (terminal === undefined) return 'no terminal';
  const type = String(terminal.type);
  return terminal.status === 'cancelled' ? `${type}:cancelled` : type;
}

/** What the contract fixes about a session: per connection its acceptance, answers and close; per run its end. */
function factsOf(session: Session, ids: IdMapping): Facts {
  const conns = new Map<string, ConnFacts>();
  const user = new Map<string, string | null>();
  const runKey = new Map<string, string>();
  const terminals = new Map<string, Record<string, unknown>>();
  const protocol = loadProtocol();
  for (const record of session.records) {
    if (record.kind === 'open') {
      conns.set(record.conn, { accepted: record.user !== null, answers: [], cancelled: new Set() });
      user.set(record.conn, record.user === null ? null : ids.userOf(record.user));
      continue;
    }
    const conn = conns.get(record.conn) as ConnFacts;
    if (record.kind === 'close') {
      conn.close = `${record.code} by ${record.by}`;
      continue;
    }
    const msg = asRecord(record.msg);
    if (msg === undefined) continue;
    if (record.dir === 'c2s') {
      if (msg.type === 'cancel_run' && typeof msg.run_id === 'string') conn.cancelled.add(msg.run_id);
      continue;
    }
    if (!protocol.isRunEvent(msg)) {
      const label = answerLabel(msg);
      if (label !== undefined) conn.answers.push(label);
      continue;
    }
    if (msg.type === protocol.startType && typeof msg.request_id === 'string') {
      runKey.set(msg.run_id, `${user.get(record.conn) ?? '-'}/${ids.requestIdOf(msg.request_id)}`);
    }
    if (protocol.terminalTypes.has(msg.type) && !terminals.has(msg.run_id)) terminals.set(msg.run_id, msg);
  }
  const runs = new Map<string, RunFacts>();
  for (const [runId, key] of runKey) runs.set(key, { end: endLabel(terminals.get(runId)) });
  // cancel_run names the run by run_id: say which run key it meant.
  for (const conn of conns.values()) conn.cancelled = new Set([...conn.cancelled].map((id) => runKey.get(id) ?? id));
  return { conns, runs };
}

/** Whether on this side a connection that cancelled the run had its cancel refused with RUN_NOT_ACTIVE. */
function cancelRefused(facts: Facts, key: string): boolean {
  return [...facts.conns.values()].some((c) => c.cancelled.has(key) && c.answers.includes(RUN_NOT_ACTIVE));
}

/**
 * Runs whose cancel raced their end: one side ended the run cancelled, the other completed it and refused the
 * cancel with RUN_NOT_ACTIVE.
 */
function racedCancels(expected: Facts, actual: Facts): Set<string> {
  const raced = new Set<string>();
  const CANCELLED = 'agent_completed:cancelled';
  for (const [key, want] of expected.runs) {
    const got = actual.runs.get(key);
    if (got === undefined || got.end === want.end || got.end === 'no terminal' || want.end === 'no terminal') continue;
    if (want.end === CANCELLED && cancelRefused(actual, key)) raced.add(key);
    if (got.end === CANCELLED && cancelRefused(expected, key)) raced.add(key);
  }
  return raced;
}

function answersWithout(conn: ConnFacts, raced: Set<string>): string[] {
  const racedHere = [...conn.cancelled].some((key) => raced.has(key));
  return racedHere ? conn.answers.filter((a) => a !== RUN_NOT_ACTIVE) : conn.answers;
}

function compareConns(expected: Facts, actual: Facts, raced: Set<string>, out: ShapeDifference[]): void {
  for (const [id, want] of expected.conns) {
    const got = actual.conns.get(id);
    const where = `conn ${id}`;
    if (got === undefined) {
      out.push({ where, what: 'connection', expected: 'opened', actual: 'never opened' });
      continue;
    }
    if (want.accepted !== got.accepted) {
      const say = (accepted: boolean): string => (accepted ? 'token accepted' : 'token refused');
      out.push({ where, what: 'token', expected: say(want.accepted), actual: say(got.accepted) });
    }
    const wantAnswers = answersWithout(want, raced).join(', ') || '(none)';
    const gotAnswers = answersWithout(got, raced).join(', ') || '(none)';
    if (wantAnswers !== gotAnswers) out.push({ where, what: 'answers', expected: wantAnswers, actual: gotAnswers });
    const wantClose = want.close ?? 'open at the end';
    const gotClose = got.close ?? 'open at the end';
    if (wantClose !== gotClose) out.push({ where, what: 'close', expected: wantClose, actual: gotClose });
  }
  for (const id of actual.conns.keys()) {
    if (!expected.conns.has(id))
      out.push({ where: `conn ${id}`, what: 'connection', expected: 'not in the recording', actual: 'opened' });
  }
}

/**
 * Compares a recording with the live traffic on what the contract fixes, and nothing else: each connection's token
 * accepted or refused as recorded, each client request answered as recorded (connection_established, and an
 * `error_message` for each rejection, with its code where the spec fixes it; the auth refusal codes the spec leaves
 * to the provider compare as one), each connection closed as recorded, and each run (by user and request) started
 * and ended with the same kind of terminal (`agent_completed`, `agent_completed` cancelled, `agent_error`). A
 * cancel that raced the run's end (cancelled on one side, completed plus `RUN_NOT_ACTIVE` on the other) is no
 * difference. Which tools the agent called, in what order, under which agent name, with how many thoughts, is the
 * provider's business (`--shape strict` compares it).
 *
 * @example
 * const differences = contractDifferences(recorded, live, { requestIdOf, userOf });
 */
export function contractDifferences(recorded: Session, live: Session, ids: IdMapping): ShapeDifference[] {
  const expected = factsOf(recorded, SAME_IDS);
  const actual = factsOf(live, ids);
  const raced = racedCancels(expected, actual);
  const out: ShapeDifference[] = [];
  compareConns(expected, actual, raced, out);
  for (const [key, want] of expected.runs) {
    const got = actual.runs.get(key);
    const where = `run ${key}`;
    if (got === undefined)
      out.push({ where, what: 'run', expected: `started, ended ${want.end}`, actual: 'no such run' });
    else if (got.end !== want.end && !raced.has(key))
      out.push({ where, what: 'end', expected: want.end, actual: got.end });
  }
  for (const key of actual.runs.keys()) {
    if (!expected.runs.has(key))
      out.push({ where: `run ${key}`, what: 'run', expected: 'not in the recording', actual: 'started' });
  }
  return out;
}
