import type { Connection } from '../connection';
import { framePayloadBytes, textFrame } from '../ws-frame';
import type { CommittedEvent } from './seams';

/**
 * The connections this process holds, by user. Delivery to them is the fan-out's last step: a committed event goes
 * to every connection of its user here, each of which sends it unless its span already has that seq.
 */
export class ConnectionRegistry {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly all = new Set<Connection>();

  /** Adds `conn`; true when it is its user's first connection here (the fan-out then watches the user). */
  add(conn: Connection): boolean {
    this.all.add(conn);
    let conns = this.byUser.get(conn.userId);
    const first = conns === undefined;
    if (conns === undefined) this.byUser.set(conn.userId, (conns = new Set()));
    conns.add(conn);
    return first;
  }

  /** Removes `conn`; true when it was its user's last connection here. */
  remove(conn: Connection): boolean {
    if (!this.all.delete(conn)) return false;
    const conns = this.byUser.get(conn.userId);
    if (conns === undefined) return false;
    conns.delete(conn);
    if (conns.size > 0) return false;
    this.byUser.delete(conn.userId);
    return true;
  }

  /** The user's connections held here (none: an empty iterable). */
  of(userId: string): Iterable<Connection> {
    return this.byUser.get(userId) ?? [];
  }

  /** Every connection held here (heartbeat, expiry and drain sweeps). */
  values(): IterableIterator<Connection> {
    return this.all.values();
  }

  get size(): number {
    return this.all.size;
  }

  get users(): number {
    return this.byUser.size;
  }

  /**
   * Local delivery of one committed event. A connection that does not follow the run yet (a run of another process
   * in a cluster) starts following it at this event. The event's frame (built with its text, or here at the first
   * connection that takes it) is one Buffer written to every connection. Answers the payload bytes sent in all (fan-out pacing).
   */
  readonly deliver = (event: CommittedEvent): number => {
    const conns = this.byUser.get(event.userId);
    if (conns === undefined) return 0;
    let frame = event.frame;
    let sent = 0;
    for (const conn of conns) {
      if (conn.span(event.runId) === undefined) conn.follow(event.runId, event.seq - 1);
      if (!conn.wants(event.runId, event.seq)) continue;
      frame ??= textFrame(event.text);
      if (conn.deliver(event.runId, event.seq, frame)) sent++;
    }
    return frame === undefined ? 0 : framePayloadBytes(frame) * sent;
  };
}
