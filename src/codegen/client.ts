import type { Spec, SpecMessage } from '../asyncapi';
import { mainChannelOf, runProtocolOf } from './contract';
import { provenance } from './message-schema';
import { commentText, fillTemplate, stringLiteral } from './source-text';

/** Message types the generated client is built around; a spec without all of them gets no client. */
const CLIENT_TYPES = ['start_agent', 'resume', 'cancel_run', 'auth_refresh'] as const;
const SERVER_TYPES = ['connection_established', 'error_message'] as const;

function list(values: readonly string[]): string {
  return values.map((v) => stringLiteral(v)).join(', ');
}

function union(values: readonly string[]): string {
  return values.map((v) => `MessageTypeMap[${stringLiteral(v)}]`).join(' | ');
}

/**
 * `generated/client.ts`: a typed, self-contained consumer SDK for the spec's run protocol (connect with a token,
 * typed handlers per server message, typed client messages, validation of what arrives, resume after a drop). It is
 * produced only for a spec that has a run protocol (`x-netra-run`) and the connection messages (start_agent,
 * resume, cancel_run, auth_refresh, connection_established, error_message); any other document gets no client
 * (undefined). The run events, the start and the terminals come from the spec. Deterministic: the same spec gives
 * the same bytes.
 *
 * @example
 * const text = clientModule(await loadSpec('asyncapi.yaml'));
 * text?.includes('export class NetraClient'); // true
 */
export function clientModule(spec: Spec): string | undefined {
  const byType = new Map<string, SpecMessage>();
  for (const m of spec.messages) if (m.type !== undefined && !byType.has(m.type)) byType.set(m.type, m);
  const has = (type: string, direction: 'send' | 'receive'): boolean => {
    const d = byType.get(type)?.direction;
    return d === direction || d === 'both';
  };
  if (!CLIENT_TYPES.every((t) => has(t, 'receive'))) return undefined;
  if (!SERVER_TYPES.every((t) => has(t, 'send'))) return undefined;
  const run = runProtocolOf(spec);
  if (run === null) return undefined;
  const serverTypes = [...byType.values()]
    .filter((m) => m.direction === 'send' || m.direction === 'both')
    .map((m) => m.type as string);
  const major = spec.version.split('.')[0] ?? '1';
  const channel = mainChannelOf(spec);
  // Each placeholder is filled for the place it stands in: comment text, a whole string literal, or the inside of
  // a single-quoted one. Nothing from the document reaches the client unescaped.
  return fillTemplate(TEMPLATE, {
    __PROVENANCE__: commentText(provenance(spec)),
    __TITLE__: commentText(`${spec.title} ${spec.version}`),
    __ADDRESS__: commentText(channel?.address ?? '/'),
    __MAJOR__: stringLiteral(major),
    __SERVER_TYPES__: list(serverTypes),
    __RUN_TYPES__: list(run.events),
    __RUN_UNION__: union(run.events),
    __START_TYPE__: stringLiteral(run.start),
    __START_TYPE_TEXT__: commentText(run.start),
    __START_TYPE_IN_STRING__: stringLiteral(run.start).slice(1, -1),
    __TERMINAL_TYPES__: list(run.terminals),
    __TERMINAL_UNION__: union(run.terminals),
  });
}

// The client itself. Placeholders (__NAME__) are filled from the spec; the rest is fixed code. It avoids template
// literals so that this file can hold it in one.
const TEMPLATE = `/* eslint-disable */
/**
 * __PROVENANCE__
 * Regenerate with \`netra-contracts generate\`.
 *
 * NetraClient: a typed client of the __TITLE__ channel (\`__ADDRESS__\`), for browsers and Node.js.
 *
 * - Connects with an access token, as the \`jwt.<token>\` subprotocol (default; works everywhere) or the
 *   \`Authorization: Bearer\` header (Node.js with the \`ws\` package only).
 * - Sends typed client messages (validated before they leave), calls typed handlers per server message type, and
 *   validates every frame that arrives: a frame that fails is dropped and reported as an \`invalid\` event.
 * - When the channel promises a tolerant reader (\`x-netra-tolerant-reader\`), a server message of a type this
 *   client does not know goes to \`onUnknown\` (and the \`unknown\` event) instead; one that carries \`run_id\` and
 *   \`seq\` still counts in its run's seq order, so \`resume\` asks for the right events.
 * - Tracks every run it sees (events by seq, duplicates dropped) and, after an unexpected drop (network, 1001 draining,
 *   1011, 1013 slow consumer, or an expired token when \`getToken\` can supply a new one), reconnects with bounded
 *   backoff and bounded attempts and sends \`resume\` with the last seq it holds for every unfinished run.
 *
 * @example
 * import WebSocket from 'ws';
 * const client = new NetraClient({ url: 'ws://127.0.0.1:8000/ws', getToken: () => fetchToken('alice'), WebSocket });
 * client.on('agent_thinking', (ev) => console.log(ev.step_number, ev.reasoning));
 * await client.connect();
 * const { run_id } = await client.startAgent({ user_request: 'Where can we cut our LLM spend?' });
 * const end = await client.waitForRun(run_id); // agent_completed or agent_error
 * await client.close();
 */
import type { ClientMessage, MessageTypeMap, ServerMessage } from './types';
import { readServerMessage, validateClientMessage, type SchemaError, type UnknownServerMessage } from './validators';

/** Every message type the server sends. */
export const SERVER_MESSAGE_TYPES = [__SERVER_TYPES__] as const;
/** Server messages that belong to a run and carry its \`seq\`. */
export const RUN_EVENT_TYPES = [__RUN_TYPES__] as const;
/** Run events that end their run. */
export const TERMINAL_EVENT_TYPES = [__TERMINAL_TYPES__] as const;
/** The protocol major version this client speaks (connection_established.protocol_version). */
export const PROTOCOL_MAJOR = __MAJOR__;

export type ServerMessageType = ServerMessage['type'];
export type RunEvent = __RUN_UNION__;
export type TerminalEvent = __TERMINAL_UNION__;
export type StartAgentInput = Omit<MessageTypeMap['start_agent'], 'type' | 'request_id'> & { request_id?: string };

/** What the client needs of a WebSocket: the browser's \`WebSocket\` and the \`ws\` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: any): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

/** A WebSocket constructor: \`globalThis.WebSocket\` in browsers, \`require('ws')\` in Node.js. */
export interface WebSocketConstructorLike {
  new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }): WebSocketLike;
}

export interface NetraClientOptions {
  /** The channel URL, e.g. \`ws://127.0.0.1:8000/ws\`. */
  url: string;
  /** An access token. Used for every connection unless \`getToken\` is given (or \`refreshAuth\` replaced it). */
  token?: string;
  /** Called for a token before every connection (the first and each reconnect). Preferred over \`token\`. */
  getToken?: () => string | Promise<string>;
  /** How the token is presented. Default \`subprotocol\`; \`header\` needs a WebSocket that takes headers (\`ws\`). */
  via?: 'header' | 'subprotocol';
  /** The WebSocket implementation. Default \`globalThis.WebSocket\`. */
  WebSocket?: WebSocketConstructorLike;
  /** Reconnect and resume after an unexpected drop. Default true. */
  autoResume?: boolean;
  /** Reconnect attempts after one drop before giving up. Default 5. */
  maxReconnectAttempts?: number;
  /** Delay before the first reconnect attempt, doubled for each next one. Default 250 ms. */
  reconnectDelayMs?: number;
  /** Longest delay between reconnect attempts. Default 5000 ms. */
  maxReconnectDelayMs?: number;
  /** How long startAgent waits for __START_TYPE_TEXT__. Default 30000 ms. */
  requestTimeoutMs?: number;
  /**
   * Called with every server message whose type this client does not know, when the channel promises a tolerant
   * reader (otherwise such a message is \`invalid\`). Same as \`client.on('unknown', handler)\`.
   */
  onUnknown?: (message: UnknownServerMessage) => void;
}

/** Events about the connection itself, beside the server message types. */
export interface NetraClientEvents {
  /** A (re)connection was established. */
  open: { connection: MessageTypeMap['connection_established']; reconnected: boolean };
  /** A socket closed; \`willReconnect\` says whether the client is about to reconnect. */
  close: { code: number; reason: string; willReconnect: boolean; error?: MessageTypeMap['error_message'] };
  /** A reconnect attempt is scheduled. */
  reconnecting: { attempt: number; delayMs: number };
  /** After a reconnect: the runs resumed, with the seq each was resumed after. */
  resumed: { runs: { run_id: string; last_seq: number }[] };
  /** A frame that is not a valid server message; it was dropped. */
  invalid: { frame: unknown; errors: SchemaError[] };
  /** A run event the client already held (same run, same seq); it was dropped. */
  duplicate: RunEvent;
  /** A server message of a type this client does not know (tolerant reader only). */
  unknown: UnknownServerMessage;
}

type Listener<E> = (event: E) => void;
export type NetraEventMap = { [K in ServerMessageType]: MessageTypeMap[K] } & NetraClientEvents;

/** A failure the caller can branch on by \`code\` (an error_message's error_code, or one of the client's own). */
export class NetraClientError extends Error {
  readonly code: string;
  readonly errorMessage?: MessageTypeMap['error_message'];
  constructor(code: string, message: string, errorMessage?: MessageTypeMap['error_message']) {
    super(message);
    this.name = 'NetraClientError';
    this.code = code;
    this.errorMessage = errorMessage;
  }
}

/** What the client knows of one run. */
export interface RunState {
  run_id: string;
  request_id?: string;
  /** The run's events in the order they arrived (each seq once). */
  events: RunEvent[];
  /** The highest seq up to which the client holds every event. */
  lastSeq: number;
  terminal?: TerminalEvent;
}

interface InternalRun extends RunState {
  seqs: Set<number>;
  waiters: { resolve: (ev: TerminalEvent) => void; reject: (err: Error) => void }[];
}

interface PendingStart {
  resolve: (value: { request_id: string; run_id: string; started: MessageTypeMap[__START_TYPE__] }) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
const AUTH_CODES = ['AUTH_FAILED', 'TOKEN_MISSING', 'TOKEN_EXPIRED', 'TOKEN_INVALID', 'TOKEN_WRONG_TYPE', 'PERMISSION_DENIED', 'AUTH_UNAVAILABLE', 'AUTH_USER_MISMATCH'];
const runEventTypes: ReadonlySet<string> = new Set(RUN_EVENT_TYPES);
const terminalTypes: ReadonlySet<string> = new Set(TERMINAL_EVENT_TYPES);

let requestCounter = 0;
function newRequestId(): string {
  requestCounter = (requestCounter + 1) % 1e9;
  return 'req-' + Date.now().toString(36) + '-' + requestCounter.toString(36) + Math.random().toString(36).slice(2, 6);
}

/**
 * A typed client of the channel. See the file header for what it does.
 *
 * @example
 * const client = new NetraClient({ url, token, WebSocket: require('ws') });
 * client.on('agent_completed', (ev) => render(ev.final_response));
 * await client.connect();
 * await client.startAgent({ user_request: 'Optimise my AI costs.' });
 */
export class NetraClient {
  /** \`connecting\`, \`open\`, \`reconnecting\` or \`closed\`. */
  state: 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' = 'idle';
  /** The last connection_established. */
  connection: MessageTypeMap['connection_established'] | undefined;
  private readonly options: NetraClientOptions;
  private readonly listeners = new Map<string, Set<Listener<any>>>();
  private readonly runMap = new Map<string, InternalRun>();
  private readonly pending = new Map<string, PendingStart>();
  private socket: WebSocketLike | undefined;
  private token: string | undefined;
  private closing = false;
  private attempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private connectWaiter: { resolve: (c: MessageTypeMap['connection_established']) => void; reject: (e: Error) => void } | undefined;
  private closeWaiters: (() => void)[] = [];

  constructor(options: NetraClientOptions) {
    if (options.token === undefined && options.getToken === undefined) {
      throw new NetraClientError('NO_TOKEN', 'NetraClient needs a token or getToken');
    }
    this.options = options;
    this.token = options.token;
  }

  /** Registers a handler; returns a function that removes it. */
  on<K extends keyof NetraEventMap>(type: K, handler: Listener<NetraEventMap[K]>): () => void {
    let set = this.listeners.get(type as string);
    if (set === undefined) this.listeners.set(type as string, (set = new Set()));
    set.add(handler);
    return () => this.off(type, handler);
  }

  off<K extends keyof NetraEventMap>(type: K, handler: Listener<NetraEventMap[K]>): void {
    this.listeners.get(type as string)?.delete(handler);
  }

  /** Opens the connection; resolves with connection_established, rejects when the token is refused. */
  connect(): Promise<MessageTypeMap['connection_established']> {
    if (this.state === 'open' && this.connection !== undefined) return Promise.resolve(this.connection);
    this.closing = false;
    return new Promise((resolve, reject) => {
      this.connectWaiter = { resolve, reject };
      this.state = 'connecting';
      this.openSocket(false).catch((err: unknown) => this.failConnect(err));
    });
  }

  /** Sends a client message after validating it against the contract. Throws NetraClientError INVALID_MESSAGE. */
  send(msg: ClientMessage): void {
    const checked = validateClientMessage(msg);
    if (!checked.ok) {
      const first = checked.errors[0];
      throw new NetraClientError('INVALID_MESSAGE', msg.type + ': ' + (first ? (first.pointer || '/') + ' ' + first.message : 'invalid'));
    }
    this.sendRaw(JSON.stringify(msg));
  }

  /** Sends a frame as it is, unchecked (text, or binary bytes). For tests of a server's refusals. */
  sendRaw(data: string | Uint8Array): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) throw new NetraClientError('NOT_CONNECTED', 'the connection is not open');
    socket.send(data);
  }

  /** Starts a run; resolves on its __START_TYPE_TEXT__, rejects with the error_message that refused it. */
  startAgent(input: StartAgentInput): Promise<{ request_id: string; run_id: string; started: MessageTypeMap[__START_TYPE__] }> {
    const request_id = input.request_id ?? newRequestId();
    const msg = { ...input, type: 'start_agent', request_id } as MessageTypeMap['start_agent'];
    return new Promise((resolve, reject) => {
      const timeoutMs = this.options.requestTimeoutMs ?? 30000;
      const timer = setTimeout(() => {
        this.pending.delete(request_id);
        reject(new NetraClientError('TIMEOUT', 'no __START_TYPE_IN_STRING__ for ' + request_id + ' within ' + timeoutMs + ' ms'));
      }, timeoutMs);
      this.pending.set(request_id, { resolve, reject, timer });
      try {
        this.send(msg);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(request_id);
        reject(err);
      }
    });
  }

  /** Asks for a run's events after \`lastSeq\` (default: the last seq this client holds). */
  resume(run_id: string, lastSeq: number = this.lastSeq(run_id)): void {
    this.send({ type: 'resume', run_id, last_seq: lastSeq } as MessageTypeMap['resume']);
  }

  /** Cancels a run; it ends with agent_completed status cancelled. */
  cancelRun(run_id: string): void {
    this.send({ type: 'cancel_run', run_id } as MessageTypeMap['cancel_run']);
  }

  /** Extends the connection with a new access token (also used for reconnects when there is no getToken). */
  refreshAuth(token: string): void {
    this.token = token;
    this.send({ type: 'auth_refresh', token } as MessageTypeMap['auth_refresh']);
  }

  /** Resolves with the run's terminal event (at once when it already arrived). */
  waitForRun(run_id: string): Promise<TerminalEvent> {
    const run = this.run(run_id);
    if (run.terminal !== undefined) return Promise.resolve(run.terminal);
    if (this.state === 'closed') return Promise.reject(new NetraClientError('CONNECTION_CLOSED', 'the client is closed'));
    return new Promise((resolve, reject) => run.waiters.push({ resolve, reject }));
  }

  /** The highest seq of a run up to which this client holds every event (0 for none). */
  lastSeq(run_id: string): number {
    return this.runMap.get(run_id)?.lastSeq ?? 0;
  }

  /** Every run this client has seen, by run_id. */
  get runs(): ReadonlyMap<string, RunState> {
    return this.runMap;
  }

  /** Closes for good (no reconnect); resolves once the socket has closed. */
  close(code = 1000, reason = 'client closed'): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (socket === undefined || socket.readyState > OPEN) {
      this.finish(new NetraClientError('CONNECTION_CLOSED', 'the client was closed'));
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      socket.close(code, reason);
    });
  }

  // ---- internals ------------------------------------------------------------------------------------------------

  private emit(type: string, event: unknown): void {
    for (const handler of [...(this.listeners.get(type) ?? [])]) {
      try {
        handler(event);
      } catch (err) {
        setTimeout(() => {
          throw err;
        }, 0);
      }
    }
  }

  private run(run_id: string): InternalRun {
    let run = this.runMap.get(run_id);
    if (run === undefined) {
      run = { run_id, events: [], lastSeq: 0, seqs: new Set(), waiters: [] };
      this.runMap.set(run_id, run);
    }
    return run;
  }

  private async openSocket(reconnect: boolean): Promise<void> {
    const token = this.options.getToken !== undefined ? await this.options.getToken() : this.token;
    if (token === undefined || token === '') throw new NetraClientError('NO_TOKEN', 'no access token to connect with');
    this.token = token;
    if (this.closing) return;
    const Impl = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (Impl === undefined) throw new NetraClientError('NO_WEBSOCKET', "no WebSocket implementation: pass { WebSocket: require('ws') }");
    const socket =
      this.options.via === 'header'
        ? new Impl(this.options.url, [], { headers: { Authorization: 'Bearer ' + token } })
        : new Impl(this.options.url, ['jwt.' + token]);
    this.socket = socket;
    let established = false;
    let lastError: MessageTypeMap['error_message'] | undefined;
    socket.onmessage = (event: { data: unknown }) => {
      if (this.socket !== socket) return;
      const msg = this.accept(event.data);
      if (msg === undefined) return;
      if (msg.type === 'error_message') lastError = msg as MessageTypeMap['error_message'];
      if (msg.type === 'connection_established' && !established) {
        established = true;
        this.onEstablished(msg as MessageTypeMap['connection_established'], reconnect);
      }
    };
    socket.onerror = () => undefined; // a close always follows
    socket.onclose = (event: { code?: number; reason?: string }) => {
      if (this.socket !== socket) return;
      this.onSocketClose(event.code ?? 1006, event.reason ?? '', established, lastError);
    };
  }

  /** Parses and validates one frame; dispatches it; returns the message when it was valid. */
  private accept(data: unknown): ServerMessage | undefined {
    if (typeof data !== 'string') {
      this.emit('invalid', { frame: data, errors: [{ pointer: '', keyword: 'binary', message: 'a binary frame is not a message' }] });
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.emit('invalid', { frame: data, errors: [{ pointer: '', keyword: 'json', message: 'not JSON' }] });
      return undefined;
    }
    const checked = readServerMessage(parsed);
    if (!checked.ok) {
      this.emit('invalid', { frame: parsed, errors: checked.errors });
      return undefined;
    }
    if (checked.unknown === true) {
      this.acceptUnknown(checked.value);
      return undefined;
    }
    const msg = checked.value;
    if (runEventTypes.has(msg.type)) {
      const event = msg as RunEvent;
      const run = this.run(event.run_id);
      if (run.seqs.has(event.seq)) {
        this.emit('duplicate', event);
        return undefined;
      }
      run.seqs.add(event.seq);
      while (run.seqs.has(run.lastSeq + 1)) run.lastSeq++;
      run.events.push(event);
      if (event.type === __START_TYPE__) {
        const started = event as MessageTypeMap[__START_TYPE__];
        run.request_id = started.request_id;
        const pending = this.pending.get(started.request_id);
        if (pending !== undefined) {
          this.pending.delete(started.request_id);
          clearTimeout(pending.timer);
          pending.resolve({ request_id: started.request_id, run_id: started.run_id, started });
        }
      }
      this.emit(msg.type, msg);
      if (terminalTypes.has(event.type) && run.terminal === undefined) {
        run.terminal = event as TerminalEvent;
        for (const waiter of run.waiters.splice(0)) waiter.resolve(run.terminal);
      }
      return msg;
    }
    if (msg.type === 'error_message') {
      const error = msg as MessageTypeMap['error_message'];
      const pending = error.request_id !== undefined ? this.pending.get(error.request_id) : undefined;
      if (pending !== undefined && error.request_id !== undefined) {
        this.pending.delete(error.request_id);
        clearTimeout(pending.timer);
        pending.reject(new NetraClientError(error.error_code, error.error_message, error));
      }
    }
    this.emit(msg.type, msg);
    return msg;
  }

  /** A message of a type this client does not know: counted in its run's seq order when it has one, handed over. */
  private acceptUnknown(message: UnknownServerMessage): void {
    const seq = message.seq;
    if (typeof message.run_id === 'string' && typeof seq === 'number' && Number.isInteger(seq) && seq > 0) {
      const run = this.run(message.run_id);
      if (run.seqs.has(seq)) return; // already handed over once (a resume repeats what was missed)
      run.seqs.add(seq);
      while (run.seqs.has(run.lastSeq + 1)) run.lastSeq++;
    }
    this.emit('unknown', message);
    const handler = this.options.onUnknown;
    if (handler === undefined) return;
    try {
      handler(message);
    } catch (err) {
      setTimeout(() => {
        throw err;
      }, 0);
    }
  }

  private onEstablished(connection: MessageTypeMap['connection_established'], reconnect: boolean): void {
    const major = String(connection.protocol_version).split('.')[0];
    if (major !== PROTOCOL_MAJOR) {
      this.closing = true;
      this.socket?.close(1002, 'unsupported protocol version');
      this.failConnect(new NetraClientError('PROTOCOL_UNSUPPORTED', 'server speaks protocol ' + connection.protocol_version + ', this client ' + PROTOCOL_MAJOR + '.x'));
      return;
    }
    this.connection = connection;
    this.state = 'open';
    this.attempts = 0;
    const waiter = this.connectWaiter;
    this.connectWaiter = undefined;
    this.emit('open', { connection, reconnected: reconnect });
    waiter?.resolve(connection);
    if (reconnect) {
      const runs: { run_id: string; last_seq: number }[] = [];
      for (const run of this.runMap.values()) {
        if (run.terminal !== undefined) continue;
        runs.push({ run_id: run.run_id, last_seq: run.lastSeq });
        this.resume(run.run_id, run.lastSeq);
      }
      this.emit('resumed', { runs });
    }
  }

  private onSocketClose(code: number, reason: string, established: boolean, error: MessageTypeMap['error_message'] | undefined): void {
    const expired = error !== undefined && error.error_code === 'TOKEN_EXPIRED' && this.options.getToken !== undefined;
    const authFailure = error !== undefined && AUTH_CODES.includes(error.error_code) && !expired;
    // Before connection_established only a reconnect attempt is retried (a first connect reports its refusal).
    const retryable = !authFailure && (established ? code !== 1000 && code !== 1002 && (code !== 1008 || expired) : this.state === 'reconnecting');
    const willReconnect =
      !this.closing && (this.options.autoResume ?? true) && retryable && this.attempts < (this.options.maxReconnectAttempts ?? 5);
    this.emit('close', { code, reason, willReconnect, ...(error ? { error } : {}) });
    if (willReconnect) {
      this.scheduleReconnect();
      return;
    }
    const why = error !== undefined && !established ? new NetraClientError(error.error_code, error.error_message, error) : new NetraClientError('CONNECTION_CLOSED', 'the connection closed (' + code + (reason ? ' ' + reason : '') + ')');
    this.finish(why);
  }

  private scheduleReconnect(): void {
    this.state = 'reconnecting';
    this.attempts++;
    const base = this.options.reconnectDelayMs ?? 250;
    const delayMs = Math.min(this.options.maxReconnectDelayMs ?? 5000, base * Math.pow(2, this.attempts - 1));
    this.emit('reconnecting', { attempt: this.attempts, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.openSocket(true).catch((err: unknown) => this.failConnect(err));
    }, delayMs);
  }

  private failConnect(err: unknown): void {
    const error = err instanceof Error ? err : new NetraClientError('CONNECT_FAILED', String(err));
    const waiter = this.connectWaiter;
    this.connectWaiter = undefined;
    waiter?.reject(error);
    if (this.state === 'reconnecting' && this.attempts < (this.options.maxReconnectAttempts ?? 5) && !this.closing) {
      this.scheduleReconnect();
      return;
    }
    this.finish(error);
  }

  private finish(error: Error): void {
    this.state = 'closed';
    this.socket = undefined;
    const waiter = this.connectWaiter;
    this.connectWaiter = undefined;
    waiter?.reject(error);
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    for (const run of this.runMap.values()) for (const w of run.waiters.splice(0)) w.reject(error);
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }
}
`;
