import type { RedisLink } from './redis-link';

/** What is counted per user across the cluster. */
export type CounterKind = 'connections' | 'runs';

/** Result of {@link ClusterCounters.acquire}. */
export interface Acquired {
  ok: boolean;
  /** The user's cluster-wide count after the call (unchanged when refused). */
  total: number;
}

/**
 * Acquire-if-below-limit over the user's per-node counts. KEYS[1] = the user's counter hash (field = node id);
 * ARGV = node, limit, ttl. Atomic: two nodes racing for the user's last slot cannot both get it.
 */
const ACQUIRE = `
local vals = redis.call('HVALS', KEYS[1])
local total = 0
for i = 1, #vals do total = total + tonumber(vals[i]) end
if total >= tonumber(ARGV[2]) then return {0, total} end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, total + 1}
`;

/** Release one of this node's units (never below zero); returns the user's remaining total. */
const RELEASE = `
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
local vals = redis.call('HVALS', KEYS[1])
local total = 0
for i = 1, #vals do total = total + tonumber(vals[i]) end
return total
`;

interface CounterCommands {
  netraAcquire(key: string, node: string, limit: number, ttl: number): Promise<[number, number]>;
  netraRelease(key: string, node: string): Promise<number>;
}

/**
 * Cluster-wide per-user counters (connections, concurrent runs). Each user's count is a hash of per-node counts
 * under the user's hash tag, so a node's share is its own field: when a node dies, a survivor deletes that field
 * for every user the dead node counted ({@link releaseNode}, from the node's `users` set) and the limits free up.
 * The hash expires after `ttlMs` without an acquire (a whole cluster gone leaves nothing behind forever).
 */
export class ClusterCounters {
  private readonly commands: CounterCommands;

  constructor(
    private readonly link: RedisLink,
    private readonly nodeId: string,
    private readonly ttlMs = 24 * 3600_000,
  ) {
    if (!('netraAcquire' in link.cmd)) {
      link.cmd.defineCommand('netraAcquire', { numberOfKeys: 1, lua: ACQUIRE });
      link.cmd.defineCommand('netraRelease', { numberOfKeys: 1, lua: RELEASE });
    }
    this.commands = link.cmd as unknown as CounterCommands;
  }

  private key(userId: string, kind: CounterKind): string {
    return this.link.userKey(userId, 'cnt', kind);
  }

  private usersKey(nodeId: string): string {
    return this.link.key('node', nodeId, 'users');
  }

  /** Takes one unit of `kind` for `userId` on this node if the user's cluster-wide total is below `limit`. */
  async acquire(userId: string, kind: CounterKind, limit: number): Promise<Acquired> {
    const [ok, total] = await this.link.call('counter acquire', () =>
      Promise.all([
        this.commands.netraAcquire(this.key(userId, kind), this.nodeId, limit, this.ttlMs),
        // Bookkeeping for the reaper; in a separate command because it lives in the node's slot, not the user's.
        this.link.cmd.sadd(this.usersKey(this.nodeId), userId),
      ]).then(([result]) => result),
    );
    return { ok: ok === 1, total };
  }

  /** Gives back one unit of `kind` this node took for `userId`. */
  async release(userId: string, kind: CounterKind): Promise<number> {
    return this.link.call('counter release', () => this.commands.netraRelease(this.key(userId, kind), this.nodeId));
  }

  /** The user's cluster-wide count. */
  async total(userId: string, kind: CounterKind): Promise<number> {
    const vals = await this.link.call('counter total', (redis) => redis.hvals(this.key(userId, kind)));
    return vals.reduce((sum, v) => sum + Number(v), 0);
  }

  /** Deletes a (dead) node's share of every user it counted; returns how many users it had. */
  async releaseNode(nodeId: string): Promise<number> {
    const users = await this.link.call('counter reap', (redis) => redis.smembers(this.usersKey(nodeId)));
    await this.link.call('counter reap', (redis) =>
      Promise.all([
        ...users.flatMap((user) => [
          redis.hdel(this.key(user, 'connections'), nodeId),
          redis.hdel(this.key(user, 'runs'), nodeId),
        ]),
        redis.del(this.usersKey(nodeId)),
      ]),
    );
    return users.length;
  }

  /**
   * Writes this node's counts as they are (after Redis lost its data, or to trim the `users` set): every user's
   * field becomes the local value, users with nothing left are dropped from the set.
   */
  async resync(local: Iterable<[string, Record<CounterKind, number>]>): Promise<void> {
    const entries = [...local];
    await this.link.call('counter resync', (redis) =>
      Promise.all([
        redis.del(this.usersKey(this.nodeId)),
        ...entries.flatMap(([user, counts]) =>
          (['connections', 'runs'] as const).map((kind) =>
            counts[kind] > 0
              ? redis
                  .hset(this.key(user, kind), this.nodeId, counts[kind])
                  .then(() => redis.pexpire(this.key(user, kind), this.ttlMs))
              : redis.hdel(this.key(user, kind), this.nodeId),
          ),
        ),
        ...entries
          .filter(([, c]) => c.connections + c.runs > 0)
          .map(([user]) => redis.sadd(this.usersKey(this.nodeId), user)),
      ]),
    );
  }
}
