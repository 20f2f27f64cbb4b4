import type { Publish } from './run-log';
import type { RedisLink } from './redis-link';
import type { Subscriptions } from './subscriptions';

/** One run event as a node receives it from another node. */
export interface RemoteEvent {
  userId: string;
  runId: string;
  seq: number;
  text: string;
  /** The node that owns the run and published the event. */
  origin: string;
}

export type RemoteEventHandler = (event: RemoteEvent) => void;

/**
 * Fan-out of run events across nodes: one pub/sub channel per user (`{u:<user>}:ev`). A node subscribes to the
 * channel of every user with at least one local connection and delivers what arrives to ITS local connections
 * only; the owner node delivers to its own local connections directly and ignores its own echo. So every
 * connection of the user receives each event exactly once: through exactly one node, its own. The message is
 * `<origin>\n<runId>\n<seq>\n<frame>` so receivers route without parsing the JSON frame (JSON.stringify never
 * emits a raw newline).
 */
export class UserFanout {
  /** Messages on a user channel that were not `<origin>\n<runId>\n<seq>\n<frame>` (a foreign writer): counted. */
  malformed = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly subs: Subscriptions,
    private readonly nodeId: string,
    private readonly onEvent: RemoteEventHandler,
  ) {
    if (nodeId.includes('\n')) throw new RangeError('node id must not contain a newline');
  }

  channel(userId: string): string {
    return this.link.userKey(userId, 'ev');
  }

  /**
   * What the run log's append script publishes for one event of `userId`'s run. `origin` defaults to this node
   * (which then delivers to its own connections directly); a reaper publishes as `reaper:<node>` so that every
   * node, itself included, delivers the closing events it writes for a dead owner.
   */
  publishOf(userId: string, runId: string, seq: number, text: string, origin = this.nodeId): Publish {
    return { channel: this.channel(userId), message: `${origin}\n${runId}\n${seq}\n${text}` };
  }

  /** Starts receiving `userId`'s events (one more local connection of the user). REDIS_UNAVAILABLE while down. */
  async follow(userId: string): Promise<void> {
    await this.subs.add(this.channel(userId), (message) => this.receive(userId, message));
  }

  /** One local connection of the user fewer; the last one stops the subscription. */
  unfollow(userId: string): void {
    this.subs.remove(this.channel(userId));
  }

  following(userId: string): boolean {
    return this.subs.has(this.channel(userId));
  }

  private receive(userId: string, message: string): void {
    const a = message.indexOf('\n');
    const b = message.indexOf('\n', a + 1);
    const c = message.indexOf('\n', b + 1);
    if (a < 0 || b < 0 || c < 0) {
      this.malformed++;
      return;
    }
    const origin = message.slice(0, a);
    if (origin === this.nodeId) return;
    const seq = Number(message.slice(b + 1, c));
    if (!Number.isSafeInteger(seq) || seq < 1) {
      this.malformed++;
      return;
    }
    this.onEvent({ userId, runId: message.slice(a + 1, b), seq, text: message.slice(c + 1), origin });
  }
}
