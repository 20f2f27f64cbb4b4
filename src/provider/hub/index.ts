import { loadProtocol } from '../../protocol';
import type { Connection } from '../connection';
import type { DurableEventLog } from '../event-log-file';
import { requestLine, type RequestRecord } from '../event-log-format';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { Run, RunEventBody, RunStopKind } from '../run';
import { RunStopped } from '../run';
import { ConnectionRegistry } from './connections';
import { memorySeams } from './memory-seams';
import { FanoutPacer } from './fanout-pacer';
import { EventPipeline, type FaultInjection } from './pipeline';
import { groupByRun, restoreRun } from './restore';
import { RunRegistry } from './runs';
import {
  isPromise,
  type CommittedEvent,
  type HubSeamFactories,
  type HubSeams,
  type CancelOutcome,
  type MaybePromise,
  type RunLogSlice,
  type StartedRequest,
} from './seams';

export type { FaultInjection } from './pipeline';
export type { StartedRequest } from './seams';

/** Settings of the {@link RunHub}. */
export interface HubOptions {
  retentionMs: number;
  maxRetainedRuns: number;
  maxRetainedBytes: number;
  maxRunsPerUser: number;
  /** Connections one user may hold (the per-user counters seam enforces it). Default: unlimited. */
  maxConnectionsPerUser?: number;
  /** Fan-out bytes per user per second past which the user's runs pause (the counters seam paces). Default: none. */
  maxFanoutBytesPerUserPerSecond?: number;
  maxEventsPerRun: number;
  requestIdsPerUser: number;
  /** Run events checked by the generated validator too, not only by the run invariants. Default true. */
  validateOutgoing?: boolean;
  logger: Logger;
  faultInjection?: FaultInjection;
  eventLog?: DurableEventLog;
  /** Replacements of the in-memory seams (a cluster's shared store). */
  seams?: Partial<HubSeamFactories>;
}

/** Why a start_agent is refused before a run exists (each is an error_message code). */
export type StartRefusal = 'DUPLICATE_REQUEST' | 'FORBIDDEN' | 'TOO_MANY_RUNS';

/** The answer of {@link RunHub.start}. */
export type StartOutcome = { ok: true; run: Run } | { ok: false; refusal: StartRefusal; started?: StartedRequest };

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

const RESTARTED: RunEventBody = {
  type: 'agent_error',
  code: 'PROVIDER_RESTARTED',
  message: 'The server restarted while this run was in flight; send the request again.',
  retryable: true,
};

const SHUTDOWN: RunEventBody = {
  type: 'agent_error',
  code: 'PROVIDER_RESTARTED',
  message: 'The server shut down before this run finished; send the request again.',
  retryable: true,
};

/**
 * The provider's state, independent of sockets: the connections held here ({@link ConnectionRegistry}), the runs and
 * threads with retention ({@link RunRegistry}), the event pipeline ({@link EventPipeline}) and the four seams
 * (fan-out, run log, request-id memory, per-user counters; `seams.ts`) that a cluster replaces.
 */
export class RunHub {
  readonly seams: HubSeams;
  private readonly connections = new ConnectionRegistry();
  private readonly runs: RunRegistry;
  private readonly pipeline: EventPipeline;
  /** Connections that hold a unit of their user's connection counter (released once, on detach). */
  private readonly admitted = new WeakSet<Connection>();
  /** userId -> until when (performance.now() ms) that user's runs pause to stay under the fan-out byte rate. */
  private readonly pausedUntil = new Map<string, number>();
  /** The pacer used when the counters seam has no `chargeFanout` (then each process paces its own deliveries). */
  private localPacer: FanoutPacer | undefined;

  constructor(private readonly opts: HubOptions) {
    const factories = { ...memorySeams, ...opts.seams };
    this.runs = new RunRegistry(opts, (run) => this.onEvict(run));
    this.seams = {
      fanOut: factories.fanOut((event) => this.deliverLocal(event)),
      runLog: factories.runLog({ localRun: (runId) => this.localRun(runId) }),
      requestMemory: factories.requestMemory({ requestIdsPerUser: opts.requestIdsPerUser }),
      counters: factories.counters(),
      runControl: factories.runControl?.({ cancelLocal: (userId, runId) => this.cancelRun(userId, runId) }),
    };
    this.pipeline = new EventPipeline({
      protocol: loadProtocol(),
      logger: opts.logger,
      seams: this.seams,
      runs: this.runs,
      maxEventsPerRun: opts.maxEventsPerRun,
      validateOutgoing: opts.validateOutgoing ?? true,
      eventLog: opts.eventLog,
      faultInjection: opts.faultInjection,
      onEnded: (run) => this.onEnded(run),
    });
  }

  // ---- fan-out pacing -----------------------------------------------------------------------------------------

  /** Local delivery of one event, charged to its user's fan-out byte budget. */
  private deliverLocal(event: CommittedEvent): void {
    const bytes = this.connections.deliver(event);
    const rate = this.opts.maxFanoutBytesPerUserPerSecond;
    if (bytes === 0 || rate === undefined) return;
    const counters = this.seams.counters;
    if (counters.chargeFanout === undefined) {
      this.localPacer ??= new FanoutPacer(rate);
      return this.pause(event.userId, this.localPacer.charge(event.userId, bytes, performance.now()));
    }
    const delay = counters.chargeFanout(event.userId, bytes, rate);
    // A closure only for a shared store that answers later: the in-memory counters answer at once, for every event.
    if (isPromise(delay)) delay.then((ms) => this.pause(event.userId, ms), this.logFailure('charge fan-out'));
    else this.pause(event.userId, delay);
  }

  /** Pauses `userId`'s runs for `delayMs` from now (nothing for 0). */
  private pause(userId: string, delayMs: number): void {
    if (delayMs > 0) this.pausedUntil.set(userId, performance.now() + delayMs);
  }

  /**
   * How long (ms) `userId`'s runs should wait before their next step so that the bytes fanned out to the user's
   * connections stay under `max_fanout_bytes_per_user_per_second`; 0 for a user under it. The run loop waits it.
   */
  fanoutPauseMs(userId: string): number {
    const until = this.pausedUntil.get(userId);
    if (until === undefined) return 0;
    const left = until - performance.now();
    if (left <= 0) this.pausedUntil.delete(userId);
    return Math.max(0, left);
  }

  // ---- connections --------------------------------------------------------------------------------------------

  /** Takes a unit of the user's connection counter; false when the user is at its limit (refuse the connection). */
  async admit(conn: Connection): Promise<boolean> {
    const limit = this.opts.maxConnectionsPerUser ?? Number.POSITIVE_INFINITY;
    const ok = await this.seams.counters.acquire(conn.userId, 'connections', limit);
    if (ok) this.admitted.add(conn);
    return ok;
  }

  /**
   * Registers an authenticated connection. From now on it receives every event of its user's runs: of the runs
   * still going, the events emitted from this moment on (what came before is the client's to `resume`), and every
   * event of the runs started later.
   */
  attach(conn: Connection): void {
    if (this.connections.add(conn)) this.settleLogged(this.seams.fanOut.watchUser(conn.userId), 'watch user');
    const { fanOut } = this.seams;
    for (const run of this.runs.activeOf(conn.userId)) {
      conn.follow(run.ctx.runId, fanOut.deliveredHead?.(run.ctx.runId) ?? run.head);
    }
  }

  /** Forgets a connection (closed, expired, slow). Its user's runs go on and stay available to `resume`. */
  detach(conn: Connection): void {
    if (this.admitted.delete(conn)) {
      this.settleLogged(this.seams.counters.release(conn.userId, 'connections'), 'release connection');
    }
    if (this.connections.remove(conn)) {
      this.settleLogged(this.seams.fanOut.unwatchUser(conn.userId), 'unwatch user');
    }
  }

  /** Every attached connection (for the heartbeat, expiry and drain sweeps). */
  allConnections(): IterableIterator<Connection> {
    return this.connections.values();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  // ---- runs ---------------------------------------------------------------------------------------------------

  /**
   * Starts a run for a start_agent, or says why not: the request_id was already used (DUPLICATE_REQUEST, with the
   * run it started, so a client that lost its connection before agent_started can resume it), the thread is not the
   * user's (FORBIDDEN; unknown and foreign look the same), or the user has `maxRunsPerUser` runs going
   * (TOO_MANY_RUNS). The request_id claim and the run slot are atomic in their seams, so concurrent frames cannot
   * both pass. Every open connection of the user follows the new run from seq 1; the run loop emits agent_started.
   */
  async start(input: {
    userId: string;
    requestId: string;
    threadId?: string;
    connectionId: string;
    agentName: string;
  }): Promise<StartOutcome> {
    const { userId, requestId } = input;
    const { requestMemory, counters } = this.seams;
    const runId = newId('run');
    const threadId = input.threadId ?? newId('thr');
    const until = Date.now() + this.opts.retentionMs;
    const earlier = await requestMemory.claim(userId, requestId, { runId, threadId }, until);
    if (earlier !== undefined) return { ok: false, refusal: 'DUPLICATE_REQUEST', started: earlier };
    // From here on, any way out without a run gives the request_id back: a refusal, or a store that failed (the
    // client was told to retry, and its retry must not meet DUPLICATE_REQUEST for a run that never existed).
    let slot = false;
    try {
      if (input.threadId !== undefined && !(await this.threadIsUsers(threadId, userId))) {
        await requestMemory.forget(userId, requestId);
        return { ok: false, refusal: 'FORBIDDEN' };
      }
      slot = await counters.acquire(userId, 'runs', this.opts.maxRunsPerUser);
      if (!slot) {
        await requestMemory.forget(userId, requestId);
        return { ok: false, refusal: 'TOO_MANY_RUNS' };
      }
      // Durable before the run exists: after a restart the same request_id still gets DUPLICATE_REQUEST.
      this.opts.eventLog?.appendStrict(requestLine({ userId, requestId, runId, threadId, until }));
    } catch (err) {
      await Promise.resolve(requestMemory.forget(userId, requestId)).catch(() => undefined);
      if (slot) await Promise.resolve(counters.release(userId, 'runs')).catch(() => undefined);
      throw err;
    }
    const run = this.runs.add({ ...input, runId, threadId });
    for (const conn of this.connections.of(userId)) conn.follow(runId, 0);
    if (requestMemory.rememberThread !== undefined) {
      this.settleLogged(requestMemory.rememberThread(userId, threadId, until), 'remember thread');
    }
    return { ok: true, run };
  }

  /** A thread held here, or (shared store) one of the user's threads held elsewhere. */
  private async threadIsUsers(threadId: string, userId: string): Promise<boolean> {
    if (this.runs.threadIsUsers(threadId, userId)) return true;
    const owns = this.seams.requestMemory.ownsThread;
    return owns === undefined ? false : owns.call(this.seams.requestMemory, userId, threadId);
  }

  /** See {@link EventPipeline.emit}. */
  emit(run: Run, body: RunEventBody): boolean {
    return this.pipeline.emit(run, body);
  }

  /** See {@link EventPipeline.finish}. */
  finish(run: Run, terminal: RunEventBody, stopKind?: RunStopKind): void {
    this.pipeline.finish(run, terminal, stopKind);
  }

  /** See {@link EventPipeline.closeOpenToolCalls}. */
  closeOpenToolCalls(run: Run, code: string): void {
    this.pipeline.closeOpenToolCalls(run, code);
  }

  /** Ends every running run with agent_error PROVIDER_RESTARTED (retryable): the drain grace is over. */
  stopAll(): number {
    let stopped = 0;
    for (const run of [...this.runs.values()]) {
      if (run.ended) continue;
      stopped++;
      this.pipeline.finish(run, SHUTDOWN, 'shutdown');
    }
    return stopped;
  }

  /**
   * `resume {run_id, last_seq}` on `conn`: sends every event after `last_seq` that this connection has not had,
   * oldest first, and keeps it following the run live. A connection that joined the run under way holds a span
   * (joined, sent]; the replay is then the history before the span, which may arrive after live events it already
   * had, but never one twice. With the in-memory run log this is synchronous, so no event can be emitted between the
   * replay and the registration. 'forbidden' for an unknown, expired or foreign run (indistinguishable).
   */
  resume(conn: Connection, runId: string, lastSeq: number): MaybePromise<'ok' | 'forbidden'> {
    const slice = this.seams.runLog.readAfter(runId, lastSeq, conn.userId);
    if (isPromise(slice)) return slice.then((read) => this.replay(conn, runId, lastSeq, read));
    return this.replay(conn, runId, lastSeq, slice);
  }

  /**
   * `cancel_run`: aborts the run's agent, which then ends with agent_completed status cancelled. A run held by
   * another process (cluster) is cancelled through the run-control seam.
   */
  cancel(conn: Connection, runId: string): MaybePromise<CancelOutcome> {
    const run = this.runs.get(runId);
    if (run === undefined && this.seams.runControl !== undefined)
      return this.seams.runControl.cancel(conn.userId, runId);
    return this.cancelRun(conn.userId, runId);
  }

  /** Cancels a run held here on behalf of `userId` (its own connection, or another process forwarding it). */
  cancelRun(userId: string, runId: string): CancelOutcome {
    const run = this.runs.get(runId);
    if (run === undefined || run.ctx.userId !== userId) return 'forbidden';
    if (run.ended) return 'not_active';
    if (!run.abort.signal.aborted) run.abort.abort(new RunStopped('cancelled'));
    return 'ok';
  }

  /** Resolves when no run is running (drain). */
  whenIdle(): Promise<void> {
    return this.runs.whenIdle();
  }

  get activeRuns(): number {
    return this.runs.activeCount;
  }

  /** Periodic upkeep: forgets expired request ids, evicts runs past retention. */
  sweep(now = Date.now()): void {
    this.settleLogged(this.seams.requestMemory.sweep(now), 'request memory sweep');
    this.runs.enforceRetention(now);
  }

  /** What the durable log keeps on compaction: the request ids still remembered, then every held run's events. */
  durableLines(now = Date.now()): string[] {
    const lines: string[] = [];
    for (const entry of this.seams.requestMemory.entries?.(now) ?? []) lines.push(requestLine(entry));
    for (const run of this.runs.values()) for (const text of run.events) lines.push(text);
    return lines;
  }

  stats(): HubStats {
    return {
      connections: this.connections.size,
      users: this.connections.users,
      activeRuns: this.runs.activeCount,
      retainedRuns: this.runs.size,
      retainedBytes: this.runs.retainedBytes,
      ...this.runs.counters,
      ...this.pipeline.counters,
    };
  }

  /**
   * Rebuilds runs from a durable log left by an earlier process, and the request ids that started them. A run with
   * no terminal event was in flight when that process died: it gets tool_completed errors for its open tool calls and
   * agent_error PROVIDER_RESTARTED (retryable), appended at the next seq, and is resumable like any ended run.
   */
  restore(
    events: Record<string, unknown>[],
    requests: RequestRecord[] = [],
    now = Date.now(),
  ): { runs: number; interrupted: number; requestIds: number } {
    let requestIds = 0;
    for (const r of requests) {
      if (r.until <= now) continue;
      requestIds++;
      const claimed = this.seams.requestMemory.claim(
        r.userId,
        r.requestId,
        { runId: r.runId, threadId: r.threadId },
        r.until,
      );
      this.settleLogged(claimed, 'claim');
    }
    const ended: Run[] = [];
    const interrupted: Run[] = [];
    const protocol = loadProtocol();
    for (const [runId, list] of groupByRun(events)) {
      const run = restoreRun(protocol, this.opts.logger, runId, list);
      if (run === undefined) continue;
      this.runs.hold(run);
      this.rememberRestored(run, list[0]);
      (run.ended ? ended : interrupted).push(run);
    }
    ended.sort((a, b) => a.endedAt - b.endedAt);
    for (const run of ended) this.runs.queueEnded(run);
    for (const run of interrupted) {
      this.runs.activate(run);
      this.settleLogged(this.seams.counters.acquire(run.ctx.userId, 'runs', Number.POSITIVE_INFINITY), 'acquire');
      this.pipeline.finish(run, RESTARTED);
    }
    this.runs.enforceRetention(now);
    return { runs: ended.length + interrupted.length, interrupted: interrupted.length, requestIds };
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private replay(conn: Connection, runId: string, lastSeq: number, slice: RunLogSlice | undefined): 'ok' | 'forbidden' {
    if (slice === undefined || slice.userId !== conn.userId) return 'forbidden';
    const head = slice.head;
    if (lastSeq > head) {
      this.opts.logger.warn('resume: last_seq is past the run head', { run_id: runId, last_seq: lastSeq, head });
    }
    const span = conn.span(runId);
    // Missing = (last_seq, head] minus the span (joined, sent] the connection already had.
    const historyTo = span === undefined ? head : Math.min(span.joined, head);
    const liveFrom = span === undefined ? head : Math.max(lastSeq, span.sent);
    conn.holdSpan(runId, Math.min(lastSeq, historyTo), Math.max(head, span?.sent ?? 0));
    const at = (seq: number): string => slice.events[seq - lastSeq - 1];
    for (let seq = lastSeq + 1; seq <= historyTo && conn.open; seq++) conn.send(at(seq));
    for (let seq = liveFrom + 1; seq <= head && conn.open; seq++) conn.send(at(seq));
    return 'ok';
  }

  /** A restored run's request_id is remembered again for what is left of its retention (from agent_started). */
  private rememberRestored(run: Run, started: Record<string, unknown>): void {
    const at = typeof started.timestamp === 'string' ? Date.parse(started.timestamp) : NaN;
    const until = (Number.isFinite(at) ? at : Date.now()) + this.opts.retentionMs;
    if (until <= Date.now()) return;
    const { userId, requestId, runId, threadId } = run.ctx;
    this.settleLogged(this.seams.requestMemory.claim(userId, requestId, { runId, threadId }, until), 'claim');
  }

  private localRun(runId: string): { userId: string; events: readonly string[] } | undefined {
    const run = this.runs.get(runId);
    return run === undefined ? undefined : { userId: run.ctx.userId, events: run.events };
  }

  private onEnded(run: Run): void {
    this.runs.markEnded(run);
    this.settleLogged(this.seams.counters.release(run.ctx.userId, 'runs'), 'release run');
  }

  private onEvict(run: Run): void {
    for (const conn of this.connections.of(run.ctx.userId)) conn.unfollow(run.ctx.runId);
    this.settleLogged(this.seams.runLog.evict(run.ctx.runId), 'run log evict');
  }

  /** {@link settle} with the failure logged as `what`; the logging closure only for a seam that answers later. */
  private settleLogged(value: MaybePromise<unknown>, what: string): void {
    if (isPromise(value)) value.then(undefined, this.logFailure(what));
  }

  private logFailure(what: string): (err: unknown) => void {
    return (err) => this.opts.logger.error(`hub seam failed: ${what}`, { error: err });
  }
}
