import { randomBytes } from 'crypto';
import { writeFileSync, mkdirSync } from 'fs';
import path from 'path';
import { Writable } from 'stream';
import { loadProfiles, loadRules, type RuleSet, type Violation } from '../../rules';
import { verifySessionText } from '../offline';
import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import { LiveSession, type LiveConn } from '../record/live-session';
import type { LiveTarget } from '../record/record';
import type { TokenVia } from '../record/scenario';
import { decodeRaw } from '../record/wire';
import { parseSessionText, readSession } from '../../sessions/reader';
import type { Session } from '../../sessions/types';
import { createSessionWriter } from '../../sessions/writer';
import { planReplay, type Gate, type PlannedAction, type ReplayPlan } from './plan';
import { compareShapes, sessionShape, type ShapeDifference } from './shape';

export interface ReplayOptions {
  /** The live provider and where its tokens come from. */
  target: LiveTarget;
  /** How every connection presents its token (the recording does not say). Default `header`. */
  via?: TokenVia;
  /** How long to wait for the live traffic to reach each point the recorded client waited for. Default 20000. */
  gateTimeoutMs?: number;
  /** Longest recorded client pause reproduced, ms. Default 10000. */
  maxPauseMs?: number;
  /** Timing profile of the rules check on the live traffic (default: the profiles file's default). */
  profile?: string;
  /** Rules to check the live traffic with (default `contracts/rules`). */
  rules?: RuleSet;
  /** Also write the live session to this file. */
  liveOut?: string;
}

/** Result of replaying one recorded session. */
export interface ReplayReport {
  file: string;
  scenario?: string;
  /** No shape difference, no rule violation, no problem. */
  ok: boolean;
  /** Where the live traffic does not have the recording's shape. */
  differences: ShapeDifference[];
  /** Error-severity rule violations found in the live traffic. */
  violations: Violation[];
  /** Points the live traffic never reached, connections that failed, and the like. */
  problems: string[];
  /** The live traffic as a session file. */
  liveText: string;
  /** The live session, parsed. */
  live: Session;
  /** Recorded request_id -> the fresh one sent live. */
  requestIds: Map<string, string>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** How long after a run's end a connection still behind it is taken to stay behind. */
const SETTLE_MS = 300;

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

function describeGate(gate: Gate, plan: ReplayPlan): string {
  const a = gate.anchor;
  if (a.kind === 'closed') return `${gate.conn} closed by the server (line ${a.line})`;
  if (a.kind === 'nonRun') return `${gate.conn}'s frame #${a.count} that is not a run event (line ${a.line})`;
  return `${gate.conn} at seq ${a.seq} of run ${plan.requestOfRun.get(a.runId) ?? a.runId} (line ${a.line})`;
}

/**
 * Provider verification: replays the client side of a recorded session against a live provider and checks the live
 * traffic. Each actor (user) is replayed in recorded order, actors concurrently: connections open with fresh tokens
 * (of the recorded lifetime; refused connections get a token of the kind their refusal implies), every client frame
 * is sent once the live connections have got as far as the recorded client had when it sent it (plus the recorded
 * pause), with request ids made fresh and server-chosen ids (run_id, thread_id, resume's last_seq) substituted.
 * The live traffic must then satisfy every rule and have the recording's shape ({@link compareShapes}).
 *
 * @example
 * const { stack, target } = await startRecordingStack();
 * const report = await replaySession(await readSession('contracts/sessions/drop-resume.session.jsonl'), { target });
 * report.ok; // true
 * await stack.close();
 */
export async function replaySession(session: Session, options: ReplayOptions): Promise<ReplayReport> {
  const plan = planReplay(session);
  const gateTimeoutMs = options.gateTimeoutMs ?? 20_000;
  const maxPauseMs = options.maxPauseMs ?? 10_000;
  const via = options.via ?? 'header';
  const nonce = randomBytes(4).toString('hex');
  const requestIds = new Map<string, string>();
  const recordedRequest = new Map<string, string>();
  const problems: string[] = [];
  const failedConns = new Set<string>();

  let liveText = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      liveText += chunk.toString();
      callback();
    },
  });
  const writer = createSessionWriter(sink, {
    scenario: session.header.scenario ?? path.basename(session.file),
    provider: options.target.providerName,
    spec: loadProtocol().specName,
  });
  const live = new LiveSession(options.target.wsUrl, writer);

  const liveRequest = (recorded: string): string => {
    let id = requestIds.get(recorded);
    if (id === undefined) {
      const suffix = `:${nonce}`;
      id = `${recorded.slice(0, 128 - suffix.length)}${suffix}`;
      requestIds.set(recorded, id);
      recordedRequest.set(id, recorded);
    }
    return id;
  };
  const liveRunOf = (recordedRunId: string): string | undefined => {
    const request = plan.requestOfRun.get(recordedRunId);
    const actor = plan.actorOfRun.get(recordedRunId);
    if (request === undefined || actor === undefined) return undefined;
    return live.runOf(actor, liveRequest(request))?.runId;
  };
  // Anchors the live traffic never reached: reported once, then not waited for again.
  const givenUp = new Set<string>();
  const gateKey = (gate: Gate): string => `${gate.conn}@${gate.anchor.line}`;
  const reached = (gate: Gate): boolean => {
    if (failedConns.has(gate.conn) || givenUp.has(gateKey(gate))) return true;
    const conn = live.conns.get(gate.conn);
    if (conn === undefined) return false;
    if (!conn.isOpen) return true;
    const anchor = gate.anchor;
    if (anchor.kind === 'closed') return false;
    if (anchor.kind === 'nonRun') return conn.nonRun.length >= anchor.count;
    if (!plan.requestOfRun.has(anchor.runId)) return true; // a run the recording never saw start: nothing to map
    const runId = liveRunOf(anchor.runId);
    if (runId === undefined) return false;
    if (conn.maxSeq(runId) >= anchor.seq || conn.terminals.has(runId)) return true;
    // The run ended a while ago and this connection has not caught up: it never will (a faster provider ended the
    // run before this connection joined or resumed it). What it should have had is the rules' business.
    const endedAt = live.runEndedAt.get(runId);
    return endedAt !== undefined && live.now() - endedAt >= SETTLE_MS;
  };
  const waitGates = async (gates: Gate[], what: string): Promise<void> => {
    try {
      await live.waitUntil(() => gates.every(reached), gateTimeoutMs, what, SETTLE_MS / 2);
    } catch {
      const missed = gates.filter((g) => !reached(g));
      for (const g of missed) givenUp.add(gateKey(g));
      const missing = missed.map((g) => describeGate(g, plan));
      problems.push(`${what}: the live traffic never reached ${missing.join('; ')} (waited ${gateTimeoutMs} ms)`);
    }
  };
  const waitLiveRun = async (recordedRunId: string, what: string): Promise<string | undefined> => {
    try {
      await live.waitUntil(() => liveRunOf(recordedRunId) !== undefined, gateTimeoutMs, what);
    } catch {
      problems.push(`${what}: the live run of ${plan.requestOfRun.get(recordedRunId)} never started`);
    }
    return liveRunOf(recordedRunId);
  };

  const liveMessage = async (msg: unknown, action: PlannedAction, actor: string): Promise<unknown> => {
    const original = asRecord(msg);
    if (original === undefined) return msg;
    const out: Record<string, unknown> = structuredClone(original);
    const what = `line ${action.record.line} ${String(out.type)}`;
    if (typeof out.request_id === 'string' && REQUEST_ID.test(out.request_id))
      out.request_id = liveRequest(out.request_id);
    if (typeof out.run_id === 'string' && plan.requestOfRun.has(out.run_id)) {
      const recordedRun = out.run_id;
      out.run_id = (await waitLiveRun(recordedRun, what)) ?? recordedRun;
      if (out.type === 'resume' && out.last_seq === action.heldSeq && typeof out.run_id === 'string') {
        out.last_seq = live.held(actor, out.run_id);
      }
    }
    if (typeof out.thread_id === 'string') {
      const recordedRun = [...plan.threadOfRun].find(([, thread]) => thread === out.thread_id)?.[0];
      if (recordedRun !== undefined) {
        const runId = await waitLiveRun(recordedRun, what);
        const thread = runId === undefined ? undefined : live.runs.get(runId)?.threadId;
        if (thread !== undefined) out.thread_id = thread;
      }
    }
    if (out.type === 'auth_refresh') {
      const reaction = plan.refreshTokens.get(action.record.line) ?? { kind: 'valid' as const };
      if (reaction.kind !== 'malformed') {
        const user = reaction.asOtherUser ? `${actor}.other` : actor;
        out.token = (await options.target.tokens.token(user, { kind: reaction.kind })) ?? '';
      }
    }
    return out;
  };

  const perform = async (action: PlannedAction, actor: string): Promise<void> => {
    const planned = plan.conns.get(action.conn);
    if (planned === undefined || failedConns.has(action.conn)) return;
    if (action.kind === 'open') {
      try {
        const token = await options.target.tokens.token(planned.actor, planned.token);
        await live.connect(action.conn, { user: planned.actor, token, via });
      } catch (err) {
        failedConns.add(action.conn);
        problems.push(`line ${action.record.line}: ${action.conn} could not connect (${(err as Error).message})`);
      }
      return;
    }
    const conn = live.conns.get(action.conn) as LiveConn;
    if (action.kind === 'close') {
      const record = action.record as { code: number; reason: string };
      if (record.code === 1006) await conn.drop();
      else
        await conn.close(
          record.code >= 1000 && record.code < 5000 && record.code !== 1005 ? record.code : 1000,
          record.reason,
        );
      return;
    }
    if (!conn.isOpen) {
      problems.push(
        `line ${action.record.line}: ${action.conn} was already closed (${conn.closeInfo?.code}) when the recording sent a frame on it`,
      );
      return;
    }
    const record = action.record as { msg?: unknown; raw?: string };
    if (record.raw !== undefined) {
      const wire = decodeRaw(record.raw);
      if ('binary' in wire) conn.sendBinary(wire.binary);
      else conn.sendText(wire.text);
    } else {
      conn.send(await liveMessage(record.msg, action, actor));
    }
  };

  const replayActor = async (actor: string, actions: PlannedAction[]): Promise<void> => {
    for (const action of actions) {
      await waitGates(action.gates, `line ${action.record.line} (${action.kind} ${action.conn})`);
      await sleep(Math.min(action.pauseMs, maxPauseMs));
      await perform(action, actor);
    }
    await waitGates(plan.finalGates.get(actor) ?? [], `end of ${actor}'s recording`);
  };

  try {
    await Promise.all([...plan.actions].map(([actor, actions]) => replayActor(actor, actions)));
    // Connections the server closed in the recording must close live too.
    for (const [id, planned] of plan.conns) {
      const conn = live.conns.get(id);
      if (planned.close?.by === 'server' && conn?.isOpen) {
        await live.waitUntil(() => !conn.isOpen, gateTimeoutMs, `${id} closed by the server`).catch(() => undefined);
      }
    }
  } finally {
    await live.end();
  }

  const liveSession = parseSessionText(liveText, `${session.file} (live)`);
  if (options.liveOut !== undefined) {
    mkdirSync(path.dirname(path.resolve(options.liveOut)), { recursive: true });
    writeFileSync(options.liveOut, liveText);
  }
  const rules = options.rules ?? loadRules();
  const profile = loadProfiles().get(options.profile);
  const verified = verifySessionText(liveText, liveSession.file, { rules, profile });
  const differences = compareShapes(
    sessionShape(session),
    sessionShape(liveSession, (id) => recordedRequest.get(id) ?? id),
  );
  return {
    file: session.file,
    scenario: session.header.scenario,
    ok: differences.length === 0 && verified.violations.length === 0 && problems.length === 0,
    differences,
    violations: verified.violations,
    problems,
    liveText,
    live: liveSession,
    requestIds,
  };
}

/**
 * Reads a session file and replays it (see {@link replaySession}).
 *
 * @example
 * const report = await replayFile('contracts/sessions/two-tabs.session.jsonl', { target });
 */
export async function replayFile(file: string, options: ReplayOptions): Promise<ReplayReport> {
  return replaySession(await readSession(file), options);
}

/**
 * One paragraph per report: `ok` or every difference, violation and problem.
 *
 * @example
 * process.stdout.write(formatReplayReport(report));
 */
export function formatReplayReport(report: ReplayReport, target = ''): string {
  const head = `replay ${report.file}${target ? ` against ${target}` : ''}`;
  const conns = report.live.records.filter((r) => r.kind === 'open').length;
  if (report.ok)
    return `${head}: ok (${conns} connections, ${report.live.records.length} records, every rule holds, same shape)\n`;
  const lines = [`${head}: FAILED`];
  for (const d of report.differences)
    lines.push(`  shape  ${d.where}: ${d.what}: expected ${d.expected}; got ${d.actual}`);
  for (const v of report.violations)
    lines.push(`  rule   ${v.rule} (${v.conn}, live line ${v.line ?? '?'}): ${v.message}`);
  for (const p of report.problems) lines.push(`  replay ${p}`);
  return `${lines.join('\n')}\n`;
}
