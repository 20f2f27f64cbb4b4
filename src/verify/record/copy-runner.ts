import { loadProtocol } from '../../protocol';
import { oversizeText, type LiveConn, type LiveRun } from '../client';
import type { ScenarioStep, StepAction } from '../scenarios';
import { RecordError } from './errors';
import type { Naming } from './naming';
import { describeStep, type RunContext } from './run-context';
import { present, sharedIdentityOf, subjectOf } from './tokens';
import { expectation, waitFor, waitForRun } from './waits';

const PLACEHOLDER = /\$\{(run|thread):([^}]*)\}/g;

type Step<A extends StepAction> = Extract<ScenarioStep, { action: A }>;
type Handlers = { [A in StepAction]: (step: Step<A>) => Promise<void> };

/**
 * Runs the steps of one copy of a scenario, in order, on the shared live session: the state of the copy is which
 * token each of its connections presented (for `wait_token_expiry`). Every wait is bounded by its timeout plus the
 * target's clock leeway.
 *
 * @example
 * await new CopyRunner(ctx, new Naming(scenario, '', 1, 1)).run();
 */
export class CopyRunner {
  private readonly expiresAt = new Map<string, { at: number; wantedTtlS?: number }>();
  private readonly leewayMs: number;
  private readonly handlers: Handlers;

  constructor(
    private readonly ctx: RunContext,
    private readonly naming: Naming,
  ) {
    this.leewayMs = ctx.target.clockLeewayS * 1000;
    this.handlers = {
      connect: (s) => this.connect(s.conn, s.timeoutMs, describeStep(s)).then(() => undefined),
      reconnect: (s) => this.reconnect(s),
      send: async (s) => this.conn(s.conn).send(await this.substitute(s.msg, s.conn, describeStep(s))),
      send_raw: async (s) => this.sendRaw(s),
      wait_for: (s) => this.waitFor(s),
      wait_close: (s) => this.waitClose(s),
      sleep: (s) => new Promise((resolve) => setTimeout(resolve, s.ms)),
      drop: async (s) => void (await this.conn(s.conn).drop()),
      close: async (s) => void (await this.conn(s.conn).close(s.code, s.reason)),
      resume: (s) => this.resume(s),
      cancel: async (s) => {
        const run = await this.runFor(s.conn, s.run, describeStep(s));
        this.send(s.conn, { type: 'cancel_run', run_id: run.runId });
      },
      refresh: (s) => this.refresh(s),
      wait_token_expiry: (s) => this.waitTokenExpiry(s),
      assume_running: (s) => this.assumeRunning(s),
    };
  }

  /** Runs every step, after `delayMs` (a ramp over the copies). Throws RecordError (see its codes). */
  async run(delayMs = 0): Promise<void> {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    for (const step of this.ctx.scenario.steps) {
      const handler = this.handlers[step.action] as (s: ScenarioStep) => Promise<void>;
      try {
        await handler(step);
      } catch (err) {
        throw expectation(err);
      }
    }
  }

  private conn(id: string): LiveConn {
    const conn = this.ctx.live.conns.get(this.naming.conn(id));
    if (conn === undefined)
      throw new RecordError('RECORD_EXPECTATION_FAILED', `${this.naming.conn(id)} is not connected`);
    return conn;
  }

  private send(id: string, msg: unknown): void {
    this.conn(id).send(msg);
  }

  private runFor(connId: string, requestId: string, what: string): Promise<LiveRun> {
    return waitForRun(
      this.ctx,
      this.naming.userOfConn(connId),
      requestId,
      this.timeout(this.ctx.scenario.timeoutMs),
      what,
    );
  }

  private timeout(ms: number): number {
    return Math.max(ms, this.ctx.minWaitMs) + this.leewayMs;
  }

  private async substitute(value: unknown, connId: string, what: string): Promise<unknown> {
    if (typeof value === 'string') {
      let out = value;
      for (const match of value.matchAll(PLACEHOLDER)) {
        const run = await this.runFor(connId, match[2], what);
        out = out.replace(match[0], match[1] === 'run' ? run.runId : (run.threadId ?? ''));
      }
      return out;
    }
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.substitute(v, connId, what)));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) out[key] = await this.substitute(v, connId, what);
      return out;
    }
    return value;
  }

  private async connect(id: string, timeoutMs: number, what: string): Promise<LiveConn> {
    const { scenario, target, live, urls } = this.ctx;
    const decl = scenario.connections.get(id);
    if (decl === undefined) throw new RecordError('RECORD_EXPECTATION_FAILED', `${what}: unknown connection ${id}`);
    const wanted = this.naming.user(decl.user);
    const { token, issued } = await present(target, wanted, decl.token);
    // A token source whose tokens all name one principal: the connection belongs to whoever the token names.
    const user = sharedIdentityOf(target) !== undefined ? (subjectOf(token) ?? wanted) : wanted;
    if (user !== wanted) this.naming.alias(decl.user, user);
    if (issued !== undefined) this.expiresAt.set(id, { at: issued.expiresAt ?? Infinity, wantedTtlS: decl.token.ttlS });
    const ttlS = decl.token.ttlS;
    // A scenario that asks for a short-lived token rests on getting one: a source that cannot make it (OAuth, static
    // tokens, a command without {ttl_s}) skips the scenario instead of failing it on a wait that can never end.
    if (
      ttlS !== undefined &&
      issued !== undefined &&
      !((issued.expiresAt ?? Infinity) <= Date.now() + (ttlS + 5) * 1000)
    ) {
      throw new RecordError(
        'RECORD_ASSUMPTION_UNMET',
        `${what}: the ${target.auth.kind} token source cannot issue a ${ttlS}-second token for ${id}`,
      );
    }
    const conn = await live.connect(this.naming.conn(id), {
      url: urls[decl.node % urls.length],
      user,
      token,
      tokenKind: decl.token.kind,
      via: decl.via,
      headers: target.headers,
      ...(this.ctx.ca !== undefined ? { ca: this.ctx.ca } : {}),
      timeoutMs: this.timeout(timeoutMs),
    });
    await live.waitUntil(
      () => conn.received.length > 0 || !conn.isOpen,
      this.timeout(timeoutMs),
      `${what}: ${conn.id}'s first frame`,
    );
    this.checkAcceptance(conn, decl.token.kind, what);
    return conn;
  }

  private checkAcceptance(conn: LiveConn, kind: string, what: string): void {
    const meantValid = kind === 'valid';
    if (meantValid && !conn.accepted) {
      const first = conn.received[0]?.msg;
      const why = first
        ? `${String(first.type)} ${String(first.error_code ?? '')}`.trim()
        : `close ${conn.closeInfo?.code}`;
      throw new RecordError('RECORD_EXPECTATION_FAILED', `${what}: ${conn.id}'s valid token was refused (${why})`);
    }
    if (!meantValid && conn.accepted) {
      throw new RecordError('RECORD_EXPECTATION_FAILED', `${what}: ${conn.id}'s ${kind} token was accepted`);
    }
  }

  private async reconnect(step: Step<'reconnect'>): Promise<void> {
    const what = describeStep(step);
    const conn = await this.connect(step.conn, step.timeoutMs, what);
    const user = this.naming.userOfConn(step.conn);
    const { live } = this.ctx;
    const runs =
      step.resume !== undefined
        ? await Promise.all(step.resume.map((r) => this.runFor(step.conn, r, what)))
        : [...live.runs.values()].filter((r) => r.user === user && !live.sawEnd(user, r.runId));
    for (const run of runs)
      conn.send({ type: 'resume', run_id: run.runId, last_seq: live.held.contiguous(user, run.runId) });
  }

  private async resume(step: Step<'resume'>): Promise<void> {
    const run = await this.runFor(step.conn, step.run, describeStep(step));
    const lastSeq = step.lastSeq ?? this.ctx.live.held.contiguous(this.naming.userOfConn(step.conn), run.runId);
    this.send(step.conn, { type: 'resume', run_id: run.runId, last_seq: lastSeq });
  }

  private sendRaw(step: Step<'send_raw'>): void {
    const conn = this.conn(step.conn);
    if (step.text !== undefined) conn.sendText(step.text);
    else if (step.binary !== undefined) conn.sendBinary(Buffer.from(step.binary, 'utf8'));
    else conn.sendText(oversizeText(step.oversize ?? 0));
  }

  private waitFor(step: Step<'wait_for'>): Promise<void> {
    const { live } = this.ctx;
    if (step.user !== undefined) {
      const user = this.naming.user(step.user);
      const conns = (): LiveConn[] => [...live.conns.values()].filter((c) => c.user === user);
      return waitFor(this.ctx, step, conns, user, this.timeout(step.timeoutMs));
    }
    const id = step.conn as string;
    return waitFor(this.ctx, step, () => [this.conn(id)], this.naming.userOfConn(id), this.timeout(step.timeoutMs));
  }

  private async waitClose(step: Step<'wait_close'>): Promise<void> {
    const conn = this.conn(step.conn);
    const what = `${describeStep(step)}: ${conn.id} closing`;
    await this.ctx.live.waitUntil(() => !conn.isOpen, this.timeout(step.timeoutMs), what);
    if (step.code !== undefined && conn.closeInfo?.code !== step.code) {
      throw new RecordError(
        'RECORD_EXPECTATION_FAILED',
        `${what}: closed with ${conn.closeInfo?.code}, expected ${step.code}`,
      );
    }
  }

  private async refresh(step: Step<'refresh'>): Promise<void> {
    const user = step.asUser !== undefined ? this.naming.user(step.asUser) : this.naming.userOfConn(step.conn);
    const { token } = await present(this.ctx.target, user, step.token);
    this.conn(step.conn).send({ type: 'auth_refresh', token: token ?? '' }, step.token.kind);
  }

  private async waitTokenExpiry(step: Step<'wait_token_expiry'>): Promise<void> {
    const what = describeStep(step);
    const expiry = this.expiresAt.get(step.conn);
    const wanted = expiry?.wantedTtlS;
    const until = (expiry?.at ?? Infinity) + this.leewayMs + 1000;
    const waitMs = until - Date.now();
    if (!Number.isFinite(waitMs) || waitMs > this.timeout(step.timeoutMs)) {
      const lifetime =
        expiry && Number.isFinite(expiry.at)
          ? `${Math.round((expiry.at - Date.now()) / 1000)} s left`
          : 'no known expiry';
      throw new RecordError(
        'RECORD_ASSUMPTION_UNMET',
        `${what}: the token source made ${step.conn} a token with ${lifetime}; the scenario needs it to expire within ${wanted ?? '?'} s`,
      );
    }
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  private async assumeRunning(step: Step<'assume_running'>): Promise<void> {
    const user = this.naming.userOfConn(step.conn);
    const run = await this.runFor(step.conn, step.run, describeStep(step));
    if (this.ctx.live.sawEnd(user, run.runId)) {
      const terminal = run.terminal?.type ?? loadProtocol().terminalTypes.values().next().value;
      throw new RecordError(
        'RECORD_ASSUMPTION_UNMET',
        `${step.assume} (the run had already ended with ${String(terminal)})`,
      );
    }
  }
}
