import type WebSocket from 'ws';
import * as records from '../../util/records';
import type { RequestTemplate } from './mix';
import { OwnRun, terminalOutcome } from './own-run';
import type { LoadContext } from './run-context';
import type { Random } from './random';
import { TabRun, TabRuns } from './tab-runs';
import { TabSocket, type ConnectSettings } from './tab-socket';
import { WheelTimer } from './timer-wheel';
import type { RunOutcome } from './counters';

// Bound once: compiled to CommonJS, every use of an imported binding is a getter call, and onFrame runs per frame.
const { isRecord } = records;

/** Settings every tab of a run shares. */
export interface TabSettings extends ConnectSettings {
  /** Pause between the end of a run and the next request, uniform in [min, max] ms. */
  thinkMs: { min: number; max: number };
  /** Give up on a run (failed, CLIENT_TIMEOUT) after this long without its terminal event. */
  runTimeoutMs: number;
  /** After the terminal event, how long missing events may take to arrive (resume replay) before they count as missing. */
  fillWaitMs: number;
}

/** What a tab needs from its virtual user. */
export interface TabOwner {
  readonly userId: string;
  readonly index: number;
  readonly random: Random;
  readonly ctx: LoadContext;
  readonly settings: TabSettings;
  /** The current access token (refreshed by the user before it expires). */
  accessToken(): string;
  /** The server reported a token problem (TOKEN_EXPIRED): get a new one. */
  tokenRejected(): void;
  /** The next request: its template and the start_agent to send. */
  nextRequest(): { template: RequestTemplate; requestId: string; msg: Record<string, unknown> };
}

/** Where a tab's request loop is. */
type LoopState = 'idle' | 'waiting' | 'running' | 'thinking' | 'done';

/**
 * One browser tab of a virtual user: one connection at a time ({@link TabSocket}), resuming its runs from the last
 * seq it holds after every reconnect, and a request loop as a small state machine on the timer wheel (wait for a
 * connection, start a run, wait for its outcome, think, repeat) with no promise or timer per frame. Every frame in
 * both directions goes through the run's one rules checker; delivery is counted exactly once per (run, seq) for the
 * tab that started the run.
 *
 * @example
 * const tab = new Tab(user, 0);
 * tab.start();   // connects and loops until the run stops
 */
export class Tab {
  readonly socket: TabSocket;
  private state: LoopState = 'idle';
  private readonly runs = new TabRuns();
  private current: OwnRun | undefined;
  private dropWhenAnswered = false;
  private readonly thinkTimer = new WheelTimer(() => this.onThinkDone());
  /**
   * Gives up on the run in flight (CLIENT_TIMEOUT) when its terminal event does not come. One per tab, not one per
   * run: a tab has at most one run in flight (`current`), and a run is settled before the next one starts.
   */
  private readonly runTimer = new WheelTimer(() => this.onRunTimeout());
  private readonly ctx: LoadContext;

  constructor(
    private readonly owner: TabOwner,
    readonly tabIndex: number,
  ) {
    this.ctx = owner.ctx;
    this.socket = new TabSocket(owner.ctx, owner.settings, owner, tabIndex, this);
  }

  get isEstablished(): boolean {
    return this.socket.established;
  }

  // ---- request loop --------------------------------------------------------------------------------------------

  /** Connects and starts the request loop. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'waiting';
    this.ctx.tabStarted();
    this.socket.connect();
  }

  /** The run is stopping: a loop waiting for a connection or thinking ends now; one with a run in flight after it. */
  wake(): void {
    if (this.state === 'waiting' || this.state === 'thinking') this.endLoop();
  }

  /** The load is over: the run still in flight counts as unfinished. */
  abandon(): void {
    if (this.current) this.settle(this.current, 'unfinished', 'RUN_UNFINISHED');
    this.endLoop();
  }

  /** Closes the connection normally (end of the run). */
  close(): Promise<void> {
    this.ctx.wheel.cancel(this.thinkTimer);
    this.ctx.wheel.cancel(this.runTimer);
    return this.socket.close();
  }

  private startRun(): void {
    if (this.ctx.stopping) return this.endLoop();
    this.state = 'running';
    const { template, requestId, msg } = this.owner.nextRequest();
    const ctx = this.ctx;
    const own = new OwnRun(template, requestId, msg, ctx.now());
    this.current = own;
    ctx.counters.runsStarted++;
    ctx.counters.runsInFlight++;
    ctx.series.runsStarted++;
    ctx.wheel.arm(this.runTimer, this.owner.settings.runTimeoutMs);
    if (!this.send(msg)) this.settle(own, 'failed', 'START_NOT_SENT');
  }

  /** Ends an own run once: counts it, then the loop thinks (or ends when the run is stopping). */
  private settle(own: OwnRun, outcome: RunOutcome, code?: string): void {
    if (own.settled) return;
    own.settled = true;
    const ctx = this.ctx;
    if (this.current === own) ctx.wheel.cancel(this.runTimer);
    ctx.counters.runEnded(outcome);
    if (code !== undefined) ctx.counters.error(code);
    ctx.series.runsEnded++;
    if (own.runId !== undefined) {
      const run = this.runs.active(own.runId);
      if (run?.own === own) run.own = undefined;
    }
    if (this.current !== own) return;
    this.current = undefined;
    if (this.state !== 'running') return;
    if (ctx.stopping) return this.endLoop();
    this.state = 'thinking';
    const { min, max } = this.owner.settings.thinkMs;
    ctx.wheel.arm(this.thinkTimer, this.owner.random.between(min, max));
  }

  private onRunTimeout(): void {
    if (this.current) this.settle(this.current, 'failed', 'CLIENT_TIMEOUT');
  }

  private onThinkDone(): void {
    if (this.state !== 'thinking') return;
    if (this.ctx.stopping) return this.endLoop();
    if (this.socket.established) this.startRun();
    else this.state = 'waiting';
  }

  private endLoop(): void {
    if (this.state === 'done' || this.state === 'idle') return;
    this.state = 'done';
    this.ctx.wheel.cancel(this.thinkTimer);
    this.ctx.tabDone();
  }

  // ---- connection ----------------------------------------------------------------------------------------------

  /**
   * A network drop (the user's flaky network). Deferred while a start_agent waits for its answer, so that every run
   * gets its agent_started; false when nothing was dropped now.
   */
  drop(reason: string): boolean {
    if (!this.socket.established) return false;
    if (this.current && !this.current.settled && this.current.runId === undefined) {
      this.dropWhenAnswered = true;
      return false;
    }
    this.dropWhenAnswered = false;
    return this.socket.drop(reason);
  }

  /** Sends an access token to extend the open connection (auth_refresh). */
  refreshToken(token: string): void {
    if (this.socket.established) this.send({ type: 'auth_refresh', token });
  }

  private send(msg: Record<string, unknown>): boolean {
    if (!this.socket.send(JSON.stringify(msg))) return false;
    this.ctx.live.frame(this.socket.connId, 'c2s', msg);
    return true;
  }

  /** Drops after the frame being handled (and the rest of its TCP read) is processed. */
  private dropSoon(reason: string): void {
    queueMicrotask(() => this.drop(reason));
  }

  // ---- frames --------------------------------------------------------------------------------------------------

  /**
   * One frame of the current connection: parsed once, checked by the rules, then acted on. The clock is read once:
   * the checker's time of the frame is also its arrival for the latencies.
   */
  onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    const ctx = this.ctx;
    const t = ctx.now();
    ctx.counters.framesReceived++;
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    let msg: unknown;
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(text);
    } catch {
      ctx.live.frame(this.socket.connId, 's2c', undefined, text, t);
      ctx.counters.error('SERVER_FRAME_NOT_JSON');
      return;
    }
    ctx.live.frame(this.socket.connId, 's2c', msg, undefined, t);
    if (!isRecord(msg)) return;
    if (msg.type === 'connection_established') return this.onEstablished();
    if (msg.type === 'error_message') return this.onErrorMessage(msg);
    if (typeof msg.run_id === 'string' && Number.isInteger(msg.seq)) this.onRunEvent(msg, t);
  }

  private onEstablished(): void {
    const socket = this.socket;
    if (socket.established) return;
    socket.markEstablished();
    // Resume every run this tab has not got completely, from the last seq it holds.
    for (const run of this.runs.all()) {
      run.onConnection(socket.gen, run.end);
      this.send({ type: 'resume', run_id: run.id, last_seq: run.end });
    }
    // A start whose answer went down with the socket: send it again with the same request_id. Either it never reached
    // the server (it starts now), or the server answers DUPLICATE_REQUEST with the run it started, which the tab
    // then resumes from the beginning (onErrorMessage).
    const own = this.current;
    if (own && !own.settled && own.runId === undefined) {
      own.resent = true;
      own.lastSentAt = this.ctx.now();
      if (!this.send(own.startMsg)) this.settle(own, 'failed', 'START_LOST');
    }
    if (this.state === 'waiting') this.startRun();
  }

  private onErrorMessage(msg: Record<string, unknown>): void {
    const code = typeof msg.error_code === 'string' ? msg.error_code : 'ERROR_MESSAGE';
    this.ctx.counters.error(code);
    if (code === 'TOKEN_EXPIRED') this.owner.tokenRejected();
    const own = this.current;
    if (own && own.runId === undefined && msg.request_id === own.requestId) {
      if (code === 'DUPLICATE_REQUEST' && typeof msg.run_id === 'string') this.adopt(own, msg.run_id);
      else this.settle(own, 'failed', code === 'DUPLICATE_REQUEST' && own.resent ? 'START_LOST' : undefined);
      if (this.dropWhenAnswered) this.drop('simulated network drop');
      return;
    }
    // A resume of a run the server no longer holds (expired or evicted): what is missing stays missing.
    if (code === 'FORBIDDEN' && typeof msg.run_id === 'string') {
      const run = this.runs.active(msg.run_id);
      if (run) this.complete(run, true);
    }
  }

  private onRunEvent(msg: Record<string, unknown>, t: number): void {
    const ctx = this.ctx;
    const runId = msg.run_id as string;
    const seq = msg.seq as number;
    const gen = this.socket.gen;
    ctx.counters.received++;
    ctx.series.events++;
    let run = this.runs.active(runId);
    if (run === undefined) {
      const done = this.runs.done(runId);
      // The tab holds every event of the run already: the rest of a replay it asked for (the run completed in the
      // middle of it) is a redelivery; only the same seq twice on one connection is a duplicate.
      if (done !== undefined) return this.countCopy(done, seq);
      run = new TabRun(runId, seq, gen);
      this.runs.follow(run);
      const own = this.current;
      if (
        msg.type === ctx.startType &&
        own !== undefined &&
        own.runId === undefined &&
        msg.request_id === own.requestId
      ) {
        own.runId = runId;
        run.own = own;
      }
    }
    if (run.held.has(seq)) return this.countCopy(run, seq);
    if (!run.firstOnConnection(gen, seq)) {
      ctx.counters.duplicates++;
      return;
    }
    run.hold(seq);
    const terminal = ctx.terminalTypes.has(msg.type as string);
    if (terminal && run.terminalSeq === undefined)
      run.noteTerminal(seq, terminalOutcome(msg), typeof msg.code === 'string' ? msg.code : undefined);
    if (run.own !== undefined && !run.own.settled) this.onOwnEvent(run, run.own, msg, terminal, t);
    if (run.terminalSeq === undefined) return;
    if (run.end >= run.terminalSeq) this.complete(run, false);
    else if (run.fillTimer === undefined) {
      const waiting = run;
      run.fillTimer = new WheelTimer(() => this.complete(waiting, true));
      ctx.wheel.arm(run.fillTimer, this.owner.settings.fillWaitMs);
    }
  }

  /** An event of a run this tab started: latencies, and what the mix asks (cancel or drop after N events). */
  private onOwnEvent(run: TabRun, own: OwnRun, msg: Record<string, unknown>, terminal: boolean, now: number): void {
    const ctx = this.ctx;
    own.events++;
    if (msg.type === ctx.startType && own.firstAt === undefined) {
      own.firstAt = now;
      ctx.recordFirstEvent(now - own.lastSentAt);
      if (this.dropWhenAnswered) this.dropSoon('simulated network drop');
    }
    if (terminal && own.terminalAt === undefined) {
      own.terminalAt = now;
      ctx.recordCompletion(now - own.sentAt);
    }
    const { cancelAfterEvents, dropAfterEvents } = own.template;
    if (run.terminalSeq === undefined) {
      if (cancelAfterEvents !== undefined && own.events >= cancelAfterEvents && !own.cancelSent) {
        own.cancelSent = true;
        this.send({ type: 'cancel_run', run_id: run.id });
      }
      if (dropAfterEvents !== undefined && own.events >= dropAfterEvents && !own.dropped) {
        own.dropped = true;
        this.dropSoon('mix: reconnect mid-run');
      }
    }
    if (terminal) own.noteTerminal(msg);
  }

  /**
   * Counts a copy of a seq the tab already holds: a duplicate when this connection already delivered it (or the
   * tab's resume on it said it held it: the provider sent it anyway), else a redelivery (a replay after a resume).
   */
  private countCopy(run: TabRun, seq: number): void {
    if (run.firstOnConnection(this.socket.gen, seq)) this.ctx.counters.redelivered++;
    else this.ctx.counters.duplicates++;
  }

  /**
   * DUPLICATE_REQUEST named the run that the lost start_agent started: it is this tab's run after all. Resume it from
   * the beginning (the tab may already follow it, joined under way, or even hold its end).
   */
  private adopt(own: OwnRun, runId: string): void {
    const ctx = this.ctx;
    const gen = this.socket.gen;
    own.runId = runId;
    // Its first event comes in the replay, not as an answer: no first-event latency for this run.
    own.firstAt = ctx.now();
    const run = this.runs.active(runId) ?? this.runs.done(runId) ?? new TabRun(runId, 1, gen);
    this.runs.follow(run);
    run.own = own;
    run.restartFromOne(gen);
    own.events = run.held.size;
    if (run.terminalSeq !== undefined) {
      own.terminalType = run.terminalType;
      own.terminalCode = run.terminalCode;
      own.terminalAt = ctx.now();
      ctx.recordCompletion(own.terminalAt - own.sentAt);
    }
    this.send({ type: 'resume', run_id: runId, last_seq: 0 });
  }

  /** The tab is done with a run: counts its delivery (own runs) and forgets it. */
  private complete(run: TabRun, timedOut: boolean): void {
    if (!this.runs.finish(run)) return;
    this.ctx.wheel.cancel(run.fillTimer);
    const own = run.own;
    // A finished run is remembered (for redeliveries) long after its outcome is counted: not with its request.
    run.own = undefined;
    if (own === undefined || own.settled) return;
    const counters = this.ctx.counters;
    if (run.terminalSeq !== undefined) {
      const delivered = run.held.countBetween(1, run.terminalSeq);
      counters.expected += run.terminalSeq;
      counters.delivered += delivered;
      counters.missing += run.terminalSeq - delivered;
      const outcome = own.terminalType ?? 'completed';
      this.settle(own, outcome, outcome === 'failed' ? own.terminalCode : undefined);
    } else {
      this.settle(own, 'failed', timedOut ? 'RUN_LOST' : undefined);
    }
  }
}
