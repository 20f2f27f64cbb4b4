import { ClientRefusal } from '../errors';
import type {
  CancelOutcome,
  CommittedEvent,
  CounterKind,
  EventFanOut,
  HubSeamFactories,
  LocalDelivery,
  LocalRunControl,
  LocalRunSource,
  RequestMemory,
  RunControl,
  RunLogSlice,
  RunLogStore,
  StartedRequest,
  UserCounters,
} from '../hub/seams';
import type { Logger } from '../logger';
import { ClusterError, isUnavailable } from './errors';
import { ClusterNode, type ClusterNodeOptions } from './node';
import { RunOutbox } from './outbox';
import { RemoteRuns } from './remote-runs';

const UNAVAILABLE =
  'The run store is unreachable right now; this connection stays open. Send the request again shortly.';

/** A REDIS_UNAVAILABLE becomes the typed refusal the client gets (error_message SERVICE_UNAVAILABLE). */
async function refusing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isUnavailable(err)) throw new ClientRefusal('SERVICE_UNAVAILABLE', UNAVAILABLE, { cause: err });
    throw err;
  }
}

interface OwnedRun {
  userId: string;
  runId: string;
  events: readonly string[];
  terminal: boolean;
}

/**
 * The hub's seams over Redis, for one provider process of a cluster (`serve --redis`). Hand {@link factories} to
 * `ProviderOptions.seams` and call {@link start} before listening.
 * - Fan-out, write-ahead: the outbox appends to the run's stream and publishes to the user's channel in one
 *   script, then the owner delivers to its own connections; other nodes deliver what they receive (RemoteRuns:
 *   exactly once, in order, gaps filled from the log) to their own connections only.
 * - Run log: the owner answers `resume` from memory; other nodes from the stream (`{u:<user>}:run:<id>`).
 * - Request ids and threads: SET NX PX GET under the user's hash tag, for the retention.
 * - Counters: Lua acquire-if-below-limit over per-node shares; a dead node's shares are reaped.
 * - Run control: cancel_run for a run owned elsewhere is published to the owner node.
 * While Redis is unreachable: start_agent, resume of a remote run and a remote cancel are refused with
 * SERVICE_UNAVAILABLE (connections stay open); new connections are admitted on this node's local count (so a
 * Redis outage does not lock everyone out) and the counts are written again when Redis is back; events of running
 * runs wait in the outbox and reach every connection, in order, when Redis is back.
 */
export class ClusterSeams {
  readonly node: ClusterNode;
  private deliver: LocalDelivery | undefined;
  private local: LocalRunSource | undefined;
  private localControl: LocalRunControl | undefined;
  private readonly remote: RemoteRuns;
  readonly outbox: RunOutbox;
  private readonly owned = new Map<string, OwnedRun>();
  /** Owned runs still going: the highest seq handed to this node's connections (write-ahead lags the head). */
  private readonly delivered = new Map<string, number>();
  private readonly watched = new Set<string>();
  /** Runs another writer took over (a reaper ended them while this node was cut off): never written again. */
  private readonly abandoned = new Set<string>();
  /** This node's share of each user's counters: the truth written again after an outage. */
  private readonly shares = new Map<string, Record<CounterKind, number>>();

  constructor(
    opts: ClusterNodeOptions,
    private readonly logger: Logger,
  ) {
    this.node = new ClusterNode(opts);
    this.remote = new RemoteRuns(
      this.node.runLog,
      (userId, runId, seq, text, terminal) => this.deliver?.({ userId, runId, seq, text, terminal }),
      logger,
    );
    this.outbox = new RunOutbox(
      this.node,
      logger,
      (runId) => this.abandon(runId),
      (run, events) => {
        const delivered = this.delivered.get(run.runId) ?? 0;
        for (const e of events) {
          if (e.seq > delivered) this.delivered.set(run.runId, e.seq);
          if (e.terminal) {
            this.delivered.delete(run.runId);
            this.owned.delete(run.runId);
          }
          this.deliver?.({ userId: run.userId, runId: run.runId, seq: e.seq, text: e.text, terminal: e.terminal });
        }
      },
    );
    this.node.link.onHealth((health) => {
      if (health === 'ready') void this.afterReconnect();
    });
  }

  /** Connects to Redis and joins the cluster; rejects with ClusterError REDIS_UNAVAILABLE when Redis is down. */
  async start(): Promise<void> {
    await this.node.start({
      onRemoteEvent: (event) => this.remote.receive(event),
      onControl: (m) => {
        const outcome = this.localControl?.cancelLocal(m.userId, m.runId);
        this.logger.info('cancel forwarded by another node', { run_id: m.runId, from: m.from, outcome });
      },
    });
  }

  /** Leaves the cluster after the provider drained: flushes the outbox (bounded), frees this node's shares. */
  async stop(): Promise<void> {
    const flushed = await this.outbox.whenFlushed(5_000);
    if (!flushed) this.logger.warn('leaving with unflushed run events', { pending: this.outbox.pending });
    if (this.node.health === 'ready') {
      await this.node.counters.releaseNode(this.node.nodeId).catch(() => undefined);
    }
    await this.node.stop(flushed);
  }

  factories(): HubSeamFactories {
    return {
      fanOut: (deliver) => {
        this.deliver = deliver;
        return this.fanOut();
      },
      runLog: (local) => {
        this.local = local;
        return this.runLog();
      },
      requestMemory: () => this.requestMemory(),
      counters: () => this.counters(),
      runControl: (local) => {
        this.localControl = local;
        return this.runControl();
      },
    };
  }

  stats(): Record<string, number | string> {
    return {
      node_id: this.node.nodeId,
      redis: this.node.health,
      outbox_pending: this.outbox.pending,
      events_appended: this.outbox.appended,
      remote_runs: this.remote.size,
      remote_duplicates: this.remote.duplicates,
      remote_gaps_filled: this.remote.gapsFilled,
      runs_reaped: this.node.reapedRuns,
    };
  }

  // ---- (a) fan-out ------------------------------------------------------------------------------------------

  private fanOut(): EventFanOut {
    return {
      // Write-ahead: the outbox (kicked by append) delivers to this node's connections once the event is in the log.
      publish: () => undefined,
      deliveredHead: (runId: string) => (this.owned.has(runId) ? (this.delivered.get(runId) ?? 0) : undefined),
      watchUser: async (userId: string) => {
        this.watched.add(userId);
        await this.node.fanout.follow(userId);
      },
      unwatchUser: (userId: string) => {
        this.watched.delete(userId);
        this.node.fanout.unfollow(userId);
        this.remote.forgetUser(userId);
      },
      close: () => this.stop(),
    };
  }

  /**
   * The run's log holds another writer's events at our next seq: a survivor reaped this node's run while it was cut
   * off from Redis, and the users have its agent_error. Stop the agent (its closing events go nowhere: never
   * written, never delivered, so no client sees two different events at one seq) and forget the run here.
   */
  private abandon(runId: string): void {
    const run = this.owned.get(runId);
    this.owned.delete(runId);
    this.abandoned.add(runId);
    setTimeout(() => this.abandoned.delete(runId), this.node.runLog.retentionMs).unref();
    if (run === undefined) return;
    const from = this.delivered.get(runId) ?? 0;
    this.delivered.delete(runId);
    this.localControl?.cancelLocal(run.userId, runId);
    // This node's tabs missed the other writer's events (published while this node was cut off): hand them over
    // from the log, after what they had.
    this.node.runLog.readAfter(run.userId, runId, from).then(
      (events) => {
        for (const e of events ?? []) {
          const terminal = e.seq === events![events!.length - 1].seq;
          this.deliver?.({ userId: run.userId, runId, seq: e.seq, text: e.text, terminal });
        }
      },
      (err: unknown) => this.logger.warn('abandoned run: log not read', { run_id: runId, error: String(err) }),
    );
  }

  // ---- (b) run log ------------------------------------------------------------------------------------------

  private runLog(): RunLogStore {
    return {
      append: (event: CommittedEvent) => this.append(event),
      readAfter: (runId: string, afterSeq: number, userId: string) => this.readAfter(runId, afterSeq, userId),
      // Retention in Redis is the stream's own TTL; the owner's memory is the hub's.
      evict: () => undefined,
      close: () => undefined,
    };
  }

  private append(event: CommittedEvent): void {
    if (this.abandoned.has(event.runId)) return;
    let run = this.owned.get(event.runId);
    if (run === undefined) {
      const events = this.local?.localRun(event.runId)?.events;
      if (events === undefined) return;
      run = { userId: event.userId, runId: event.runId, events, terminal: false };
      this.owned.set(event.runId, run);
      const tracked = run;
      this.outbox.track({
        userId: run.userId,
        runId: run.runId,
        events: () => tracked.events,
        ended: () => tracked.terminal,
      });
    }
    // The run stays owned until its terminal event is in the log (see the outbox's onFlushed).
    if (event.terminal) run.terminal = true;
    this.outbox.kick(event.runId);
  }

  private async readAfter(runId: string, afterSeq: number, userId: string): Promise<RunLogSlice | undefined> {
    const held = this.local?.localRun(runId);
    if (held !== undefined) {
      // Only what is in the log (and so delivered here): the rest reaches the connection live after the write.
      const head = this.owned.has(runId) ? (this.delivered.get(runId) ?? 0) : held.events.length;
      return { userId: held.userId, head, events: held.events.slice(Math.max(0, Math.min(afterSeq, head))) };
    }
    const events = await refusing(this.node.runLog.readAfter(userId, runId, afterSeq));
    if (events === undefined) return undefined;
    const head =
      events.length > 0 ? events[events.length - 1].seq : await refusing(this.node.runLog.head(userId, runId));
    return { userId, head, events: events.map((e) => e.text) };
  }

  // ---- (c) request ids and threads -----------------------------------------------------------------------------

  private requestMemory(): RequestMemory {
    const requests = this.node.requests;
    return {
      claim: (userId: string, requestId: string, started: StartedRequest, untilMs: number) =>
        refusing(requests.claim(userId, requestId, started, untilMs - Date.now())),
      forget: (userId: string, requestId: string) => refusing(requests.release(userId, requestId)),
      rememberThread: (userId: string, threadId: string, untilMs: number) =>
        requests.rememberThread(userId, threadId, Math.max(1, untilMs - Date.now())),
      ownsThread: (userId: string, threadId: string) => refusing(requests.ownsThread(userId, threadId)),
      sweep: () => undefined,
      close: () => undefined,
    };
  }

  // ---- (d) counters -----------------------------------------------------------------------------------------

  private counters(): UserCounters {
    return {
      acquire: (userId: string, kind: CounterKind, limit: number) => this.acquire(userId, kind, limit),
      release: (userId: string, kind: CounterKind) => this.release(userId, kind),
      count: (userId: string, kind: CounterKind) => refusing(this.node.counters.total(userId, kind)),
      close: () => undefined,
    };
  }

  private share(userId: string): Record<CounterKind, number> {
    let share = this.shares.get(userId);
    if (share === undefined) this.shares.set(userId, (share = { connections: 0, runs: 0 }));
    return share;
  }

  private async acquire(userId: string, kind: CounterKind, limit: number): Promise<boolean> {
    const bounded = Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER;
    try {
      const { ok } = await this.node.counters.acquire(userId, kind, bounded);
      if (ok) this.share(userId)[kind]++;
      return ok;
    } catch (err) {
      if (!isUnavailable(err) || kind !== 'connections') {
        throw isUnavailable(err) ? new ClientRefusal('SERVICE_UNAVAILABLE', UNAVAILABLE, { cause: err }) : err;
      }
      // Admitted on this node's count alone; written to Redis by the resync when it is back.
      this.share(userId).connections++;
      this.logger.warn('redis down: connection admitted on the local count', { user_id: userId });
      return true;
    }
  }

  private async release(userId: string, kind: CounterKind): Promise<void> {
    const share = this.share(userId);
    share[kind] = Math.max(0, share[kind] - 1);
    if (share.connections === 0 && share.runs === 0) this.shares.delete(userId);
    // A release that cannot reach Redis now is corrected by the resync after the outage (shares are the truth).
    await this.node.counters.release(userId, kind).catch((err: unknown) => {
      if (!isUnavailable(err)) throw err;
    });
  }

  // ---- (e) run control ---------------------------------------------------------------------------------------

  private runControl(): RunControl {
    return { cancel: (userId, runId) => refusing(this.cancelRemote(userId, runId)), close: () => undefined };
  }

  private async cancelRemote(userId: string, runId: string): Promise<CancelOutcome> {
    const owner = await this.node.liveness.ownerOf(userId, runId);
    if (owner !== undefined && owner !== this.node.nodeId) {
      // Not listening: the owner died; the reaper ends the run (agent_error PROVIDER_RESTARTED) within its bound.
      await this.node.control.send(owner, { kind: 'cancel', userId, runId });
      return 'ok';
    }
    const head = await this.node.runLog.head(userId, runId);
    return head > 0 ? 'not_active' : 'forbidden';
  }

  // ---- after an outage ---------------------------------------------------------------------------------------

  private async afterReconnect(): Promise<void> {
    try {
      for (const userId of this.watched) {
        if (!this.node.fanout.following(userId)) await this.node.fanout.follow(userId);
      }
      this.remote.catchUp();
      await this.node.counters.resync(this.shares.entries());
      await this.node.liveness.beat();
    } catch (err) {
      if (!(err instanceof ClusterError)) throw err;
      this.logger.warn('resync after reconnect incomplete; the next reconnect retries', { error: err.message });
    }
  }
}
