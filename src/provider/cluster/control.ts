import type { RedisLink } from './redis-link';
import type { Subscriptions } from './subscriptions';

/** A request one node sends to another. */
export interface ControlMessage {
  kind: 'cancel';
  userId: string;
  runId: string;
  /** The node that sent it. */
  from: string;
}

export type ControlHandler = (message: ControlMessage) => void;

/**
 * Node-to-node requests over pub/sub: every node listens on its own `node:<id>:ctl` channel. `cancel_run` that
 * arrives on a node which does not own the run is forwarded to the owner here. PUBLISH answers how many
 * subscribers got the message: 0 means the owner is not listening (dead or partitioned), which the sender reports
 * instead of pretending; the reaper ends such runs.
 */
export class NodeControl {
  /** Messages on this node's channel that were not a control message: counted, not acted on. */
  malformed = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly subs: Subscriptions,
    private readonly nodeId: string,
  ) {}

  private channel(nodeId: string): string {
    return this.link.key('node', nodeId, 'ctl');
  }

  /** Starts listening to this node's channel. */
  async listen(handler: ControlHandler): Promise<void> {
    await this.subs.add(this.channel(this.nodeId), (text) => {
      const message = parseControl(text);
      if (message === undefined) this.malformed++;
      else handler(message);
    });
  }

  /** Sends `message` to `nodeId`; true when the node was listening. */
  async send(nodeId: string, message: Omit<ControlMessage, 'from'>): Promise<boolean> {
    const text = JSON.stringify({ ...message, from: this.nodeId });
    const receivers = await this.link.call('control publish', (redis) => redis.publish(this.channel(nodeId), text));
    return receivers > 0;
  }
}

function parseControl(text: string): ControlMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const m = value as Record<string, unknown>;
  if (
    m.kind !== 'cancel' ||
    typeof m.userId !== 'string' ||
    typeof m.runId !== 'string' ||
    typeof m.from !== 'string'
  ) {
    return undefined;
  }
  return { kind: 'cancel', userId: m.userId, runId: m.runId, from: m.from };
}
