import type { Logger } from '../logger';
import { closingEvents, type RunRef } from './closing';
import { NodeControl, type ControlHandler } from './control';
import { ClusterCounters } from './counters';
import { ClusterError } from './errors';
import { UserFanout, type RemoteEventHandler } from './fanout';
import { NodeLiveness } from './liveness';
import { RedisLink, type LinkHealth } from './redis-link';
import { RequestMemory } from './request-memory';
import { RunLog } from './run-log';
import { Subscriptions } from './subscriptions';

/** Settings of a {@link ClusterNode}. */
export interface ClusterNodeOptions {
  /** `redis://HOST:PORT`. */
  url: string;
  /** Unique per live process; also the field of this node's share in the per-user counters. */
  nodeId: string;
  /** Default `netra:`; tests use a unique one per run. */
  keyPrefix?: string;
  logger: Logger;
  /** How long an ended run (and a request_id) stays: the spec's `min_resume_retention_ms` or more. */
  retentionMs: number;
  maxEventsPerRun: number;
  /** Heartbeat period; also how often this node looks for dead nodes. Default 1000. */
  heartbeatMs?: number;
  /** Heartbeat TTL: a node silent this long is dead. Default 3000. */
  nodeTtlMs?: number;
  /** Expiry of a live run's log (refreshed per event) and owner key: the longest a run may go. Default 1 hour. */
  liveRunTtlMs?: number;
}

/** What the provider hears from the cluster. */
export interface ClusterNodeHooks {
  /** An event of a run owned by another node, for a user with local connections. */
  onRemoteEvent: RemoteEventHandler;
  /** A `cancel_run` another node received for a run this node owns. */
  onControl: ControlHandler;
}

const REAPED_MESSAGE = 'The server running this request stopped before it finished; send the request again.';

/**
 * One provider process's membership in the cluster: the Redis link and every block on it (run log, fan-out,
 * request memory, liveness, counters, node control), plus the reaper. The reaper runs every heartbeat on every
 * node: for each dead node (heartbeat key expired), one survivor takes a lease and ends each of the dead node's
 * unfinished runs with agent_error PROVIDER_RESTARTED (retryable), appended to the run's log and published to its
 * user, then frees the dead node's counter shares. Bound from SIGKILL to the clients seeing agent_error:
 * `nodeTtlMs + heartbeatMs` (+ a few Redis round trips), {@link reapBoundMs}.
 */
export class ClusterNode {
  readonly link: RedisLink;
  readonly subs: Subscriptions;
  readonly runLog: RunLog;
  readonly fanout: UserFanout;
  readonly control: NodeControl;
  readonly liveness: NodeLiveness;
  readonly counters: ClusterCounters;
  readonly requests: RequestMemory;
  readonly nodeId: string;
  readonly liveRunTtlMs: number;
  /** Runs this node ended for dead owners (stats). */
  reapedRuns = 0;
  private reaper: NodeJS.Timeout | undefined;
  private reaping = false;

  constructor(private readonly opts: ClusterNodeOptions) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(opts.nodeId)) {
      throw new ClusterError('CLUSTER_CONFIG_INVALID', 'the node id must be 1-64 of A-Z a-z 0-9 . _ - (no spaces)');
    }
    this.nodeId = opts.nodeId;
    this.liveRunTtlMs = opts.liveRunTtlMs ?? 3_600_000;
    const heartbeatMs = opts.heartbeatMs ?? 1000;
    const ttlMs = opts.nodeTtlMs ?? 3000;
    if (!(heartbeatMs >= 10 && ttlMs >= 2 * heartbeatMs)) {
      throw new ClusterError('CLUSTER_CONFIG_INVALID', 'the node TTL must be at least two heartbeats (>= 10 ms)');
    }
    this.link = new RedisLink({ url: opts.url, keyPrefix: opts.keyPrefix ?? 'netra:', logger: opts.logger });
    this.subs = new Subscriptions(this.link, opts.logger);
    this.runLog = new RunLog(this.link, {
      retentionMs: opts.retentionMs,
      liveTtlMs: this.liveRunTtlMs,
      // The provider's cap plus its own closing events (tool_completed per open call, the terminal event).
      maxEvents: opts.maxEventsPerRun + 64,
    });
    this.requests = new RequestMemory(this.link, opts.retentionMs);
    this.counters = new ClusterCounters(this.link, opts.nodeId);
    this.liveness = new NodeLiveness(this.link, opts.nodeId, { heartbeatMs, ttlMs });
    this.fanout = new UserFanout(this.link, this.subs, opts.nodeId, (e) => this.hooks?.onRemoteEvent(e));
    this.control = new NodeControl(this.link, this.subs, opts.nodeId);
  }

  private hooks: ClusterNodeHooks | undefined;

  /** Upper bound (ms) from a node's death to its runs' agent_error being appended by a survivor. */
  get reapBoundMs(): number {
    return this.liveness.opts.ttlMs + 2 * this.liveness.opts.heartbeatMs;
  }

  get health(): LinkHealth {
    return this.link.health;
  }

  /** Connects, listens for control messages, starts beating and reaping. Rejects REDIS_UNAVAILABLE if Redis is down. */
  async start(hooks: ClusterNodeHooks): Promise<void> {
    this.hooks = hooks;
    await this.link.connect();
    await this.control.listen((m) => this.hooks?.onControl(m));
    await this.liveness.start();
    this.reaper = setInterval(() => void this.reapOnce(), this.liveness.opts.heartbeatMs);
    this.reaper.unref();
  }

  /** Stops beating and reaping; `clean` removes this node's liveness keys (its runs must have ended). */
  async stop(clean: boolean): Promise<void> {
    if (this.reaper !== undefined) clearInterval(this.reaper);
    this.reaper = undefined;
    await this.liveness.stop(clean && this.link.health === 'ready').catch(() => undefined);
    await this.link.close();
  }

  /** Records that this node owns the run (before its first event). */
  async claimRun(ref: RunRef): Promise<void> {
    await this.liveness.claimRun(ref, this.liveRunTtlMs);
  }

  /**
   * One pass of the reaper; returns the runs it ended. Never throws (Redis down: the next pass retries; a run
   * whose log moved on meanwhile is skipped and logged).
   */
  async reapOnce(): Promise<number> {
    if (this.reaping || this.link.health !== 'ready') return 0;
    this.reaping = true;
    let ended = 0;
    try {
      for (const dead of await this.liveness.deadNodes()) {
        const refs = await this.liveness.claimReap(dead, 30_000);
        if (refs === undefined) continue;
        for (const ref of refs) {
          if (!(await this.endOrphan(ref, dead))) continue;
          ended++;
          this.reapedRuns++; // counted as each run ends, not when the whole pass is done
        }
        const users = await this.counters.releaseNode(dead);
        await this.liveness.forgetNode(dead);
        this.opts.logger.warn('dead node reaped', { node: dead, runs_ended: ended, users });
      }
    } catch (err) {
      this.opts.logger.warn('reaper pass failed; retrying next beat', { error: errorText(err) });
    } finally {
      this.reaping = false;
    }
    return ended;
  }

  private async endOrphan(ref: RunRef, deadNode: string): Promise<boolean> {
    const logged = (await this.runLog.readAfter(ref.userId, ref.runId, 0)) ?? [];
    const closing = closingEvents(
      ref,
      logged.map((e) => e.text),
      'PROVIDER_RESTARTED',
      REAPED_MESSAGE,
    );
    try {
      // One atomic batch: an owner coming back cannot interleave with the closing events.
      const items = closing.map((event, i) => {
        const text = JSON.stringify(event);
        const seq = event.seq as number;
        const publish = this.fanout.publishOf(ref.userId, ref.runId, seq, text, `reaper:${this.nodeId}`);
        return { event: { seq, text }, terminal: i === closing.length - 1, publish };
      });
      if (items.length > 0) await this.runLog.appendBatch(ref.userId, ref.runId, items);
    } catch (err) {
      if (!(err instanceof ClusterError && err.code === 'RUN_LOG_CONFLICT')) throw err;
      this.opts.logger.warn('reaper: the run log moved on meanwhile; run left to its writer', { run_id: ref.runId });
      return false;
    }
    await this.liveness.releaseRun(ref.userId, ref.runId, deadNode);
    return closing.length > 0;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
