import type { WebSocket } from 'ws';
import { decodeRaw } from '../client';
import { liveServerFrame, type RequestIdMap } from './compare';
import type { ConnScript, ScriptItem } from './script';

/** What a connection player needs from its session: clocks, id maps, and where to report. */
export interface PlayerHost {
  now(): number;
  readonly speed: number;
  readonly ids: RequestIdMap;
  readonly users: RequestIdMap;
  /** Live ms at which the consumer did the recorded client action of a line. */
  readonly liveTimes: Map<number, number>;
  /** A connection finished (the session checks whether it is complete). */
  finished(player: ConnPlayer): void;
  /** Something changed that may let other connections of the session go on. */
  advanceAll(): void;
}

/**
 * Plays one recorded connection to the consumer connection matched to it. Explicit state: which items of the
 * script are done, when the previous one was played (live and recorded time, for pacing), the timer of the next
 * one, counters, and whether the server is closing the socket itself.
 *
 * @example
 * const player = new ConnPlayer(script, session);
 * player.attach(ws); player.advance();
 */
export class ConnPlayer {
  ws: WebSocket | undefined;
  readonly done: boolean[];
  matched = false;
  finished = false;
  closingByServer = false;
  framesSent = 0;
  framesReceived = 0;
  private prevLive = 0;
  private prevT: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly script: ConnScript,
    private readonly host: PlayerHost,
  ) {
    this.done = script.items.map(() => false);
    this.prevT = script.openT;
  }

  /** The consumer connection matched to this recorded one. */
  attach(ws: WebSocket): void {
    this.matched = true;
    this.ws = ws;
    this.prevLive = this.host.now();
    this.prevT = this.script.openT;
    this.host.liveTimes.set(this.script.openLine, this.host.now());
  }

  /** Marks every item done and stops the timer. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.stop();
    this.done.fill(true);
    this.host.finished(this);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The items not done yet. */
  remaining(): ScriptItem[] {
    return this.script.items.filter((_it, i) => !this.done[i]);
  }

  /** Index of the next client frame the recording expects (server frames still due before it keep their order). */
  nextExpected(): number {
    for (let i = this.done.indexOf(false); i !== -1 && i < this.done.length; i++) {
      if (this.done[i]) continue;
      const kind = this.script.items[i]?.kind;
      if (kind === 'expect') return i;
      if (kind !== 'send') return -1;
    }
    return -1;
  }

  /** Plays the items that are due; schedules a timer for the next one; stops at what the consumer owes. */
  advance(): void {
    if (this.finished || this.ws === undefined) return;
    this.stop();
    for (let i = this.done.indexOf(false); i !== -1 && i < this.done.length; i = this.done.indexOf(false)) {
      const item = this.script.items[i] as ScriptItem;
      if (item.kind === 'expect') return;
      if (item.kind === 'client-close' && item.code !== 1006) return; // the consumer closes
      const wait = this.dueIn(item);
      if (wait === undefined) return; // the consumer has not done what this answered yet
      if (wait > 1) {
        this.timer = setTimeout(() => this.advance(), Math.ceil(wait));
        return;
      }
      this.done[i] = true;
      this.prevLive = this.host.now();
      this.prevT = item.t;
      if (item.kind === 'send') this.send(item);
      else return this.closeAsRecorded(item);
    }
  }

  private dueIn(item: Exclude<ScriptItem, { kind: 'expect' }>): number | undefined {
    const anchorLive = this.host.liveTimes.get(item.anchorLine);
    if (anchorLive === undefined) return undefined;
    const speed = this.host.speed;
    if (speed === 0) return 0;
    const due = Math.max(this.prevLive + (item.t - this.prevT) / speed, anchorLive + (item.t - item.anchorT) / speed);
    return due - this.host.now();
  }

  private send(item: Extract<ScriptItem, { kind: 'send' }>): void {
    const ws = this.ws;
    if (ws === undefined || ws.readyState !== 1) return;
    if (item.raw !== undefined) {
      const wire = decodeRaw(item.raw);
      ws.send('binary' in wire ? wire.binary : wire.text);
    } else {
      ws.send(JSON.stringify(liveServerFrame(item.msg, this.host.ids, this.host.users)));
    }
    this.framesSent++;
  }

  private closeAsRecorded(item: Extract<ScriptItem, { kind: 'server-close' | 'client-close' }>): void {
    const ws = this.ws as WebSocket;
    this.closingByServer = true;
    if (item.kind === 'client-close') this.host.liveTimes.set(item.line, this.host.now());
    const sendable = item.code >= 1000 && item.code < 5000 && ![1005, 1006, 1015].includes(item.code);
    if (item.kind === 'server-close' && sendable) ws.close(item.code, item.reason);
    else ws.terminate(); // a drop, or a close code that cannot be sent (1006 abnormal)
    this.finish();
    this.host.advanceAll();
  }
}
