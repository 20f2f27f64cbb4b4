import { loadProtocol } from '../../protocol';
import WebSocket from 'ws';
import { buildStartAgent, type RequestTemplate } from './mix';
import type { LoadSession } from './session';

const MAX_FINISHED_REMEMBERED = 256;

/** What a tab needs from its virtual user. */
export interface TabOwner {
  readonly userId: string;
  readonly index: number;
  readonly session: LoadSession;
  readonly settings: TabSettings;
  /** The current access token (refreshed by the user before it expires). */
  accessToken(): string;
  /** A token problem was reported by the server (TOKEN_EXPIRED): get a new one before the next connect. */
  tokenRejected(): void;
  nextRequestId(): string;
  pickTemplate(): RequestTemplate;
  pick<T>(items: readonly T[]): T;
  between(min: number, max: number): number;
  chance(p: number): boolean;
}

/** Per-run settings every tab shares. */
export interface TabSettings {
  wsUrl: string;
  sourceAddress: () => string | undefined;
  subprotocolShare: number;
  thinkMs: { min: number; max: number };
  /** Give up on a run (failed, CLIENT_TIMEOUT) after this long without its terminal event. */
  runTimeoutMs: number;
  /** After the terminal event, how long missing events may take to arrive (resume replay) before they count as missing. */
  fillWaitMs: number;
  handshakeTimeoutMs: number;
}

/** A run this tab started, from start_agent to its outcome. */
interface OwnRun {
  template: RequestTemplate;
  requestId: string;
  /** The start_agent as sent: sent again, same request_id, when the connection died before its answer. */
  startMsg: Record<string, unknown>;
  /** The start_agent was sent again on a new connection. */
  resent: boolean;
  sentAt: number;
  /** When the start_agent that got the answer was sent (the resend, if any): first-event latency counts from it. */
  lastSentAt: number;
  runId?: string;
  firstAt?: number;
  terminalAt?: number;
  events: number;
  /** How the run ended, from its terminal event. */
  terminalType?: 'completed' | 'cancelled' | 'failed';
  /** agent_error.code of a failed run. */
  terminalCode?: string;
  cancelSent: boolean;
  dropped: boolean;
  settled: boolean;
  timer?: NodeJS.Timeout;
  fillTimer?: NodeJS.Timeout;
  resolve: () => void;
}

/** What this tab holds of one run (its own or another tab's of the same user). */
interface TabRun {
  id: string;
  held: Set<number>;
  /** First seq this tab received of the run (1 for its own runs; later for a run it joined under way). */
  base: number;
  /** Highest seq with every seq from `base` up to it held: the `last_seq` of a resume. */
  end: number;
  terminalSeq?: number;
  /** How the run ended and agent_error.code, kept for a run the tab adopts as its own after the terminal event. */
  terminalType?: 'completed' | 'cancelled' | 'failed';
  terminalCode?: string;
  /** Per current connection: what it delivered, and the last_seq this tab claimed on it in a resume. */
  conn: { gen: number; seen: Set<number>; claimed: number };
  own?: OwnRun;
  fillTimer?: NodeJS.Timeout;
}

/**
 * One browser tab of a virtual user: one WebSocket at a time (reconnecting after drops, resuming its runs with the
 * last seq it holds), and a loop of requests from the mix. Every frame in both directions goes through the run's
 * one rules checker; delivery is counted exactly once per (run, seq) for the tab that started the run.
 *
 * @example
 * const tab = new Tab(user, 0);
 * tab.connect();
 * await tab.loop(); // until session.stop()
 */
export class Tab {
  private ws: WebSocket | undefined;
  /** Connection generation: bumps on every connect and on every close/drop, so late events of old sockets are ignored. */
  private gen = 0;
  private connId = '';
  private established = false;
  private connecting = false;
  private backoffMs = 250;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly runs = new Map<string, TabRun>();
  /** Runs this tab is done with (the newest few): their replays still in flight are redeliveries, not duplicates. */
  private readonly finished = new Map<string, TabRun>();
  private current: OwnRun | undefined;
  private dropWhenAnswered = false;
  private openWaiters: (() => void)[] = [];
  private closedWaiter: (() => void) | undefined;

  constructor(
    private readonly owner: TabOwner,
    readonly tabIndex: number,
  ) {}

  get isEstablished(): boolean {
    return this.established;
  }

  private get session(): LoadSession {
    return this.owner.session;
  }

  // ---- request loop --------------------------------------------------------------------------------------------

  /** Requests from the mix until the session stops: start, wait for the outcome, think, repeat. */
  async loop(): Promise<void> {
    while (!this.session.stopping) {
      await this.whenOpen();
      if (this.session.stopping) break;
      await this.startOne();
      if (this.session.stopping) break;
      const { min, max } = this.owner.settings.thinkMs;
      await this.session.sleep(this.owner.between(min, max));
    }
  }

  private startOne(): Promise<void> {
    const template = this.owner.pickTemplate();
    const requestId = this.owner.nextRequestId();
    const msg = buildStartAgent(template, this.owner.pick(template.userRequests), this.owner.userId, requestId);
    const counters = this.session.counters;
    return new Promise<void>((resolve) => {
      const own: OwnRun = {
        template,
        requestId,
        startMsg: msg,
        resent: false,
        sentAt: this.session.now(),
        lastSentAt: 0,
        events: 0,
        cancelSent: false,
        dropped: false,
        settled: false,
        resolve,
      };
      own.lastSentAt = own.sentAt;
      this.current = own;
      counters.runsStarted++;
      counters.runsInFlight++;
      this.session.window.runsStarted++;
      own.timer = this.session.after(this.owner.settings.runTimeoutMs, () =>
        this.settle(own, 'failed', 'CLIENT_TIMEOUT'),
      );
      if (!this.send(msg)) this.settle(own, 'failed', 'START_NOT_SENT');
    });
  }

  /** Ends an own run once: counts it and wakes the loop. */
  private settle(own: OwnRun, outcome: 'completed' | 'cancelled' | 'failed' | 'unfinished', code?: string): void {
    if (own.settled) return;
    own.settled = true;
    this.session.cancel(own.timer);
    this.session.cancel(own.fillTimer);
    const counters = this.session.counters;
    counters.runsInFlight--;
    if (outcome === 'completed' || outcome === 'cancelled') {
      counters.runsCompleted++;
      if (outcome === 'cancelled') counters.runsCancelled++;
    } else {
      counters.runsFailed++;
      if (outcome === 'unfinished') counters.runsUnfinished++;
    }
    if (code !== undefined) this.session.error(code);
    this.session.window.runsEnded++;
    if (this.current === own) this.current = undefined;
    if (own.runId !== undefined) {
      const run = this.runs.get(own.runId);
      if (run?.own === own) run.own = undefined;
    }
    own.resolve();
  }

  /** Session over: the run still in flight counts as unfinished. */
  abandon(): void {
    if (this.current) this.settle(this.current, 'unfinished', 'RUN_UNFINISHED');
  }

  // ---- connection ----------------------------------------------------------------------------------------------

  /** Opens a connection (no-op while one is open or opening). */
  connect(): void {
    if (this.session.closing || this.ws !== undefined || this.connecting) return;
    this.connecting = true;
    const gen = ++this.gen;
    const settings = this.owner.settings;
    const token = this.owner.accessToken();
    const browser = this.owner.chance(settings.subprotocolShare);
    const options: WebSocket.ClientOptions = {
      perMessageDeflate: false,
      handshakeTimeout: settings.handshakeTimeoutMs,
    };
    const localAddress = settings.sourceAddress();
    if (localAddress !== undefined) (options as { localAddress?: string }).localAddress = localAddress;
    if (!browser) options.headers = { Authorization: `Bearer ${token}` };
    const ws = browser
      ? new WebSocket(settings.wsUrl, [`jwt.${token}`], options)
      : new WebSocket(settings.wsUrl, options);
    this.ws = ws;
    let opened = false;
    ws.on('open', () => {
      if (gen !== this.gen) return;
      opened = true;
      this.connecting = false;
      this.connId = `u${this.owner.index}.t${this.tabIndex}.c${gen}`;
      this.session.live.open(this.connId, this.owner.userId);
      this.session.connectionOpened();
    });
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (gen === this.gen) this.onFrame(data, isBinary);
    });
    ws.on('unexpected-response', (_req, res) => {
      if (gen === this.gen) this.session.error(`HANDSHAKE_HTTP_${res.statusCode ?? 0}`);
      ws.terminate();
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (gen === this.gen && !opened) this.session.error(connectErrorCode(err));
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (gen === this.gen) this.onClosed(opened, code, reason.toString());
      if (this.ws === ws) this.ws = undefined;
      if (this.ws === undefined) this.closedWaiter?.();
    });
  }

  private onClosed(opened: boolean, code: number, reason: string): void {
    this.gen++;
    this.connecting = false;
    const counters = this.session.counters;
    if (opened) {
      this.session.live.close(this.connId, code, reason, 'server');
      counters.connectionsOpen--;
      counters.serverCloses++;
      this.session.error(`CLOSED_${code}`);
      this.backoffMs = 250;
    } else {
      counters.connectFailures++;
      this.backoffMs = Math.min(5_000, this.backoffMs * 2);
    }
    this.established = false;
    this.ws = undefined;
    this.scheduleReconnect(this.owner.between(this.backoffMs / 2, this.backoffMs));
  }

  private scheduleReconnect(ms: number): void {
    if (this.session.closing) return;
    this.session.cancel(this.reconnectTimer);
    this.reconnectTimer = this.session.after(ms, () => {
      this.reconnectTimer = undefined;
      this.connect();
    });
  }

  /**
   * A network drop as a client sees it: the socket is destroyed without a close handshake, then the tab reconnects
   * and resumes. Deferred while a start_agent waits for its answer, so that every run gets its agent_started.
   */
  drop(reason: string): boolean {
    if (!this.established || this.ws === undefined) return false;
    if (this.current && !this.current.settled && this.current.runId === undefined) {
      this.dropWhenAnswered = true;
      return false;
    }
    this.dropWhenAnswered = false;
    const ws = this.ws;
    this.gen++;
    this.established = false;
    this.ws = undefined;
    this.session.live.close(this.connId, 1006, reason, 'client');
    this.session.counters.connectionsOpen--;
    this.session.counters.drops++;
    ws.terminate();
    this.scheduleReconnect(this.owner.between(50, 500));
    return true;
  }

  /** Closes the connection normally (end of the run); resolves when the socket is gone (bounded). */
  async close(): Promise<void> {
    this.session.cancel(this.reconnectTimer);
    const ws = this.ws;
    if (ws === undefined) return;
    if (this.established || ws.readyState === WebSocket.OPEN) {
      this.session.live.close(this.connId, 1000, 'load finished', 'client');
      this.session.counters.connectionsOpen--;
    }
    this.gen++;
    this.established = false;
    const gone = new Promise<void>((resolve) => (this.closedWaiter = resolve));
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'load finished');
    else ws.terminate();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gone, new Promise<void>((resolve) => (timer = setTimeout(resolve, 3_000)))]);
    clearTimeout(timer);
    if (this.ws === ws) {
      ws.terminate();
      this.ws = undefined;
    }
  }

  /** Sends an access token to extend the open connection (auth_refresh). */
  refreshToken(token: string): void {
    if (this.established) this.send({ type: 'auth_refresh', token });
  }

  private whenOpen(): Promise<void> {
    if (this.established || this.session.stopping) return Promise.resolve();
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }

  /** Wakes a loop waiting for a connection (the session is stopping). */
  wake(): void {
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const wake of waiters) wake();
  }

  private send(msg: Record<string, unknown>): boolean {
    const ws = this.ws;
    if (!this.established || ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    this.session.live.frame(this.connId, 'c2s', msg);
    return true;
  }

  // ---- frames --------------------------------------------------------------------------------------------------

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
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
      this.session.live.frame(this.connId, 's2c', undefined, text);
      this.session.error('SERVER_FRAME_NOT_JSON');
      return;
    }
    this.session.live.frame(this.connId, 's2c', msg);
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return;
    const frame = msg as Record<string, unknown>;
    if (frame.type === 'connection_established') return this.onEstablished();
    if (frame.type === 'error_message') return this.onErrorMessage(frame);
    if (typeof frame.run_id === 'string' && typeof frame.seq === 'number' && Number.isInteger(frame.seq))
      this.onRunEvent(frame);
  }

  private onEstablished(): void {
    if (this.established) return;
    this.established = true;
    this.backoffMs = 250;
    const gen = this.gen;
    // Resume every run this tab has not got completely (the run it is waiting for first), from the last seq it holds.
    for (const run of this.runs.values()) {
      run.conn = { gen, seen: new Set(), claimed: run.end };
      this.send({ type: 'resume', run_id: run.id, last_seq: run.end });
    }
    // A start whose answer went down with the socket: send it again with the same request_id. Either it never reached
    // the server (it starts now), or the server answers DUPLICATE_REQUEST with the run it started, which the tab
    // then resumes from the beginning (onErrorMessage).
    const own = this.current;
    if (own && !own.settled && own.runId === undefined) {
      own.resent = true;
      own.lastSentAt = this.session.now();
      if (!this.send(own.startMsg)) this.settle(own, 'failed', 'START_LOST');
    }
    this.wake();
  }

  private onErrorMessage(msg: Record<string, unknown>): void {
    const code = typeof msg.error_code === 'string' ? msg.error_code : 'ERROR_MESSAGE';
    this.session.error(code);
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
      const run = this.runs.get(msg.run_id);
      if (run) this.complete(run, true);
    }
  }

  private onRunEvent(msg: Record<string, unknown>): void {
    const session = this.session;
    const counters = session.counters;
    const runId = msg.run_id as string;
    const seq = msg.seq as number;
    const type = msg.type as string;
    counters.received++;
    session.window.events++;
    const done = this.finished.get(runId);
    if (done !== undefined) {
      // The tab holds every event of the run already: the rest of a replay it asked for (the run completed in the
      // middle of it) is a redelivery; only the same seq twice on one connection is a duplicate.
      this.countCopy(done, seq);
      return;
    }
    let run = this.runs.get(runId);
    if (run === undefined) {
      run = {
        id: runId,
        held: new Set(),
        base: seq,
        end: seq - 1,
        conn: { gen: this.gen, seen: new Set(), claimed: 0 },
      };
      this.runs.set(runId, run);
      const own = this.current;
      if (type === 'agent_started' && own && own.runId === undefined && msg.request_id === own.requestId) {
        own.runId = runId;
        run.own = own;
      }
    }
    if (run.held.has(seq)) {
      this.countCopy(run, seq);
      return;
    }
    if (!this.firstOnConnection(run, seq)) return;
    run.held.add(seq);
    if (seq < run.base) run.base = seq;
    while (run.held.has(run.end + 1)) run.end++;
    if (loadProtocol().terminalTypes.has(type) && run.terminalSeq === undefined) {
      run.terminalSeq = seq;
      run.terminalType = terminalOutcome(msg);
      if (typeof msg.code === 'string') run.terminalCode = msg.code;
    }

    const own = run.own;
    if (own && !own.settled) {
      own.events++;
      const now = session.now();
      if (type === 'agent_started' && own.firstAt === undefined) {
        own.firstAt = now;
        session.recordFirstEvent(now - own.lastSentAt);
        if (this.dropWhenAnswered) setImmediate(() => this.drop('simulated network drop'));
      }
      if (loadProtocol().terminalTypes.has(type) && own.terminalAt === undefined) {
        own.terminalAt = now;
        session.recordCompletion(now - own.sentAt);
      }
      const { cancelAfterEvents, dropAfterEvents } = own.template;
      if (
        run.terminalSeq === undefined &&
        cancelAfterEvents !== undefined &&
        own.events >= cancelAfterEvents &&
        !own.cancelSent
      ) {
        own.cancelSent = true;
        this.send({ type: 'cancel_run', run_id: runId });
      }
      if (
        run.terminalSeq === undefined &&
        dropAfterEvents !== undefined &&
        own.events >= dropAfterEvents &&
        !own.dropped
      ) {
        own.dropped = true;
        setImmediate(() => this.drop('mix: reconnect mid-run'));
      }
      if (loadProtocol().terminalTypes.has(type)) {
        own.terminalType = terminalOutcome(msg);
        if (typeof msg.code === 'string') own.terminalCode = msg.code;
      }
    }
    if (run.terminalSeq !== undefined) {
      if (run.end >= run.terminalSeq) this.complete(run, false);
      else if (run.fillTimer === undefined) {
        const waiting = run;
        run.fillTimer = session.after(this.owner.settings.fillWaitMs, () => this.complete(waiting, true));
      }
    }
  }

  /**
   * Counts a copy of a seq the tab already holds: a duplicate when this connection already delivered it (or the
   * tab's resume on it said it held it: the provider sent it anyway), else a redelivery (a replay after a resume).
   */
  private countCopy(run: TabRun, seq: number): void {
    if (this.firstOnConnection(run, seq)) this.session.counters.redelivered++;
  }

  /** Records that the current connection delivered `seq`; false (a duplicate, counted) when it had already. */
  private firstOnConnection(run: TabRun, seq: number): boolean {
    if (run.conn.gen !== this.gen) run.conn = { gen: this.gen, seen: new Set(), claimed: 0 };
    if (run.conn.seen.has(seq) || seq <= run.conn.claimed) {
      this.session.counters.duplicates++;
      return false;
    }
    run.conn.seen.add(seq);
    return true;
  }

  /**
   * DUPLICATE_REQUEST named the run that the lost start_agent started: it is this tab's run after all. Resume it from
   * the beginning (the tab may already follow it, joined under way, or even hold its end).
   */
  private adopt(own: OwnRun, runId: string): void {
    const session = this.session;
    own.runId = runId;
    // Its agent_started comes in the replay, not as an answer: no first-event latency for this run.
    own.firstAt = session.now();
    let run = this.runs.get(runId) ?? this.finished.get(runId);
    this.finished.delete(runId);
    if (run === undefined) {
      run = { id: runId, held: new Set(), base: 1, end: 0, conn: { gen: this.gen, seen: new Set(), claimed: 0 } };
    }
    this.runs.set(runId, run);
    run.own = own;
    run.base = 1;
    run.end = 0;
    while (run.held.has(run.end + 1)) run.end++;
    if (run.conn.gen !== this.gen) run.conn = { gen: this.gen, seen: new Set(), claimed: 0 };
    run.conn.claimed = 0;
    own.events = run.held.size;
    if (run.terminalSeq !== undefined) {
      own.terminalType = run.terminalType;
      own.terminalCode = run.terminalCode;
      own.terminalAt = session.now();
      session.recordCompletion(own.terminalAt - own.sentAt);
    }
    this.send({ type: 'resume', run_id: runId, last_seq: 0 });
  }

  /** The tab is done with a run: counts its delivery (own runs) and forgets it. */
  private complete(run: TabRun, timedOut: boolean): void {
    if (!this.runs.has(run.id)) return;
    this.session.cancel(run.fillTimer);
    this.runs.delete(run.id);
    this.finished.set(run.id, run);
    if (this.finished.size > MAX_FINISHED_REMEMBERED) this.finished.delete(this.finished.keys().next().value as string);
    const own = run.own;
    if (own === undefined || own.settled) return;
    const counters = this.session.counters;
    if (run.terminalSeq !== undefined) {
      let delivered = 0;
      for (const seq of run.held) if (seq <= run.terminalSeq) delivered++;
      counters.expected += run.terminalSeq;
      counters.delivered += delivered;
      counters.missing += run.terminalSeq - delivered;
      const outcome = own.terminalType ?? 'completed';
      this.settle(own, outcome === 'failed' ? 'failed' : outcome, outcome === 'failed' ? own.terminalCode : undefined);
    } else {
      this.settle(own, 'failed', timedOut ? 'RUN_LOST' : undefined);
    }
  }
}

/** A stable code for a failed connection attempt (ws reports some failures with a message only). */
function connectErrorCode(err: NodeJS.ErrnoException): string {
  if (typeof err.code === 'string') return `CONNECT_${err.code.replace(/[^A-Z0-9_]/gi, '_').toUpperCase()}`;
  if (/handshake has timed out/i.test(err.message)) return 'CONNECT_HANDSHAKE_TIMEOUT';
  if (/socket hang up/i.test(err.message)) return 'CONNECT_SOCKET_HANG_UP';
  if (/Unexpected server response/i.test(err.message)) return 'CONNECT_UNEXPECTED_RESPONSE';
  return 'CONNECT_FAILED';
}

function terminalOutcome(msg: Record<string, unknown>): 'completed' | 'cancelled' | 'failed' {
  if (msg.type === 'agent_error') return 'failed';
  return msg.status === 'cancelled' ? 'cancelled' : 'completed';
}
