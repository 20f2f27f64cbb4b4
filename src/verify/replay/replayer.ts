import { randomBytes } from 'crypto';
import path from 'path';
import { Writable } from 'stream';
import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import type { Session } from '../../sessions/types';
import { createSessionWriter } from '../../sessions/writer';
import { decodeRaw, LiveSession, type LiveConn, type TokenVia } from '../client';
import { freshUserPrefix, present } from '../record';
import type { Target } from '../targets/types';
import { answerTypes, type Anchor, type Gate, type PlannedAction, type ReplayPlan } from './plan';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** How long after a run's end a connection still behind it is taken to stay behind. */
const SETTLE_MS = 300;

/** What drives one replay: where, how, and how patient. */
export interface ReplaySettings {
  target: Target;
  via: TokenVia;
  gateTimeoutMs: number;
  maxPauseMs: number;
  /** Prefix of every live user id (`''`: the recorded ids). */
  userPrefix: string;
}

/** The live traffic of one replay and what went wrong driving it. */
export interface ReplayTraffic {
  liveText: string;
  problems: string[];
  /** Recorded request_id -> the fresh one sent live. */
  requestIds: Map<string, string>;
  /** Live request_id -> recorded. */
  recordedRequest: Map<string, string>;
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

/** A fresh per-replay prefix (`''` keeps the recorded ids). */
export function replayUserPrefix(strict: boolean): string {
  return strict ? '' : freshUserPrefix();
}

/**
 * Drives the client side of one recorded session against a live target. Explicit state: the live session, the id
 * maps (fresh request ids and user ids), the connections that failed, and the anchors given up on. Each actor (user)
 * is replayed in recorded order, actors concurrently; every client action waits until the live connections have got
 * as far, in protocol events, as the recorded client had when it acted (see `Anchor`), plus the recorded pause.
 *
 * @example
 * const traffic = await new Replayer(session, plan, settings).run();
 */
export class Replayer {
  readonly requestIds = new Map<string, string>();
  readonly recordedRequest = new Map<string, string>();
  private readonly problems: string[] = [];
  private readonly failedConns = new Set<string>();
  private readonly givenUp = new Set<string>();
  private readonly nonce = randomBytes(4).toString('hex');
  private readonly live: LiveSession;
  private liveText = '';
  private readonly gateTimeoutMs: number;

  constructor(
    private readonly session: Session,
    private readonly plan: ReplayPlan,
    private readonly settings: ReplaySettings,
  ) {
    const sink = new Writable({
      write: (chunk: Buffer | string, _encoding, callback) => {
        this.liveText += chunk.toString();
        callback();
      },
    });
    const scenario = session.header.scenario ?? path.basename(session.file);
    this.live = new LiveSession(
      createSessionWriter(
        sink,
        { scenario, provider: settings.target.name, spec: loadProtocol().specName },
        { secrets: () => settings.target.auth.secrets() },
      ),
    );
    this.gateTimeoutMs = settings.gateTimeoutMs + settings.target.clockLeewayS * 1000;
  }

  /** The live user id of a recorded user. */
  liveUser(actor: string): string {
    return `${this.settings.userPrefix}${actor}`;
  }

  /** The recorded user of a live user id. */
  recordedUser(user: string): string {
    const prefix = this.settings.userPrefix;
    return prefix !== '' && user.startsWith(prefix) ? user.slice(prefix.length) : user;
  }

  /** Replays every actor, waits for the server closes the recording had, and ends the live session. */
  async run(): Promise<ReplayTraffic> {
    try {
      await Promise.all([...this.plan.actions].map(([actor, actions]) => this.replayActor(actor, actions)));
      for (const [id, planned] of this.plan.conns) {
        const conn = this.live.conns.get(id);
        if (planned.close?.by === 'server' && conn?.isOpen) {
          await this.live
            .waitUntil(() => !conn.isOpen, this.gateTimeoutMs, `${id} closed by the server`)
            .catch(() => undefined);
        }
      }
    } finally {
      await this.live.end();
    }
    return {
      liveText: this.liveText,
      problems: this.problems,
      requestIds: this.requestIds,
      recordedRequest: this.recordedRequest,
    };
  }

  private async replayActor(actor: string, actions: PlannedAction[]): Promise<void> {
    for (const action of actions) {
      await this.waitGates(action.gates, `line ${action.record.line} (${action.kind} ${action.conn})`);
      await sleep(Math.min(action.pauseMs, this.settings.maxPauseMs));
      await this.perform(action, actor);
    }
    await this.waitGates(this.plan.finalGates.get(actor) ?? [], `end of ${actor}'s recording`);
  }

  private liveRequest(recorded: string): string {
    let id = this.requestIds.get(recorded);
    if (id === undefined) {
      const suffix = `:${this.nonce}`;
      id = `${recorded.slice(0, 128 - suffix.length)}${suffix}`;
      this.requestIds.set(recorded, id);
      this.recordedRequest.set(id, recorded);
    }
    return id;
  }

  private liveRunOf(recordedRunId: string): string | undefined {
    const request = this.plan.requestOfRun.get(recordedRunId);
    const actor = this.plan.actorOfRun.get(recordedRunId);
    if (request === undefined || actor === undefined) return undefined;
    return this.live.runOf(this.liveUser(actor), this.liveRequest(request))?.runId;
  }

  private reachedAnchor(conn: LiveConn, anchor: Anchor): boolean {
    if (anchor.kind === 'closed') return false;
    if (anchor.kind === 'answer')
      return conn.nonRun.filter((f) => answerTypes().has(String(f.msg?.type))).length >= anchor.count;
    if (!this.plan.requestOfRun.has(anchor.runId)) return true; // a run the recording never saw start: nothing to map
    const runId = this.liveRunOf(anchor.runId);
    if (runId === undefined) return false;
    if (conn.count(runId, anchor.type) >= anchor.count || conn.sawEnd(runId)) return true;
    // The run ended a while ago and this connection has not caught up: it never will (a faster provider ended the
    // run before this connection joined or resumed it). What it should have had is the rules' business.
    const endedAt = this.live.runs.get(runId)?.endedAt;
    return endedAt !== undefined && this.live.now() - endedAt >= SETTLE_MS;
  }

  private reached(gate: Gate): boolean {
    if (this.failedConns.has(gate.conn) || this.givenUp.has(`${gate.conn}@${gate.anchor.line}`)) return true;
    const conn = this.live.conns.get(gate.conn);
    if (conn === undefined) return false;
    return !conn.isOpen || this.reachedAnchor(conn, gate.anchor);
  }

  private describe(gate: Gate): string {
    const a = gate.anchor;
    if (a.kind === 'closed') return `${gate.conn} closed by the server (line ${a.line})`;
    if (a.kind === 'answer')
      return `${gate.conn}'s answer #${a.count} (connection_established / error_message, line ${a.line})`;
    const request = this.plan.requestOfRun.get(a.runId) ?? a.runId;
    return `${gate.conn}'s ${a.type} #${a.count} of run ${request} or its end (line ${a.line})`;
  }

  private async waitGates(gates: Gate[], what: string): Promise<void> {
    try {
      await this.live.waitUntil(() => gates.every((g) => this.reached(g)), this.gateTimeoutMs, what, SETTLE_MS / 2);
    } catch {
      const missed = gates.filter((g) => !this.reached(g));
      for (const g of missed) this.givenUp.add(`${g.conn}@${g.anchor.line}`);
      const missing = missed.map((g) => this.describe(g)).join('; ');
      this.problems.push(`${what}: the live traffic never reached ${missing} (waited ${this.gateTimeoutMs} ms)`);
    }
  }

  private async waitLiveRun(recordedRunId: string, what: string): Promise<string | undefined> {
    try {
      await this.live.waitUntil(() => this.liveRunOf(recordedRunId) !== undefined, this.gateTimeoutMs, what);
    } catch {
      this.problems.push(`${what}: the live run of ${this.plan.requestOfRun.get(recordedRunId)} never started`);
    }
    return this.liveRunOf(recordedRunId);
  }

  private async liveMessage(msg: unknown, action: PlannedAction, actor: string): Promise<unknown> {
    const original = asRecord(msg);
    if (original === undefined) return msg;
    const out: Record<string, unknown> = structuredClone(original);
    const what = `line ${action.record.line} ${String(out.type)}`;
    if (typeof out.request_id === 'string' && REQUEST_ID.test(out.request_id))
      out.request_id = this.liveRequest(out.request_id);
    if (typeof out.run_id === 'string' && this.plan.requestOfRun.has(out.run_id)) {
      out.run_id = (await this.waitLiveRun(out.run_id, what)) ?? out.run_id;
      if (out.type === 'resume' && out.last_seq === action.heldSeq && typeof out.run_id === 'string') {
        out.last_seq = this.live.held.contiguous(this.liveUser(actor), out.run_id);
      }
    }
    if (typeof out.thread_id === 'string') {
      const recordedRun = [...this.plan.threadOfRun].find(([, thread]) => thread === out.thread_id)?.[0];
      const runId = recordedRun === undefined ? undefined : await this.waitLiveRun(recordedRun, what);
      const thread = runId === undefined ? undefined : this.live.runs.get(runId)?.threadId;
      if (thread !== undefined) out.thread_id = thread;
    }
    if (out.type === 'auth_refresh') {
      const reaction = this.plan.refreshTokens.get(action.record.line) ?? { kind: 'valid' as const };
      if (reaction.kind !== 'as_recorded') {
        const user = reaction.asOtherUser ? `${this.liveUser(actor)}.other` : this.liveUser(actor);
        out.token = (await present(this.settings.target, user, { kind: reaction.kind })).token ?? '';
      }
    }
    return out;
  }

  private async open(action: PlannedAction): Promise<void> {
    const planned = this.plan.conns.get(action.conn);
    if (planned === undefined) return;
    const user = this.liveUser(planned.actor);
    try {
      const { token } = await present(this.settings.target, user, planned.token);
      const { target } = this.settings;
      await this.live.connect(action.conn, {
        url: target.url,
        user,
        token,
        tokenKind: planned.token.kind,
        via: this.settings.via,
        headers: target.headers,
      });
    } catch (err) {
      this.failedConns.add(action.conn);
      this.problems.push(`line ${action.record.line}: ${action.conn} could not connect (${(err as Error).message})`);
    }
  }

  private async perform(action: PlannedAction, actor: string): Promise<void> {
    if (this.failedConns.has(action.conn)) return;
    if (action.kind === 'open') return this.open(action);
    const conn = this.live.conns.get(action.conn) as LiveConn;
    if (action.kind === 'close') {
      const { code, reason } = action.record as { code: number; reason: string };
      if (code === 1006) await conn.drop();
      else await conn.close(code >= 1000 && code < 5000 && code !== 1005 ? code : 1000, reason);
      return;
    }
    if (!conn.isOpen) {
      const closed = conn.closeInfo?.code;
      this.problems.push(
        `line ${action.record.line}: ${action.conn} was already closed (${closed}) when the recording sent a frame on it`,
      );
      return;
    }
    const record = action.record as { msg?: unknown; raw?: string };
    if (record.raw === undefined) {
      const msg = await this.liveMessage(record.msg, action, actor);
      conn.send(msg, this.plan.refreshTokens.get(action.record.line)?.kind);
      return;
    }
    const wire = decodeRaw(record.raw);
    if ('binary' in wire) conn.sendBinary(wire.binary);
    else conn.sendText(wire.text);
  }

  /** The recording's scenario name, for reports. */
  get scenario(): string | undefined {
    return this.session.header.scenario;
  }
}
