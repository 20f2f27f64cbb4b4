import type { WebSocket } from 'ws';
import { asRecord } from '../../util/records';
import { compareClientFrame, emptyIdMap, type LiveFrame, type RequestIdMap } from './compare';
import { ConnPlayer, type PlayerHost } from './conn-player';
import type { ScriptItem, SessionScript } from './script';
import type { ReplayMismatch, ServedSession } from './types';

/** What the consumer's token turned out to be at the handshake. */
export type Offered = { user: string } | { refusal: string; sub?: string };

/** The error frame the replay server answers a mismatch with. */
export function mismatchFrame(message: string, details: Record<string, unknown>): string {
  const frame = {
    type: 'error_message',
    error_code: 'REPLAY_MISMATCH',
    error_message: message.slice(0, 2000),
    details,
  };
  return JSON.stringify({ ...frame, timestamp: new Date().toISOString() });
}

function safeParse(text: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * Serves one recorded session: matches consumer connections to recorded ones (by the token's user, mapped to the
 * recording's users: the same name, or the name after the consumer's prefix `<prefix>.<user>`; a refused token to a
 * connection the recording refused, or accepted with a bad token), plays each, checks every consumer frame, and
 * collects the mismatches.
 *
 * @example
 * const player = new SessionPlayer(buildScript(session), clock, 0, verifyToken);
 * const found = player.match({ user: 'alice' });
 */
export class SessionPlayer implements PlayerHost {
  readonly conns: ConnPlayer[];
  readonly liveTimes = new Map<number, number>();
  readonly ids: RequestIdMap = emptyIdMap();
  readonly users: RequestIdMap = emptyIdMap();
  readonly mismatches: ReplayMismatch[] = [];

  constructor(
    readonly script: SessionScript,
    readonly now: () => number,
    readonly speed: number,
    private readonly verifyRefresh: (token: string) => Promise<{ user?: string; refusal?: string }>,
    private readonly onFinished: () => void,
  ) {
    this.conns = script.conns.map((c) => new ConnPlayer(c, this));
  }

  get complete(): boolean {
    return this.conns.every((c) => c.finished);
  }

  finished(): void {
    this.onFinished();
  }

  advanceAll(): void {
    for (const c of this.conns) if (c.matched && !c.finished) c.advance();
  }

  mismatch(c: ConnPlayer | undefined, line: number | undefined, message: string): void {
    const conn = c ? { conn: c.script.id } : {};
    this.mismatches.push({ session: this.script.name, ...conn, ...(line !== undefined ? { line } : {}), message });
    if (c?.ws && c.ws.readyState === 1) {
      const at = line !== undefined ? ` at recorded line ${line}` : '';
      c.ws.send(mismatchFrame(`replay mismatch${at}: ${message}`, { session: this.script.name, line }));
    }
  }

  private recordedUserFor(live: string): string | undefined {
    const mapped = this.users.toRecorded.get(live);
    if (mapped !== undefined) return mapped;
    const free = (name: string): boolean =>
      !this.users.toLive.has(name) && this.conns.some((c) => !c.matched && c.script.user === name);
    if (free(live)) return live;
    const dot = live.indexOf('.');
    const rest = dot === -1 ? undefined : live.slice(dot + 1);
    return rest !== undefined && free(rest) ? rest : undefined;
  }

  private mapUser(recorded: string, live: string): void {
    this.users.toLive.set(recorded, live);
    this.users.toRecorded.set(live, recorded);
  }

  /** The recorded connection a consumer connection plays, or why there is none. */
  match(offered: Offered): ConnPlayer | string {
    if ('user' in offered) {
      const recorded = this.recordedUserFor(offered.user);
      const found =
        recorded === undefined ? undefined : this.conns.find((c) => !c.matched && c.script.user === recorded);
      if (found !== undefined && recorded !== undefined) {
        this.mapUser(recorded, offered.user);
        return found;
      }
      const refused = this.conns.find((c) => !c.matched && c.script.user === null);
      return refused
        ? `a valid token for ${offered.user}, but the recording's next connection expects a token refused with ${refused.script.refusalCode}`
        : `no recorded connection of user ${offered.user} is left in session ${this.script.name}`;
    }
    // Which auth code refuses a bad token is the provider's choice: any refusal matches a refused recorded connection,
    // the same code first; a connection the recording accepted with a bad token matches too (it is served as recorded).
    const badToken = (c: ConnPlayer): boolean =>
      !c.matched && (c.script.user === null || c.script.tokenKind !== 'valid');
    const found =
      this.conns.find((c) => badToken(c) && c.script.refusalCode === offered.refusal) ?? this.conns.find(badToken);
    if (found === undefined) {
      return `a token refused with ${offered.refusal}, but session ${this.script.name} has no unserved connection with a refused or bad token`;
    }
    if (found.script.user !== null && offered.sub !== undefined) this.mapUser(found.script.user, offered.sub);
    return found;
  }

  /** Plays `c` to the consumer socket `ws`. */
  attach(c: ConnPlayer, ws: WebSocket): void {
    c.attach(ws);
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      this.onClientFrame(c, isBinary ? { binary: Buffer.from(data) } : { text: data.toString('utf8') }),
    );
    ws.on('close', (code: number) => this.onClientClose(c, code));
    ws.on('error', () => undefined);
    this.advanceAll();
  }

  private onClientFrame(c: ConnPlayer, frame: LiveFrame): void {
    if (c.finished) return;
    c.framesReceived++;
    const index = c.nextExpected();
    if (index === -1) {
      const shown = 'text' in frame ? frame.text.slice(0, 120) : `${frame.binary.length} binary bytes`;
      this.mismatch(c, undefined, `unexpected client frame (the recording has no client frame here): ${shown}`);
      return;
    }
    const item = c.script.items[index] as Extract<ScriptItem, { kind: 'expect' }>;
    c.done[index] = true;
    this.liveTimes.set(item.line, this.now());
    for (const p of compareClientFrame(item, frame, this.ids)) this.mismatch(c, item.line, p);
    const msg = 'text' in frame ? safeParse(frame.text) : undefined;
    if (msg?.type === 'auth_refresh' && typeof msg.token === 'string') {
      void this.checkRefreshToken(c, item.line, msg.token).finally(() => this.advanceAll());
      return;
    }
    this.advanceAll();
  }

  private async checkRefreshToken(c: ConnPlayer, line: number, token: string): Promise<void> {
    const expectation = this.script.refreshExpectations.get(line);
    const { user, refusal } = await this.verifyRefresh(token);
    const owner = c.script.user === null ? undefined : (this.users.toLive.get(c.script.user) ?? c.script.user);
    if (expectation?.otherUser) {
      if (user === undefined || user === owner)
        this.mismatch(
          c,
          line,
          `auth_refresh: expected a valid token of another user, got ${refusal ?? `one for ${user}`}`,
        );
    } else if (expectation?.code !== undefined && expectation.code !== 'SCHEMA_VALIDATION_FAILED') {
      // The recording refused it; which auth code is the provider's choice: any refusal will do.
      if (refusal === undefined)
        this.mismatch(
          c,
          line,
          `auth_refresh: expected a token that is refused (${expectation.code}), got a valid token`,
        );
    } else if (expectation === undefined && (user === undefined || user !== owner)) {
      this.mismatch(c, line, `auth_refresh: expected a valid token for ${owner}, got ${refusal ?? `one for ${user}`}`);
    }
  }

  private onClientClose(c: ConnPlayer, code: number): void {
    if (c.finished) return;
    if (c.closingByServer) return c.finish();
    const next = c.done.indexOf(false);
    const item = next === -1 ? undefined : c.script.items[next];
    if (item?.kind === 'client-close') {
      this.liveTimes.set(item.line, this.now());
      if (item.code !== code)
        this.mismatch(c, item.line, `the consumer closed with ${code}, the recording with ${item.code}`);
    } else {
      const left = c.remaining();
      const frames = left.filter((it) => it.kind === 'send').length;
      const expects = left.filter((it) => it.kind === 'expect').length;
      const what = `${frames} server frame(s) not delivered, ${expects} client frame(s) not sent`;
      this.mismatch(c, item?.line, `the consumer closed (${code}) before the recording's end: ${what}`);
    }
    c.finish();
    this.advanceAll();
  }

  /** Stops every timer and terminates every consumer socket. */
  shutdown(): void {
    for (const c of this.conns) {
      c.stop();
      c.ws?.terminate();
    }
  }

  summary(): ServedSession {
    return {
      file: this.script.file,
      scenario: this.script.name,
      complete: this.complete,
      conns: this.conns.map((c) => ({
        conn: c.script.id,
        user: c.script.user,
        matched: c.matched,
        done: c.finished,
        framesSent: c.framesSent,
        framesReceived: c.framesReceived,
      })),
      mismatches: [...this.mismatches],
    };
  }
}
