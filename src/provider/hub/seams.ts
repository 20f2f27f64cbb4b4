/**
 * The seams of the {@link RunHub}: the four pieces of state that a single process keeps in memory and a cluster keeps
 * in a shared store (Redis). The hub only talks to them through these interfaces; `ProviderOptions.seams` replaces
 * any of the in-memory defaults (`memory-seams.ts`).
 *
 * Sync or async: every method returns `MaybePromise<T>`. The in-memory defaults answer synchronously (no promise, no
 * microtask on the hot path: an event is committed and fanned out in one synchronous step); a shared-store
 * implementation returns promises. The hub treats both alike: it awaits where it needs the answer (start_agent,
 * resume, admission) and, where it does not (publish, append, release), attaches a rejection handler that logs, so
 * a failing store never leaves an unhandled rejection. Operations that decide (claim, acquire) are atomic in the
 * store, so two frames racing through an await cannot both win.
 */

/** A value now (in-memory) or later (a shared store). */
export type MaybePromise<T> = T | Promise<T>;

/** One committed run event, serialised once (the exact text every connection receives). */
export interface CommittedEvent {
  readonly userId: string;
  readonly runId: string;
  readonly seq: number;
  readonly text: string;
  /** True for the run's terminal event (agent_completed / agent_error). */
  readonly terminal: boolean;
  /**
   * The WebSocket frame of `text` when the committing process built it with the text (local delivery writes it to
   * every connection as it is); built from `text` at delivery otherwise.
   */
  readonly frame?: Buffer;
}

/** The hub's delivery of an event to the connections of its user held by THIS process. */
export type LocalDelivery = (event: CommittedEvent) => void;

/**
 * (a) Fan-out: gets a committed event to every connection of its user, wherever it is held. The in-memory default
 * calls the hub's local delivery at once; a cluster publishes to the user's channel and each node delivers to its own
 * connections only (exactly once per connection).
 */
export interface EventFanOut {
  publish(event: CommittedEvent): MaybePromise<void>;
  /** This process now holds a connection of `userId` (first one): start receiving the user's events. */
  watchUser(userId: string): MaybePromise<void>;
  /** This process holds no connection of `userId` any more. */
  unwatchUser(userId: string): MaybePromise<void>;
  /**
   * Optional: the highest seq of a run held here that this process's connections have been handed so far, when a
   * store delivers only after its own write (write-ahead: a cluster) and so may lag the run's head. A connection
   * that joins the run follows it from there. Undefined (or no method): the run's head.
   */
  deliveredHead?(runId: string): number | undefined;
  close(): MaybePromise<void>;
}

/** What {@link RunLogStore.readAfter} answers for a run it holds. */
export interface RunLogSlice {
  /** The run's owner: a resume by anyone else is refused exactly like an unknown run. */
  readonly userId: string;
  /** Highest seq committed when read. */
  readonly head: number;
  /** Events with seq in (afterSeq, head], oldest first (already serialised). */
  readonly events: readonly string[];
}

/**
 * (b) The run log: every committed event by run and seq, for `resume`, until retention drops the run. The in-memory
 * default reads the hub's own runs (no second copy); a cluster appends to a shared log (e.g. a stream per run).
 */
export interface RunLogStore {
  append(event: CommittedEvent): MaybePromise<void>;
  /**
   * Events of `runId` after `afterSeq`; undefined when the run is unknown or no longer retained. `userId` is the
   * asking connection's user: a store keyed by user (a cluster sharded by user) looks only there.
   */
  readAfter(runId: string, afterSeq: number, userId: string): MaybePromise<RunLogSlice | undefined>;
  /** The run left retention (count, bytes or age): forget it. */
  evict(runId: string): MaybePromise<void>;
  close(): MaybePromise<void>;
}

/** The run a start_agent's request_id started (what a DUPLICATE_REQUEST refusal tells the client). */
export interface StartedRequest {
  runId: string;
  threadId: string;
}

/**
 * (c) Request-id memory: request_id -> the run it started, per user, for the retention period (a retried
 * start_agent gets DUPLICATE_REQUEST with the earlier run_id instead of a second run).
 */
export interface RequestMemory {
  /**
   * Remembers `requestId` -> `started` until `untilMs` unless the user already used it; atomic (SET NX). Answers the
   * earlier run when it was already used, undefined when this call claimed it.
   */
  claim(
    userId: string,
    requestId: string,
    started: StartedRequest,
    untilMs: number,
  ): MaybePromise<StartedRequest | undefined>;
  /** Withdraws a claim whose start was then refused (thread forbidden, too many runs). */
  forget(userId: string, requestId: string): MaybePromise<void>;
  /**
   * Optional, for a shared store: remembers that `threadId` is `userId`'s until `untilMs`, so that a start_agent
   * naming the thread on another process is not refused as FORBIDDEN. The hub asks {@link ownsThread} only for
   * threads it does not hold itself.
   */
  rememberThread?(userId: string, threadId: string, untilMs: number): MaybePromise<void>;
  ownsThread?(userId: string, threadId: string): MaybePromise<boolean>;
  /**
   * Everything still remembered, for the durable event log's compaction (a single process keeps its request ids in
   * that log across restarts). A shared store, durable on its own, may leave it out.
   */
  entries?(nowMs: number): Iterable<StartedRequest & { userId: string; requestId: string; until: number }>;
  /** Periodic upkeep: drops what expired (a store with its own TTLs may do nothing). */
  sweep(nowMs: number): MaybePromise<void>;
  close(): MaybePromise<void>;
}

/** What {@link UserCounters} counts per user. */
export type CounterKind = 'connections' | 'runs';

/**
 * (d) Per-user counters with a limit: connections held and runs in progress. `acquire` is atomic
 * (increment-if-below-limit); every successful acquire is matched by exactly one release.
 */
export interface UserCounters {
  /** Takes one unit of `kind` for `userId` if fewer than `limit` are taken; true when taken. */
  acquire(userId: string, kind: CounterKind, limit: number): MaybePromise<boolean>;
  release(userId: string, kind: CounterKind): MaybePromise<void>;
  count(userId: string, kind: CounterKind): MaybePromise<number>;
  /**
   * Charges `bytes` of fan-out (an event's text times the connections it went to) to `userId` and answers how long
   * (ms) that user's runs should pause to stay under `bytesPerSecond` (0: no pause). Optional: without it the hub
   * paces the deliveries of its own process (a cluster's per-user budget is then per node).
   */
  chargeFanout?(userId: string, bytes: number, bytesPerSecond: number): MaybePromise<number>;
  close(): MaybePromise<void>;
}

/** What `cancel_run` answers. */
export type CancelOutcome = 'ok' | 'forbidden' | 'not_active';

/**
 * (e, optional) Runs held by other processes: `cancel_run` for a run this process does not hold goes to its owner.
 * Without it such a run is unknown (FORBIDDEN), which is right for a single process.
 */
export interface RunControl {
  cancel(userId: string, runId: string): MaybePromise<CancelOutcome>;
  close(): MaybePromise<void>;
}

/** What a {@link RunControl} may do to the runs this process holds (a cancel forwarded by another process). */
export interface LocalRunControl {
  cancelLocal(userId: string, runId: string): CancelOutcome;
}

/** What the in-memory run log needs from the hub: its local runs' serialised events and owner. */
export interface LocalRunSource {
  localRun(runId: string): { readonly userId: string; readonly events: readonly string[] } | undefined;
}

/** Builders of the four seams (one of each per provider). `ProviderOptions.seams` overrides any of them. */
export interface HubSeamFactories {
  fanOut(deliver: LocalDelivery): EventFanOut;
  runLog(local: LocalRunSource): RunLogStore;
  requestMemory(opts: { requestIdsPerUser: number }): RequestMemory;
  counters(): UserCounters;
  /** Optional: runs held elsewhere (a cluster). */
  runControl?(local: LocalRunControl): RunControl;
}

/** The seams of one hub. */
export interface HubSeams {
  fanOut: EventFanOut;
  runLog: RunLogStore;
  requestMemory: RequestMemory;
  counters: UserCounters;
  runControl?: RunControl;
}

/** True when `value` is a promise (a shared-store answer) rather than an in-memory one. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/**
 * For calls whose answer the hub does not wait for (publish, append, release): a rejection is logged, never left
 * unhandled.
 */
export function settle(value: MaybePromise<unknown>, onError: (err: unknown) => void): void {
  if (isPromise(value)) value.then(undefined, onError);
}
