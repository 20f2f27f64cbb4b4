import type { RunRef } from './closing';
import type { RedisLink } from './redis-link';

/** Settings of a {@link NodeLiveness}. */
export interface LivenessOptions {
  /** How often this node renews its heartbeat key. */
  heartbeatMs: number;
  /** The heartbeat key's TTL: a node silent this long is dead. Several heartbeats, so one slow beat is not death. */
  ttlMs: number;
}

/**
 * Node liveness and run ownership. Each node renews `node:<id>:alive` (TTL `ttlMs`) every `heartbeatMs` and is
 * listed in the `nodes` sorted set. The runs it owns are in `node:<id>:runs` (runId -> its {@link RunRef} as JSON) and each run's
 * owner is `{u:<user>}:own:<runId>` (what a node that receives `cancel_run` looks up). A node whose heartbeat key
 * expired is dead: {@link deadNodes} finds it, {@link claimReap} lets exactly one survivor take its runs.
 * Bound: a killed node is noticed within `ttlMs + heartbeatMs` (its last beat's TTL, plus one sweep of a survivor).
 */
export class NodeLiveness {
  private timer: NodeJS.Timeout | undefined;
  /** Beats that could not be written (Redis down); the next one retries. */
  missedBeats = 0;

  constructor(
    private readonly link: RedisLink,
    readonly nodeId: string,
    readonly opts: LivenessOptions,
  ) {}

  private aliveKey(nodeId: string): string {
    return this.link.key('node', nodeId, 'alive');
  }

  private runsKey(nodeId: string): string {
    return this.link.key('node', nodeId, 'runs');
  }

  private ownerKey(userId: string, runId: string): string {
    return this.link.userKey(userId, 'own', runId);
  }

  /** Writes the first heartbeat (rejects while Redis is down) and keeps beating until {@link stop}. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch(() => this.missedBeats++);
    }, this.opts.heartbeatMs);
    this.timer.unref();
  }

  /** Stops beating and, for a clean shutdown, removes this node's keys (its runs must have been ended). */
  async stop(clean: boolean): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (!clean) return;
    await this.link.call('node leave', (redis) =>
      Promise.all([
        redis.del(this.aliveKey(this.nodeId), this.runsKey(this.nodeId)),
        redis.zrem(this.link.key('nodes'), this.nodeId),
      ]),
    );
  }

  async beat(): Promise<void> {
    await this.link.call('heartbeat', (redis) =>
      Promise.all([
        redis.set(this.aliveKey(this.nodeId), String(Date.now()), 'PX', this.opts.ttlMs),
        redis.zadd(this.link.key('nodes'), Date.now(), this.nodeId),
      ]),
    );
  }

  /** Records that this node owns `runId` (before its first event is published). */
  async claimRun(ref: RunRef, ttlMs: number): Promise<void> {
    await this.link.call('run claim', (redis) =>
      Promise.all([
        // The node's list first: a reaper that finds the owner key dead must also find the run in the list.
        redis.hset(this.runsKey(this.nodeId), ref.runId, JSON.stringify(ref)),
        redis.set(this.ownerKey(ref.userId, ref.runId), this.nodeId, 'PX', ttlMs),
      ]),
    );
  }

  /** The run ended (its terminal event is in the log): nobody needs to reap it. */
  async releaseRun(userId: string, runId: string, nodeId = this.nodeId): Promise<void> {
    await this.link.call('run release', (redis) =>
      Promise.all([redis.hdel(this.runsKey(nodeId), runId), redis.del(this.ownerKey(userId, runId))]),
    );
  }

  /** The node that owns `userId`'s run, or undefined (ended, unknown, or another user's run). */
  async ownerOf(userId: string, runId: string): Promise<string | undefined> {
    const owner = await this.link.call('run owner', (redis) => redis.get(this.ownerKey(userId, runId)));
    return owner ?? undefined;
  }

  async isAlive(nodeId: string): Promise<boolean> {
    return (await this.link.call('node alive', (redis) => redis.exists(this.aliveKey(nodeId)))) === 1;
  }

  /** Listed nodes (other than this one) whose heartbeat key is gone. */
  async deadNodes(): Promise<string[]> {
    const nodes = await this.link.call('node list', (redis) => redis.zrange(this.link.key('nodes'), 0, -1));
    const others = nodes.filter((n) => n !== this.nodeId);
    if (others.length === 0) return [];
    const alive = await this.link.call('node alive', (redis) =>
      Promise.all(others.map((n) => redis.exists(this.aliveKey(n)))),
    );
    return others.filter((_, i) => alive[i] === 0);
  }

  /**
   * Takes the right to reap `deadNode` for `leaseMs` (SET NX): of the survivors that noticed, exactly one gets it.
   * Returns the dead node's unfinished runs, or undefined when another survivor holds the lease.
   */
  async claimReap(deadNode: string, leaseMs: number): Promise<RunRef[] | undefined> {
    const got = await this.link.call('reap lease', (redis) =>
      redis.set(this.link.key('node', deadNode, 'reaper'), this.nodeId, 'PX', leaseMs, 'NX'),
    );
    if (got !== 'OK') return undefined;
    const runs = await this.link.call('reap runs', (redis) => redis.hgetall(this.runsKey(deadNode)));
    return Object.values(runs).flatMap((json) => {
      const ref = parseRef(json);
      return ref === undefined ? [] : [ref];
    });
  }

  /** The dead node is fully reaped: forget it (its run list, its entry in `nodes`). */
  async forgetNode(deadNode: string): Promise<void> {
    await this.link.call('node forget', (redis) =>
      Promise.all([redis.del(this.runsKey(deadNode)), redis.zrem(this.link.key('nodes'), deadNode)]),
    );
  }
}

function parseRef(json: string): RunRef | undefined {
  try {
    const v = JSON.parse(json) as Record<string, unknown>;
    const fields = ['userId', 'runId', 'threadId', 'requestId', 'agentName'] as const;
    if (fields.every((f) => typeof v[f] === 'string')) return v as unknown as RunRef;
  } catch {
    // fall through: a corrupt entry is skipped (its run expires with its live TTL)
  }
  return undefined;
}
