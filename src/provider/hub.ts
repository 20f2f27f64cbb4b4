import { loadProtocol, type Protocol } from '../protocol';
import type { Connection } from './connection';
import type { DurableEventLog } from './event-log-file';
import { newId, nowIso } from './ids';
import type { Logger } from './logger';
import { checkServerMessage, type SchemaErrorItem } from './outgoing';
import { Run, RunStopped, type RunContext, type RunEventBody, type RunStopKind } from './run';

/**
 * TEST-ONLY fault injection. `corruptEvent` sees every run event the agents cause (after the provider built it,
 * before validation) and may return a broken one, to prove that an invalid event never reaches the wire: the run
 * ends with agent_error CONTRACT_VIOLATION instead. Never set it outside tests.
 */
export interface FaultInjection {
  corruptEvent?: (event: Record<string, unknown>) => Record<string, unknown>;
}

/** Settings of the {@link RunHub}. */
export interface HubOptions {
  retentionMs: number;
  maxRetainedRuns: number;
  maxRetainedBytes: number;
  maxRunsPerUser: number;
  maxEventsPerRun: number;
  requestIdsPerUser: number;
  logger: Logger;
  faultInjection?: FaultInjection;
  eventLog?: DurableEventLog;
}

interface UserState {
  readonly conns: Set<Connection>;
  /** The user's runs still going (a new connection follows them from the moment it is attached). */
  readonly activeRuns: Set<Run>;
  /** request_id -> the run it started and Date.now() until which it is remembered; insertion order is expiry order. */
  readonly requestIds: Map<string, RememberedRequest>;
}

interface RememberedRequest {
  until: number;
  runId: string;
  threadId: string;
}

/** The run a request_id of the user already started (what a DUPLICATE_REQUEST refusal tells the client). */
export interface StartedRequest {
  runId: string;
  threadId: string;
}

interface ThreadState {
  readonly userId: string;
  /** Runs of the thread still held (running or retained); the thread is forgotten with its last run. */
  runs: number;
}

/** Why a start_agent is refused before a run exists (each is an error_message code). */
export type StartRefusal = 'DUPLICATE_REQUEST' | 'FORBIDDEN' | 'TOO_MANY_RUNS';

/** Counters of {@link RunHub.stats}. */
export interface HubStats {
  connections: number;
  users: number;
  activeRuns: number;
  retainedRuns: number;
  retainedBytes: number;
  runsStarted: number;
  runsEnded: number;
  runsEvicted: number;
  eventsCommitted: number;
  contractViolations: number;
}

/**
 * The provider's state, independent of sockets: users and their open connections, threads and runs with their
 * owners, each run's event log with its seq, fan-out, resume, cancel and retention. Every event goes through
 * {@link RunHub.emit}: built, checked (run invariants + generated validator) ONCE, serialised ONCE, appended to the
 * run's log (and the durable log), then handed as the same string to every following connection of the user, all
 * in one synchronous step so a resume can never interleave with an emission.
 */
export class RunHub {
  private readonly users = new Map<string, UserState>();
  private readonly runs = new Map<string, Run>();
  private readonly threads = new Map<string, ThreadState>();
  private readonly connections = new Set<Connection>();
  private endedQueue: Run[] = [];
  private endedHead = 0;
  private activeCount = 0;
  private retainedBytes = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly protocol: Protocol = loadProtocol();
  private readonly counters = {
    runsStarted: 0,
    runsEnded: 0,
    runsEvicted: 0,
    eventsCommitted: 0,
    contractViolations: 0,
  };

  constructor(private readonly opts: HubOptions) {}

  // ---- connections --------------------------------------------------------------------------------------------

  /**
   * Registers an authenticated connection. From now on it receives every event of its user's runs: of the runs
   * still going, the events emitted from this moment on (what came before is the client's to `resume`), and every
   * event of the runs started later.
   */
  attach(conn: Connection): void {
    this.connections.add(conn);
    const user = this.user(conn.userId);
    user.conns.add(conn);
    for (const run of user.activeRuns) conn.follow(run.ctx.runId, run.head);
  }

  /** Forgets a connection (closed, expired, slow). Its user's runs go on and stay available to `resume`. */
  detach(conn: Connection): void {
    this.connections.delete(conn);
    const user = this.users.get(conn.userId);
    if (user === undefined) return;
    user.conns.delete(conn);
    this.forgetUserIfIdle(conn.userId, user);
  }

  /** Every attached connection (for the heartbeat, expiry and drain sweeps). */
  allConnections(): IterableIterator<Connection> {
    return this.connections.values();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  // ---- runs ---------------------------------------------------------------------------------------------------

  /** Why `userId` may not start a run now, or undefined when it may. Unknown and foreign threads look the same. */
  checkStart(
    userId: string,
    requestId: string,
    threadId: string | undefined,
    now = Date.now(),
  ): StartRefusal | undefined {
    const user = this.users.get(userId);
    if (this.startedBy(userId, requestId, now) !== undefined) return 'DUPLICATE_REQUEST';
    if (threadId !== undefined && this.threads.get(threadId)?.userId !== userId) return 'FORBIDDEN';
    if (user !== undefined && user.activeRuns.size >= this.opts.maxRunsPerUser) return 'TOO_MANY_RUNS';
    return undefined;
  }

  /**
   * The run that `userId`'s start_agent with this request_id started, while the request_id is remembered: a client
   * that lost its connection before agent_started can resume it instead of starting it again.
   */
  startedBy(userId: string, requestId: string, now = Date.now()): StartedRequest | undefined {
    const remembered = this.users.get(userId)?.requestIds.get(requestId);
    if (remembered === undefined || remembered.until <= now) return undefined;
    return { runId: remembered.runId, threadId: remembered.threadId };
  }

  /**
   * Creates a run (and its thread when none is given) for a start_agent that passed {@link checkStart}. Every open
   * connection of the user follows it from seq 1. Emits nothing: the run loop emits agent_started.
   */
  startRun(input: {
    userId: string;
    requestId: string;
    threadId?: string;
    connectionId: string;
    agentName: string;
  }): Run {
    const threadId = input.threadId ?? newId('thr');
    let thread = this.threads.get(threadId);
    if (thread === undefined) {
      thread = { userId: input.userId, runs: 0 };
      this.threads.set(threadId, thread);
    }
    thread.runs++;
    const ctx: RunContext = {
      runId: newId('run'),
      threadId,
      userId: input.userId,
      requestId: input.requestId,
      connectionId: input.connectionId,
      agentName: input.agentName,
    };
    const run = new Run(ctx);
    this.runs.set(ctx.runId, run);
    const user = this.user(ctx.userId);
    user.activeRuns.add(run);
    this.activeCount++;
    this.counters.runsStarted++;
    this.rememberRequest(user, ctx);
    for (const conn of user.conns) conn.follow(ctx.runId, 0);
    return run;
  }

  /**
   * Emits one event the agents caused. Returns false when it was not sent: the run already ended, or the event
   * broke the contract, in which case the run has just ended with agent_error CONTRACT_VIOLATION.
   */
  emit(run: Run, body: RunEventBody): boolean {
    if (run.ended) {
      this.opts.logger.error('run event after the terminal event dropped', { run_id: run.ctx.runId, type: body.type });
      return false;
    }
    if (run.head >= this.opts.maxEventsPerRun) {
      this.finish(
        run,
        {
          type: 'agent_error',
          code: 'AGENT_FAILED',
          message: 'The run produced too many events and was stopped.',
          retryable: false,
        },
        'violation',
      );
      return false;
    }
    let event = this.build(run, body);
    const corrupt = this.opts.faultInjection?.corruptEvent;
    if (corrupt !== undefined) {
      try {
        event = corrupt(event);
      } catch (err) {
        this.opts.logger.error('faultInjection.corruptEvent threw', { error: err });
      }
    }
    const problems = this.problemsOf(run, event);
    if (problems !== undefined) {
      this.counters.contractViolations++;
      this.opts.logger.error(
        'contract violation: an invalid run event was not sent; the run ends with CONTRACT_VIOLATION',
        {
          run_id: run.ctx.runId,
          user_id: run.ctx.userId,
          seq: run.head + 1,
          type: isRecord(event) ? event.type : typeof event,
          errors: problems.slice(0, 10),
        },
      );
      this.finish(
        run,
        {
          type: 'agent_error',
          code: 'CONTRACT_VIOLATION',
          message: 'The server caught itself about to send an invalid event and stopped the run.',
          retryable: false,
        },
        'violation',
      );
      return false;
    }
    this.commit(run, event);
    return true;
  }

  /**
   * Ends a run from the provider's side (cancel, timeout, shutdown, contract violation): agent_started if the run
   * has none yet, a tool_completed (status error) for every open tool call, then `terminal`; then aborts the
   * agent with `stopKind` so it stops calling its AgentIO.
   */
  finish(run: Run, terminal: RunEventBody, stopKind?: RunStopKind): void {
    if (run.ended) return;
    if (run.head === 0) this.commitTrusted(run, { type: 'agent_started', request_id: run.ctx.requestId });
    this.closeOpenToolCalls(run, typeof terminal.code === 'string' ? terminal.code : 'CANCELLED');
    this.commitTrusted(run, terminal);
    if (!run.ended) {
      // Only possible if the provider itself cannot build a valid terminal event: end the run without one.
      this.opts.logger.error('run ended without a terminal event', { run_id: run.ctx.runId });
      this.markEnded(run);
    }
    if (stopKind !== undefined && !run.abort.signal.aborted) run.abort.abort(new RunStopped(stopKind));
  }

  /**
   * Emits a tool_completed (status error, `code`) for every tool call of the run still open, so that every
   * tool_executing is paired before the terminal event.
   */
  closeOpenToolCalls(run: Run, code: string): void {
    const now = performance.now();
    for (const [callId, call] of [...run.openToolCalls]) {
      this.commitTrusted(run, {
        type: 'tool_completed',
        tool_call_id: callId,
        tool_name: call.toolName,
        status: 'error',
        results: {},
        error: { code, message: 'The run ended before this tool call finished.' },
        execution_time_ms: Math.max(0, Math.round(now - call.startedAt)),
      });
    }
  }

  /** Ends every running run with agent_error PROVIDER_RESTARTED (retryable): the drain grace is over. */
  stopAll(): number {
    let stopped = 0;
    for (const run of [...this.runs.values()]) {
      if (run.ended) continue;
      stopped++;
      this.finish(
        run,
        {
          type: 'agent_error',
          code: 'PROVIDER_RESTARTED',
          message: 'The server shut down before this run finished; send the request again.',
          retryable: true,
        },
        'shutdown',
      );
    }
    return stopped;
  }

  /**
   * `resume {run_id, last_seq}` on `conn`: sends every event after `last_seq` that this connection has not had,
   * oldest first, and keeps it following the run live. A connection that joined the run under way holds a span
   * (joined, sent]; the replay is then the history before the span, which may arrive after live events it already
   * had, but never one twice. Synchronous, so no event can be emitted between the replay and the registration.
   * 'forbidden' for an unknown, expired or foreign run (indistinguishable).
   */
  resume(conn: Connection, runId: string, lastSeq: number): 'ok' | 'forbidden' {
    const run = this.runs.get(runId);
    if (run === undefined || run.ctx.userId !== conn.userId) return 'forbidden';
    if (lastSeq > run.head) {
      this.opts.logger.warn('resume: last_seq is past the run head', {
        run_id: runId,
        last_seq: lastSeq,
        head: run.head,
      });
    }
    const head = run.head;
    const span = conn.span(runId);
    // Missing = (last_seq, head] minus the span (joined, sent] the connection already had.
    const historyTo = span === undefined ? head : Math.min(span.joined, head);
    const liveFrom = span === undefined ? head : Math.max(lastSeq, span.sent);
    conn.holdSpan(runId, Math.min(lastSeq, historyTo), head);
    for (let seq = lastSeq + 1; seq <= historyTo && conn.open; seq++) conn.send(run.events[seq - 1]);
    for (let seq = liveFrom + 1; seq <= head && conn.open; seq++) conn.send(run.events[seq - 1]);
    return 'ok';
  }

  /** `cancel_run`: aborts the run's agent, which then ends with agent_completed status cancelled. */
  cancel(conn: Connection, runId: string): 'ok' | 'forbidden' | 'not_active' {
    const run = this.runs.get(runId);
    if (run === undefined || run.ctx.userId !== conn.userId) return 'forbidden';
    if (run.ended) return 'not_active';
    if (!run.abort.signal.aborted) run.abort.abort(new RunStopped('cancelled'));
    return 'ok';
  }

  /** Resolves when no run is running (drain). */
  whenIdle(): Promise<void> {
    if (this.activeCount === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get activeRuns(): number {
    return this.activeCount;
  }

  /** Periodic upkeep: forgets expired request ids, evicts runs past retention. */
  sweep(now = Date.now()): void {
    for (const [userId, user] of this.users) {
      for (const [requestId, { until }] of user.requestIds) {
        if (until > now) break;
        user.requestIds.delete(requestId);
      }
      this.forgetUserIfIdle(userId, user);
    }
    this.enforceRetention(now);
  }

  /** The serialised events of every held run, run by run (durable log compaction). */
  retainedLines(): string[] {
    const lines: string[] = [];
    for (const run of this.runs.values()) for (const text of run.events) lines.push(text);
    return lines;
  }

  stats(): HubStats {
    return {
      connections: this.connections.size,
      users: this.users.size,
      activeRuns: this.activeCount,
      retainedRuns: this.runs.size,
      retainedBytes: this.retainedBytes,
      ...this.counters,
    };
  }

  /**
   * Rebuilds runs from a durable log left by an earlier process. A run with no terminal event was in flight when
   * that process died: it gets tool_completed errors for its open tool calls and agent_error PROVIDER_RESTARTED
   * (retryable), appended at the next seq, and is resumable like any ended run.
   */
  restore(events: Record<string, unknown>[], now = Date.now()): { runs: number; interrupted: number } {
    const byRun = new Map<string, Record<string, unknown>[]>();
    for (const event of events) {
      if (typeof event.run_id !== 'string') continue;
      let list = byRun.get(event.run_id);
      if (list === undefined) byRun.set(event.run_id, (list = []));
      list.push(event);
    }
    const ended: Run[] = [];
    const interrupted: Run[] = [];
    for (const [runId, list] of byRun) {
      const run = this.restoreRun(runId, list);
      if (run === undefined) continue;
      if (run.ended) ended.push(run);
      else interrupted.push(run);
    }
    ended.sort((a, b) => a.endedAt - b.endedAt);
    for (const run of ended) this.endedQueue.push(run);
    for (const run of interrupted) {
      this.user(run.ctx.userId).activeRuns.add(run);
      this.activeCount++;
      this.finish(run, {
        type: 'agent_error',
        code: 'PROVIDER_RESTARTED',
        message: 'The server restarted while this run was in flight; send the request again.',
        retryable: true,
      });
    }
    this.enforceRetention(now);
    return { runs: ended.length + interrupted.length, interrupted: interrupted.length };
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private restoreRun(runId: string, list: Record<string, unknown>[]): Run | undefined {
    const first = list[0];
    if (
      first.type !== 'agent_started' ||
      first.seq !== 1 ||
      typeof first.user_id !== 'string' ||
      typeof first.thread_id !== 'string' ||
      typeof first.agent_name !== 'string' ||
      typeof first.request_id !== 'string'
    ) {
      this.opts.logger.warn('event log: run without a valid agent_started skipped', { run_id: runId });
      return undefined;
    }
    const run = new Run({
      runId,
      threadId: first.thread_id,
      userId: first.user_id,
      requestId: first.request_id,
      connectionId: 'restored',
      agentName: first.agent_name,
    });
    for (const event of list) {
      if (event.seq !== run.head + 1) {
        this.opts.logger.warn('event log: run truncated at a seq gap', {
          run_id: runId,
          seq: event.seq,
          head: run.head,
        });
        break;
      }
      const text = JSON.stringify(event);
      run.events.push(text);
      run.bytes += text.length;
      this.track(run, event);
      if (this.protocol.isTerminal(event.type)) {
        run.ended = true;
        const at = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : NaN;
        run.endedAt = Number.isFinite(at) ? at : Date.now();
        break;
      }
    }
    this.runs.set(runId, run);
    this.retainedBytes += run.bytes;
    let thread = this.threads.get(run.ctx.threadId);
    if (thread === undefined) this.threads.set(run.ctx.threadId, (thread = { userId: run.ctx.userId, runs: 0 }));
    thread.runs++;
    return run;
  }

  private user(userId: string): UserState {
    let user = this.users.get(userId);
    if (user === undefined) {
      user = { conns: new Set(), activeRuns: new Set(), requestIds: new Map() };
      this.users.set(userId, user);
    }
    return user;
  }

  private forgetUserIfIdle(userId: string, user: UserState): void {
    if (user.conns.size === 0 && user.activeRuns.size === 0 && user.requestIds.size === 0) this.users.delete(userId);
  }

  private rememberRequest(user: UserState, ctx: RunContext): void {
    const { requestId, runId, threadId } = ctx;
    user.requestIds.delete(requestId);
    user.requestIds.set(requestId, { until: Date.now() + this.opts.retentionMs, runId, threadId });
    if (user.requestIds.size > this.opts.requestIdsPerUser) {
      const oldest = user.requestIds.keys().next().value;
      if (oldest !== undefined) user.requestIds.delete(oldest);
    }
  }

  private build(run: Run, body: RunEventBody): Record<string, unknown> {
    const c = run.ctx;
    const { type, ...fields } = body;
    return {
      type,
      event_id: newId('evt'),
      run_id: c.runId,
      thread_id: c.threadId,
      user_id: c.userId,
      agent_name: c.agentName,
      seq: run.head + 1,
      timestamp: nowIso(),
      ...fields,
    };
  }

  /** Run invariants the schema cannot see (seq, ownership, pairing), then the generated validator. */
  private problemsOf(run: Run, event: unknown): SchemaErrorItem[] | undefined {
    const broken = (pointer: string, message: string): SchemaErrorItem[] => [
      { pointer, keyword: 'x-run-invariant', message },
    ];
    if (!isRecord(event)) return broken('', 'run event must be an object');
    const c = run.ctx;
    if (typeof event.type !== 'string' || !this.protocol.runEventTypes.has(event.type))
      return broken('/type', 'not a run event type');
    if (event.seq !== run.head + 1) return broken('/seq', `must be ${run.head + 1}`);
    if (event.run_id !== c.runId) return broken('/run_id', 'must be the run id');
    if (event.thread_id !== c.threadId) return broken('/thread_id', 'must be the run thread');
    if (event.user_id !== c.userId) return broken('/user_id', 'must be the run owner');
    if (event.agent_name !== c.agentName) return broken('/agent_name', 'must be the run agent');
    if ((event.type === 'agent_started') !== (run.head === 0)) return broken('/type', 'agent_started is exactly seq 1');
    if (event.type === 'agent_started' && event.request_id !== c.requestId)
      return broken('/request_id', 'must echo the request');
    if (event.type === 'tool_executing' && run.openToolCalls.has(String(event.tool_call_id))) {
      return broken('/tool_call_id', 'tool call already open');
    }
    if (
      event.type === 'tool_completed' &&
      run.openToolCalls.get(String(event.tool_call_id))?.toolName !== event.tool_name
    ) {
      return broken('/tool_call_id', 'no open tool call with this id and tool name');
    }
    const checked = checkServerMessage(event);
    return checked.ok ? undefined : checked.errors;
  }

  /** Commits an event the provider itself built (no fault injection); false if even that is invalid. */
  private commitTrusted(run: Run, body: RunEventBody): boolean {
    if (run.ended) return false;
    const event = this.build(run, body);
    const problems = this.problemsOf(run, event);
    if (problems !== undefined) {
      this.counters.contractViolations++;
      this.opts.logger.error('provider could not build a valid event', {
        run_id: run.ctx.runId,
        type: body.type,
        errors: problems,
      });
      return false;
    }
    this.commit(run, event);
    return true;
  }

  private track(run: Run, event: Record<string, unknown>): void {
    if (event.type === 'tool_executing') {
      run.openToolCalls.set(String(event.tool_call_id), {
        toolName: String(event.tool_name),
        startedAt: performance.now(),
      });
    } else if (event.type === 'tool_completed') {
      run.openToolCalls.delete(String(event.tool_call_id));
    } else if (event.type === 'agent_thinking' && typeof event.step_number === 'number') {
      run.thinkingSteps = event.step_number;
    }
  }

  private commit(run: Run, event: Record<string, unknown>): void {
    const text = JSON.stringify(event);
    const seq = run.head + 1;
    const terminal = this.protocol.isTerminal(event.type);
    run.events.push(text);
    run.bytes += text.length;
    this.retainedBytes += text.length;
    this.counters.eventsCommitted++;
    this.track(run, event);
    if (terminal) run.ended = true;
    // Write-ahead: the durable log has the event before any socket does.
    this.opts.eventLog?.append(text);
    const user = this.users.get(run.ctx.userId);
    if (user !== undefined) for (const conn of user.conns) conn.deliver(run.ctx.runId, seq, text);
    if (terminal) {
      this.markEnded(run);
      this.opts.logger.info('run ended', {
        run_id: run.ctx.runId,
        user_id: run.ctx.userId,
        type: event.type,
        ...(event.type === 'agent_completed' ? { status: event.status } : { code: event.code }),
        events: seq,
        duration_ms: Math.round(performance.now() - run.startedAt),
      });
    }
  }

  private markEnded(run: Run): void {
    run.ended = true;
    run.endedAt = Date.now();
    run.openToolCalls.clear();
    const user = this.users.get(run.ctx.userId);
    if (user !== undefined) {
      user.activeRuns.delete(run);
      this.forgetUserIfIdle(run.ctx.userId, user);
    }
    this.activeCount--;
    this.counters.runsEnded++;
    this.endedQueue.push(run);
    this.enforceRetention(run.endedAt);
    if (this.activeCount === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private enforceRetention(now: number): void {
    while (this.endedHead < this.endedQueue.length) {
      const run = this.endedQueue[this.endedHead];
      const held = this.endedQueue.length - this.endedHead;
      if (
        run.endedAt + this.opts.retentionMs > now &&
        held <= this.opts.maxRetainedRuns &&
        this.retainedBytes <= this.opts.maxRetainedBytes
      ) {
        break;
      }
      this.endedHead++;
      this.evict(run);
    }
    if (this.endedHead > 1024 && this.endedHead * 2 > this.endedQueue.length) {
      this.endedQueue = this.endedQueue.slice(this.endedHead);
      this.endedHead = 0;
    }
  }

  private evict(run: Run): void {
    this.runs.delete(run.ctx.runId);
    this.retainedBytes -= run.bytes;
    this.counters.runsEvicted++;
    const thread = this.threads.get(run.ctx.threadId);
    if (thread !== undefined && --thread.runs <= 0) this.threads.delete(run.ctx.threadId);
    const user = this.users.get(run.ctx.userId);
    if (user !== undefined) for (const conn of user.conns) conn.unfollow(run.ctx.runId);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
