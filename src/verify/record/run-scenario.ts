import { loadProtocol } from '../../protocol';
import { RecordError } from './errors';
import { LiveSession, type LiveConn, type LiveRun, type ReceivedFrame } from './live-session';
import type { Scenario, ScenarioStep } from './scenario';
import type { TokenSource } from './tokens';
import { oversizeText } from './wire';

/** What a scenario run produced. */
export interface ScenarioOutcome {
  connections: number;
  /** Server frames the scenario's connections received. */
  frames: number;
  runs: number;
}

const PLACEHOLDER = /\$\{(run|thread):([^}]*)\}/g;

function describeStep(step: ScenarioStep): string {
  return `step ${step.index + 1} (line ${step.line}) ${step.action}`;
}

function matches(
  frame: ReceivedFrame,
  type: string,
  runId: string | undefined,
  errorCode: string | undefined,
): boolean {
  const msg = frame.msg;
  if (type === 'any') return runId === undefined || msg?.run_id === runId;
  if (msg === undefined) return false;
  if (type === 'terminal' ? !loadProtocol().terminalTypes.has(String(msg.type)) : msg.type !== type) return false;
  if (runId !== undefined && msg.run_id !== runId) return false;
  if (errorCode !== undefined && msg.error_code !== errorCode) return false;
  return true;
}

/**
 * Runs a scenario's steps, in order, against a live provider, every frame going to `live`'s session writer.
 * Waits are on events (a frame, a close), each bounded by its timeout. Throws RecordError
 * `RECORD_EXPECTATION_FAILED` (a wait timed out, a token was accepted or refused against the scenario's intent) or
 * `RECORD_CONNECT_FAILED`; the caller aborts the session then.
 *
 * @example
 * const live = new LiveSession(stack.wsUrl, writer);
 * await runScenario(loadScenario('contracts/scenarios/first-message.yaml'), live, embeddedTokens(stack.auth));
 * await live.end();
 */
export async function runScenario(
  scenario: Scenario,
  live: LiveSession,
  tokens: TokenSource,
): Promise<ScenarioOutcome> {
  const connOf = (id: string): LiveConn => {
    const conn = live.conns.get(id);
    if (conn === undefined) throw new RecordError('RECORD_EXPECTATION_FAILED', `${id} is not connected`);
    return conn;
  };
  const userOf = (id: string): string => scenario.connections.get(id)?.user ?? id;

  const runFor = async (connId: string, requestId: string, timeoutMs: number, what: string): Promise<LiveRun> => {
    const user = userOf(connId);
    await live.waitUntil(
      () => live.runOf(user, requestId) !== undefined,
      timeoutMs,
      `${what}: agent_started of ${requestId} for ${user}`,
    );
    return live.runOf(user, requestId) as LiveRun;
  };

  const substitute = async (value: unknown, connId: string, step: ScenarioStep): Promise<unknown> => {
    if (typeof value === 'string') {
      let out = value;
      for (const match of value.matchAll(PLACEHOLDER)) {
        const run = await runFor(connId, match[2], scenario.timeoutMs, describeStep(step));
        const id = match[1] === 'run' ? run.runId : (run.threadId ?? '');
        out = out.replace(match[0], id);
      }
      return out;
    }
    if (Array.isArray(value)) return Promise.all(value.map((v) => substitute(v, connId, step)));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = await substitute(v, connId, step);
      return out;
    }
    return value;
  };

  const connect = async (id: string, timeoutMs: number, step: ScenarioStep): Promise<LiveConn> => {
    const decl = scenario.connections.get(id);
    if (decl === undefined)
      throw new RecordError('RECORD_EXPECTATION_FAILED', `${describeStep(step)}: unknown connection ${id}`);
    const token = await tokens.token(decl.user, decl.token);
    const conn = await live.connect(id, { user: decl.user, token, via: decl.via, timeoutMs });
    await live.waitUntil(
      () => conn.received.length > 0 || !conn.isOpen,
      timeoutMs,
      `${describeStep(step)}: ${id}'s first frame`,
    );
    const meantValid = decl.token.kind === 'valid';
    if (meantValid && !conn.accepted) {
      const first = conn.received[0]?.msg;
      const why = first
        ? `${String(first.type)} ${String(first.error_code ?? '')}`.trim()
        : `close ${conn.closeInfo?.code}`;
      throw new RecordError(
        'RECORD_EXPECTATION_FAILED',
        `${describeStep(step)}: ${id}'s valid token was refused (${why})`,
      );
    }
    if (!meantValid && conn.accepted) {
      throw new RecordError(
        'RECORD_EXPECTATION_FAILED',
        `${describeStep(step)}: ${id}'s ${decl.token.kind} token was accepted`,
      );
    }
    return conn;
  };

  const resume = (conn: LiveConn, run: LiveRun, lastSeq?: number): void => {
    conn.send({ type: 'resume', run_id: run.runId, last_seq: lastSeq ?? live.held(conn.user, run.runId) });
  };

  for (const step of scenario.steps) {
    switch (step.action) {
      case 'connect':
        await connect(step.conn, step.timeoutMs, step);
        break;
      case 'reconnect': {
        const conn = await connect(step.conn, step.timeoutMs, step);
        const user = userOf(step.conn);
        const runs =
          step.resume !== undefined
            ? await Promise.all(step.resume.map((r) => runFor(step.conn, r, step.timeoutMs, describeStep(step))))
            : [...live.runs.values()].filter((r) => r.user === user && !live.sawEnd(user, r.runId));
        for (const run of runs) resume(conn, run);
        break;
      }
      case 'send': {
        const msg = await substitute(step.msg, step.conn, step);
        connOf(step.conn).send(msg);
        break;
      }
      case 'send_raw': {
        const conn = connOf(step.conn);
        if (step.text !== undefined) conn.sendText(step.text);
        else if (step.binary !== undefined) conn.sendBinary(Buffer.from(step.binary, 'utf8'));
        else conn.sendText(oversizeText(step.oversize ?? 0));
        break;
      }
      case 'wait_for': {
        const conn = connOf(step.conn);
        const runId =
          step.run === undefined
            ? undefined
            : (await runFor(step.conn, step.run, step.timeoutMs, describeStep(step))).runId;
        const done = (): boolean =>
          step.seq !== undefined && runId !== undefined
            ? conn.maxSeq(runId) >= step.seq || conn.terminals.has(runId)
            : conn.received.filter((f) => matches(f, step.type, runId, step.errorCode)).length >= step.count;
        const awaited =
          step.seq !== undefined
            ? `seq ${step.seq} of`
            : `${step.count} x ${step.type}${step.errorCode ? ` ${step.errorCode}` : ''} of`;
        const what = `${describeStep(step)}: ${step.conn} waiting for ${awaited} ${step.run ?? 'any run'}`;
        await live.waitUntil(() => done() || !conn.isOpen, step.timeoutMs, what);
        if (!done())
          throw new RecordError(
            'RECORD_EXPECTATION_FAILED',
            `${what}: the connection closed (${conn.closeInfo?.code})`,
          );
        break;
      }
      case 'wait_close': {
        const conn = connOf(step.conn);
        await live.waitUntil(() => !conn.isOpen, step.timeoutMs, `${describeStep(step)}: ${step.conn} closing`);
        const info = conn.closeInfo;
        if (step.code !== undefined && info?.code !== step.code) {
          throw new RecordError(
            'RECORD_EXPECTATION_FAILED',
            `${describeStep(step)}: ${step.conn} closed with ${info?.code}, expected ${step.code}`,
          );
        }
        break;
      }
      case 'sleep':
        await new Promise((resolve) => setTimeout(resolve, step.ms));
        break;
      case 'drop':
        await connOf(step.conn).drop();
        break;
      case 'close':
        await connOf(step.conn).close(step.code, step.reason);
        break;
      case 'resume': {
        const run = await runFor(step.conn, step.run, scenario.timeoutMs, describeStep(step));
        resume(connOf(step.conn), run, step.lastSeq);
        break;
      }
      case 'cancel': {
        const run = await runFor(step.conn, step.run, scenario.timeoutMs, describeStep(step));
        connOf(step.conn).send({ type: 'cancel_run', run_id: run.runId });
        break;
      }
      case 'refresh': {
        const token = await tokens.token(step.asUser ?? userOf(step.conn), step.token);
        connOf(step.conn).send({ type: 'auth_refresh', token: token ?? '' });
        break;
      }
    }
  }
  let frames = 0;
  for (const conn of live.conns.values()) frames += conn.received.length;
  return { connections: live.conns.size, frames, runs: live.runs.size };
}
