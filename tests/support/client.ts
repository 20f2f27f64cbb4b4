// A real `ws` client for one user that records every frame it sends and receives into the test's session (and so
// into the one rules checker), exactly as a recorded session would hold it.
import WebSocket from 'ws';
import type { ClientMessage } from '../../generated/types';
import { type TokenPair } from '../../src/auth';
import { fetchDevToken } from '../../src/verify/auth';
import { isTerminal, RunLedger, type Msg } from './ledger';
import type { TestSession } from './session';

export type { Msg } from './ledger';

/** Where clients connect: the WebSocket URL (possibly a chaos proxy) and the auth service that issues dev tokens. */
export interface ConnectTarget {
  wsUrl: string;
  authUrl: string;
}

export interface ConnectOptions {
  /** Use this access token instead of fetching a development token from the auth service. */
  token?: string;
  /** How the token travels: `Authorization: Bearer` (default) or the browser subprotocol `jwt.<token>`. */
  via?: 'header' | 'subprotocol' | 'none';
  /** Subprotocols offered besides the token's (e.g. a second `jwt.<token>`, for conflicting-credential attacks). */
  protocols?: string[];
  /** Connect here instead of `target.wsUrl` (e.g. straight to the provider, past a proxy). */
  url?: string;
  /** Lifetime of the fetched development token. */
  ttlS?: number;
  /** The client application's run ledger, shared by the connections it opens one after another. */
  ledger?: RunLedger;
  /**
   * What the first frame must be: `established` (default; anything else throws), `refused` (an error_message, then
   * close 1008), or `any`.
   */
  expect?: 'established' | 'refused' | 'any';
  timeoutMs?: number;
}

export interface CloseInfo {
  code: number;
  reason: string;
  by: 'client' | 'server';
}

interface Waiter {
  from: number;
  predicate: (m: Msg) => boolean;
  resolve: (m: Msg) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_WAIT_MS = 20_000;

/** The `sub` of a compact JWS, read without verifying (the session's `open.user`). */
export function subOf(token: string | undefined): string | null {
  if (!token) return null;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

/** A recording client; create it with {@link connectUser}. */
export class RecordingClient {
  readonly id: string;
  readonly ws: WebSocket;
  /** Server frames in arrival order (a non-JSON frame as `{ type: '<raw>', raw }`). */
  readonly frames: Msg[] = [];
  readonly ledger: RunLedger;
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | undefined;
  tokens: TokenPair | undefined;
  private waiters: Waiter[] = [];
  /** run id -> last_seq of the resume this connection sent for it. */
  private readonly resumedFrom = new Map<string, number>();
  private closingByClient = false;
  private opened = false;

  constructor(
    readonly session: TestSession,
    readonly user: string | null,
    url: string,
    token: string | undefined,
    via: ConnectOptions['via'],
    ledger: RunLedger | undefined,
    extraProtocols: string[] = [],
  ) {
    this.id = session.connId(user);
    this.ledger = ledger ?? new RunLedger();
    const headers: Record<string, string> = {};
    const protocols: string[] = [...extraProtocols];
    if (token !== undefined && via !== 'none') {
      if (via === 'subprotocol') protocols.push(`jwt.${token}`);
      else headers.Authorization = `Bearer ${token}`;
    }
    this.ws = new WebSocket(url, protocols, { headers, perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.ws.on('error', () => undefined); // surfaced through `closed` / connectUser
    this.ws.on('open', () => {
      this.opened = true;
      session.open(this.id, user);
    });
    this.ws.on('message', (data, isBinary) => this.onMessage(isBinary ? `<binary ${String(data)}>` : data.toString()));
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        const info: CloseInfo = { code, reason: reason.toString(), by: this.closingByClient ? 'client' : 'server' };
        this.closeInfo = info;
        session.members.delete(this);
        if (this.opened) session.close(this.id, info.code, info.reason, info.by);
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(
            new Error(
              `${this.id}: closed ${info.code} ${info.reason} (by ${info.by}) while waiting; got ${this.describe()}`,
            ),
          );
        }
        resolve(info);
      });
    });
    session.members.add(this);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  private onMessage(text: string): void {
    const parsed = this.session.frameText(this.id, 's2c', text);
    const m: Msg =
      parsed !== null &&
      typeof parsed === 'object' &&
      !Array.isArray(parsed) &&
      typeof (parsed as Msg).type === 'string'
        ? (parsed as Msg)
        : { type: '<raw>', raw: text };
    this.frames.push(m);
    this.ledger.add(m, this.id, typeof m.run_id === 'string' ? this.resumedFrom.get(m.run_id) : undefined);
    const index = this.frames.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (index < w.from || !w.predicate(m)) return true;
      clearTimeout(w.timer);
      w.resolve(m);
      return false;
    });
  }

  /** Sends a client message (recorded as c2s when the socket is open; a frame that cannot go out is not recorded). */
  send(msg: ClientMessage | string): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    const text = typeof msg === 'string' ? msg : JSON.stringify(msg);
    this.session.frameText(this.id, 'c2s', text);
    this.ws.send(text);
    return true;
  }

  /**
   * Sends a frame as is: text (recorded as parsed JSON, or as `raw` when it is not JSON) or binary (recorded as its
   * `raw` description). For tests that send malformed frames on purpose. `binary: false` sends a Buffer as a text
   * frame (bytes that are not valid UTF-8, say).
   */
  sendRaw(data: string | Buffer, binary: boolean = Buffer.isBuffer(data)): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    const text = typeof data === 'string' ? data : data.toString('utf8');
    this.session.frameText(this.id, 'c2s', binary ? `<binary ${data.length} bytes>` : text);
    this.ws.send(data, { binary });
    return true;
  }

  /** Frames received so far; pass as `from` to wait for a later one. */
  mark(): number {
    return this.frames.length;
  }

  /** The first frame at index >= `from` matching `predicate`, received already or still to come. */
  waitFor(
    predicate: (m: Msg) => boolean,
    opts: { from?: number; timeoutMs?: number; what?: string } = {},
  ): Promise<Msg> {
    const from = opts.from ?? 0;
    for (let i = from; i < this.frames.length; i++)
      if (predicate(this.frames[i])) return Promise.resolve(this.frames[i]);
    if (this.closeInfo) {
      return Promise.reject(
        new Error(
          `${this.id}: already closed ${this.closeInfo.code}; no ${opts.what ?? 'matching frame'} in ${this.describe()}`,
        ),
      );
    }
    const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        from,
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new Error(`${this.id}: no ${opts.what ?? 'matching frame'} within ${timeoutMs} ms; got ${this.describe()}`),
          );
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends start_agent and resolves with its answer: agent_started, or error_message with the same request_id. */
  async start(
    requestId: string,
    extra: Partial<Omit<Extract<ClientMessage, { type: 'start_agent' }>, 'type' | 'request_id'>> = {},
  ): Promise<Msg> {
    const from = this.mark();
    this.send({
      type: 'start_agent',
      request_id: requestId,
      user_request: 'Where can I cut our LLM inference spend?',
      ...extra,
    });
    return this.waitFor(
      (m) => (m.type === 'agent_started' || m.type === 'error_message') && m.request_id === requestId,
      {
        from,
        what: `answer to ${requestId}`,
      },
    );
  }

  /** Like {@link start} but requires agent_started; returns the run id. */
  async startRun(requestId: string, extra: Parameters<RecordingClient['start']>[1] = {}): Promise<string> {
    const answer = await this.start(requestId, extra);
    if (answer.type !== 'agent_started')
      throw new Error(`${this.id}: start ${requestId} refused: ${JSON.stringify(answer)}`);
    return answer.run_id as string;
  }

  /** Sends resume for `runId` from what the ledger holds (or `lastSeq`). */
  resume(runId: string, lastSeq: number = this.ledger.lastSeq(runId)): boolean {
    const sent = this.send({ type: 'resume', run_id: runId, last_seq: lastSeq });
    if (sent) this.resumedFrom.set(runId, lastSeq);
    return sent;
  }

  /** The run's terminal event on this connection. */
  waitForTerminal(runId: string, timeoutMs?: number): Promise<Msg> {
    return this.waitFor((m) => m.run_id === runId && isTerminal(m), { timeoutMs, what: `terminal of ${runId}` });
  }

  /** Events of one run received on this connection, in arrival order. */
  runEvents(runId: string): Msg[] {
    return this.frames.filter((m) => m.run_id === runId && m.type !== 'error_message');
  }

  /** Closes from the client side (1000) and waits; a peer that does not answer is terminated after 2 s. */
  async close(code = 1000, reason = 'done'): Promise<void> {
    if (this.closeInfo) return;
    this.closingByClient = true;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close(code, reason);
    const timer = setTimeout(() => this.ws.terminate(), 2_000);
    await this.closed;
    clearTimeout(timer);
  }

  /** Drops the connection abruptly from the client side (no close handshake; the socket is destroyed). */
  async drop(): Promise<void> {
    if (this.closeInfo) return;
    this.closingByClient = true;
    this.ws.terminate();
    await this.closed;
  }

  describe(): string {
    const types = this.frames.map((f) => (f.type === 'error_message' ? `error_message(${f.error_code})` : f.type));
    return types.length > 24
      ? `${types.slice(0, 12).join(', ')}, ... ${types.slice(-10).join(', ')}`
      : types.join(', ') || 'nothing';
  }
}

/**
 * Connects `user` to the target with a real development token from the auth service (`POST /auth/token`) unless a
 * token is given, records the connection in `session`, and waits for the first frame. By default the connection
 * must be accepted (connection_established); `expect: 'refused'` waits for the refusal and its close instead.
 *
 * @example
 * const alice = await connectUser(session, stack, 'alice');
 * const runId = await alice.startRun('r1');
 * await alice.waitForTerminal(runId);
 */
export async function connectUser(
  session: TestSession,
  target: ConnectTarget,
  user: string,
  opts: ConnectOptions = {},
): Promise<RecordingClient> {
  let tokens: TokenPair | undefined;
  let token = opts.token;
  if (token === undefined && opts.via !== 'none') {
    tokens = await fetchDevToken(target.authUrl, user, opts.ttlS === undefined ? {} : { ttlS: opts.ttlS });
    token = tokens.access_token;
  }
  const client = new RecordingClient(
    session,
    opts.via === 'none' ? null : subOf(token),
    opts.url ?? target.wsUrl,
    token,
    opts.via,
    opts.ledger,
    opts.protocols,
  );
  client.tokens = tokens;
  const expectWhat = opts.expect ?? 'established';
  const first = await Promise.race([
    client
      .waitFor(() => true, { timeoutMs: opts.timeoutMs ?? DEFAULT_WAIT_MS, what: 'first frame' })
      .catch((err: Error) => err),
    client.closed.then((info) => new Error(`${client.id}: closed ${info.code} ${info.reason} before any frame`)),
  ]);
  if (first instanceof Error) {
    if (expectWhat === 'any') return client;
    throw first;
  }
  if (expectWhat === 'established' && first.type !== 'connection_established') {
    await client.close();
    throw new Error(`${client.id}: expected connection_established, got ${JSON.stringify(first)}`);
  }
  if (expectWhat === 'refused') {
    if (first.type !== 'error_message')
      throw new Error(`${client.id}: expected a refusal, got ${JSON.stringify(first)}`);
    await client.closed;
  }
  return client;
}
