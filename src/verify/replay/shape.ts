import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import type { Session } from '../../sessions/types';

/**
 * What `replay --shape strict` compares between a recording and the live traffic: the part of a session that does
 * not depend on timing or on ids the server chose. Our own regression tests of the reference provider use it; the
 * default (`contract.ts`) judges only what the contract fixes.
 *
 * - Per connection: who it belongs to (a user, or refused), the frames that are not run events in order
 *   (`connection_established`, `error_message:<code>` ...), and how it closed (code and side).
 * - Per run (keyed by its user and the request_id of its start_agent): the agent, and its events in seq order,
 *   merged over all the user's connections, normalised: consecutive `agent_thinking` collapse into one
 *   `agent_thinking*` (how many thoughts the agent has is free), and each block of consecutive tool events becomes
 *   `tools[...]`, the sorted multiset of `tool_name:status` (tools called back to back may finish in any order).
 *   The terminal event keeps its outcome (`agent_completed:success`, `agent_error:INVALID_WORKLOAD`). A cancelled run
 *   is compared by its first and terminal events only: where the cancel lands is timing.
 *
 * Which events reach which connection (fan-out, resume) is not compared here: it depends on timing, and the rules
 * engine checks it on the live traffic (isolation.every-connection-receives, seq.*).
 */
export interface SessionShape {
  conns: Map<string, ConnShape>;
  runs: Map<string, RunShape>;
}

export interface ConnShape {
  user: string | null;
  frames: string[];
  close?: { code: number; by: 'client' | 'server' };
}

export interface RunShape {
  key: string;
  agent?: string;
  steps: string[];
  cancelled: boolean;
}

/** One difference between a recording and the live traffic. */
export interface ShapeDifference {
  /** `conn <id>` or `run <user>/<request_id>`. */
  where: string;
  what: string;
  expected: string;
  actual: string;
}

function nonRunLabel(msg: Record<string, unknown> | undefined, raw: string | undefined): string {
  if (msg === undefined) return raw !== undefined ? 'raw' : 'not-an-object';
  const type = String(msg.type);
  return type === 'error_message' ? `error_message:${String(msg.error_code)}` : type;
}

function terminalLabel(msg: Record<string, unknown>): string {
  return msg.type === 'agent_error' ? `agent_error:${String(msg.code)}` : `agent_completed:${String(msg.status)}`;
}

function normalise(events: Record<string, unknown>[]): string[] {
  const steps: string[] = [];
  let tools: string[] | undefined;
  let expected = 1;
  const flush = (): void => {
    if (tools) steps.push(`tools[${tools.sort().join(',')}]`);
    tools = undefined;
  };
  for (const event of events) {
    const seq = event.seq as number;
    if (seq !== expected) {
      flush();
      steps.push(`gap(${expected}..${seq - 1})`);
    }
    expected = seq + 1;
    const type = String(event.type);
    if (type === 'tool_executing' || type === 'tool_completed') {
      tools ??= [];
      if (type === 'tool_completed') tools.push(`${String(event.tool_name)}:${String(event.status)}`);
      continue;
    }
    flush();
    if (type === 'agent_thinking') {
      if (steps.at(-1) !== 'agent_thinking*') steps.push('agent_thinking*');
    } else if (loadProtocol().terminalTypes.has(type)) {
      steps.push(terminalLabel(event));
    } else {
      steps.push(type);
    }
  }
  flush();
  return steps;
}

/** How a live session's ids map back to the recording's (replay sends fresh request ids and user ids). */
export interface IdMapping {
  requestIdOf(id: string): string;
  userOf(user: string): string;
}

/** No mapping: a session compared as it is. */
export const SAME_IDS: IdMapping = { requestIdOf: (id) => id, userOf: (user) => user };

/**
 * The comparable shape of a session for `--shape strict`: the agent's plan (tool names, grouping, agent name, error
 * codes), which the contract leaves to the provider. `ids` maps the session's ids back to the recorded ones.
 *
 * @example
 * const shape = sessionShape(parseSessionText(text));
 * shape.runs.get('omar/omar-q1')?.steps; // ['agent_started', 'agent_thinking*', 'tools[cost_analyzer:success]', ...]
 */
export function sessionShape(session: Session, ids: IdMapping = SAME_IDS): SessionShape {
  const conns = new Map<string, ConnShape>();
  const owner = new Map<string, string | null>();
  const runEvents = new Map<string, Map<number, Record<string, unknown>>>();
  const runUser = new Map<string, string | null>();
  const runOrder: string[] = [];
  for (const record of session.records) {
    if (record.kind === 'open') {
      const user = record.user === null ? null : ids.userOf(record.user);
      conns.set(record.conn, { user, frames: [] });
      owner.set(record.conn, user);
    } else if (record.kind === 'close') {
      const conn = conns.get(record.conn);
      if (conn) conn.close = { code: record.code, by: record.by };
    } else if (record.dir === 's2c') {
      const msg = asRecord(record.msg);
      if (msg !== undefined && loadProtocol().isRunEvent(msg)) {
        let events = runEvents.get(msg.run_id);
        if (events === undefined) {
          runEvents.set(msg.run_id, (events = new Map()));
          runUser.set(msg.run_id, owner.get(record.conn) ?? null);
          runOrder.push(msg.run_id);
        }
        if (!events.has(msg.seq)) events.set(msg.seq, msg);
      } else {
        conns.get(record.conn)?.frames.push(nonRunLabel(msg, record.raw));
      }
    }
  }
  const runs = new Map<string, RunShape>();
  let unnamed = 0;
  for (const runId of runOrder) {
    const events = [...(runEvents.get(runId) as Map<number, Record<string, unknown>>).values()].sort(
      (a, b) => (a.seq as number) - (b.seq as number),
    );
    const started = events.find((e) => e.type === 'agent_started');
    const requestId = typeof started?.request_id === 'string' ? ids.requestIdOf(started.request_id) : `?${++unnamed}`;
    const key = `${runUser.get(runId) ?? '-'}/${requestId}`;
    const terminal = events.find((e) => loadProtocol().terminalTypes.has(String(e.type)));
    const cancelled = terminal?.type === 'agent_completed' && terminal.status === 'cancelled';
    const steps = normalise(events);
    runs.set(key, {
      key,
      agent: typeof events[0]?.agent_name === 'string' ? events[0].agent_name : undefined,
      steps: cancelled ? [steps[0], steps.at(-1) as string] : steps,
      cancelled,
    });
  }
  return { conns, runs };
}

/**
 * Compares the shape of a recording (`expected`) with the live traffic's (`actual`). Empty when they agree.
 *
 * @example
 * const differences = compareShapes(sessionShape(recorded), sessionShape(live, ids));
 * for (const d of differences) console.log(`${d.where}: ${d.what}: expected ${d.expected}, got ${d.actual}`);
 */
export function compareShapes(expected: SessionShape, actual: SessionShape): ShapeDifference[] {
  const out: ShapeDifference[] = [];
  for (const [id, want] of expected.conns) {
    const got = actual.conns.get(id);
    const where = `conn ${id}`;
    if (got === undefined) {
      out.push({ where, what: 'connection', expected: 'opened', actual: 'never opened' });
      continue;
    }
    if ((want.user === null) !== (got.user === null) || want.user !== got.user) {
      out.push({
        where,
        what: 'user',
        expected: String(want.user ?? 'refused (null)'),
        actual: String(got.user ?? 'refused (null)'),
      });
    }
    const wantFrames = want.frames.join(', ');
    const gotFrames = got.frames.join(', ');
    if (wantFrames !== gotFrames)
      out.push({
        where,
        what: 'frames that are not run events',
        expected: wantFrames || '(none)',
        actual: gotFrames || '(none)',
      });
    const wantClose = want.close ? `${want.close.code} by ${want.close.by}` : 'open at the end';
    const gotClose = got.close ? `${got.close.code} by ${got.close.by}` : 'open at the end';
    if (wantClose !== gotClose) out.push({ where, what: 'close', expected: wantClose, actual: gotClose });
  }
  for (const id of actual.conns.keys()) {
    if (!expected.conns.has(id))
      out.push({ where: `conn ${id}`, what: 'connection', expected: 'not in the recording', actual: 'opened' });
  }
  for (const [key, want] of expected.runs) {
    const got = actual.runs.get(key);
    const where = `run ${key}`;
    if (got === undefined) {
      out.push({ where, what: 'run', expected: want.steps.join(' > '), actual: 'no such run' });
      continue;
    }
    if (want.agent !== got.agent)
      out.push({ where, what: 'agent_name', expected: String(want.agent), actual: String(got.agent) });
    const wantSteps = want.steps.join(' > ');
    const gotSteps = got.steps.join(' > ');
    if (wantSteps !== gotSteps) out.push({ where, what: 'events', expected: wantSteps, actual: gotSteps });
  }
  for (const [key, got] of actual.runs) {
    if (!expected.runs.has(key))
      out.push({ where: `run ${key}`, what: 'run', expected: 'not in the recording', actual: got.steps.join(' > ') });
  }
  return out;
}
