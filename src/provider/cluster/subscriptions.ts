import type { Logger } from '../logger';
import { ClusterError } from './errors';
import type { RedisLink } from './redis-link';

type MessageHandler = (message: string) => void;

/**
 * The one place that owns the link's subscriber connection: channel -> handler, with reference counts so that
 * several local owners (connections of one user) share one SUBSCRIBE and the last one to leave UNSUBSCRIBEs.
 * ioredis re-subscribes every channel after a reconnect (autoResubscribe); messages published while the link was
 * down are NOT replayed by pub/sub, which is why the run log exists and the provider fills gaps from it.
 */
export class Subscriptions {
  private readonly handlers = new Map<string, { handler: MessageHandler; refs: number }>();
  /** Channels being subscribed (SUBSCRIBE in flight), so a concurrent add waits for the same round trip. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly link: RedisLink,
    private readonly logger: Logger,
  ) {
    link.sub.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Adds a reference to `channel`; the first one subscribes. Rejects with REDIS_UNAVAILABLE while Redis is down. */
  async add(channel: string, handler: MessageHandler): Promise<void> {
    const entry = this.handlers.get(channel);
    if (entry !== undefined) {
      entry.refs++;
      await this.pending.get(channel);
      return;
    }
    this.handlers.set(channel, { handler, refs: 1 });
    const subscribing = this.subscribe(channel);
    this.pending.set(channel, subscribing);
    try {
      await subscribing;
    } catch (err) {
      this.handlers.delete(channel);
      throw err;
    } finally {
      this.pending.delete(channel);
    }
  }

  /** Drops a reference; the last one unsubscribes (best effort: a failure only leaves a channel we ignore). */
  remove(channel: string): void {
    const entry = this.handlers.get(channel);
    if (entry === undefined) return;
    if (--entry.refs > 0) return;
    this.handlers.delete(channel);
    if (this.link.sub.status === 'ready') {
      this.link.sub.unsubscribe(channel).catch((err: unknown) => {
        this.logger.debug('unsubscribe failed', { error: err instanceof Error ? err.message : String(err) });
      });
    }
  }

  has(channel: string): boolean {
    return this.handlers.has(channel);
  }

  get size(): number {
    return this.handlers.size;
  }

  private async subscribe(channel: string): Promise<void> {
    if (this.link.sub.status !== 'ready') {
      throw new ClusterError('REDIS_UNAVAILABLE', 'Redis is unreachable (SUBSCRIBE not sent)');
    }
    try {
      await this.link.sub.subscribe(channel);
    } catch (err) {
      throw new ClusterError('REDIS_UNAVAILABLE', 'Redis is unreachable (SUBSCRIBE failed)', { cause: err });
    }
  }

  private dispatch(channel: string, message: string): void {
    const entry = this.handlers.get(channel);
    if (entry === undefined) return;
    try {
      entry.handler(message);
    } catch (err) {
      this.logger.error('pub/sub handler threw', { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
