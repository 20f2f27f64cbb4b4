// The provider tests' harness (tests/integration/provider, tests/integration/protocol, tests/security): a real stack
// (auth service + provider on 127.0.0.1, port 0), real ws clients that record and validate every frame they receive
// and feed one rules session per test (judged by the limits the test's provider runs with), and checks of the run
// invariants. (The tier tests' harness is ./client.ts and ./session.ts.)
import { isUtf8 } from 'node:buffer';
import WebSocket from 'ws';
import { validateServerMessage } from '../../generated/validators';
import { startStack, type Stack, type StackOptions } from '../../src/provider';
import { loadProtocol, type ChannelLimits } from '../../src/protocol';
import {
  createChecker,
  loadProfiles,
  loadRules,
  type Checker,
  type Profile,
  type RuleSet,
  type Violation,
} from '../../src/rules';

export type Msg = Record<string, unknown> & { type: string };

/** Latencies that keep a run of ~16 events well under 200 ms. */
export const FAST = { thinkMs: 5, toolMs: 5, jitter: 0 } as const;

const openClients = new Set<TestClient>();
const invalidFrames: { raw: string; errors: unknown }[] = [];

// The project's one rules engine watches every test's traffic, as a recorded session would be checked. A fresh
// session per test; the 'ci' timing profile because the test machine is shared.
let rules: RuleSet | undefined;
let session: { checker: Checker; t0: number; conns: number } | undefined;
let judgedBy: { limits?: Partial<ChannelLimits>; profile?: Partial<Profile> } = {};

function sessionChecker(): { checker: Checker; t0: number; conns: number } {
  rules ??= loadRules();
  if (session === undefined) {
    const protocol = loadProtocol();
    session = {
      checker: createChecker({
        rules,
        profile: { ...loadProfiles().get('ci'), ...judgedBy.profile },
        protocol: judgedBy.limits
          ? { ...protocol, limits: { ...protocol.limits, ...judgedBy.limits } as ChannelLimits }
          : protocol,
      }),
      t0: performance.now(),
      conns: 0,
    };
  }
  return session;
}

function sessionTime(): number {
  return Math.round((performance.now() - sessionChecker().t0) * 1000) / 1000;
}

/**
 * The limits the test's provider was started with (its `limits` and per-user caps, in x-netra-limits names) and
 * profile changes, so that every rule judges this test's traffic by them. Call before the test's first client;
 * reset after each test.
 *
 * @example
 * judgeBy({ limits: { max_connections_per_user: 2 } });
 */
export function judgeBy(spec: { limits?: Partial<ChannelLimits>; profile?: Partial<Profile> }): void {
  if (session !== undefined) throw new Error('judgeBy must be called before the test connects its first client');
  judgedBy = spec;
}

/** Ends this test's session: the rule violations (errors) the engine found in all the traffic. */
export function finishRulesSession(): Violation[] {
  const current = session;
  session = undefined;
  judgedBy = {};
  if (current === undefined) return [];
  return current.checker
    .finish(sessionTime())
    .filter((v) => v.severity === 'error')
    .map(({ rule, conn, message, run_id }) => ({ rule, conn, message, run_id }) as Violation);
}

/** Starts auth + provider with fast latencies (overridable). */
export async function startTestStack(
  provider: StackOptions['provider'] = {},
  extra: Omit<StackOptions, 'provider'> = {},
): Promise<Stack> {
  return startStack({ ...extra, provider: { ...FAST, ...provider } });
}

/** Every frame any client received since the last call must have passed the generated validators (afterEach). */
export function takeInvalidFrames(): { raw: string; errors: unknown }[] {
  return invalidFrames.splice(0, invalidFrames.length);
}

/** Closes every client still open (afterEach/afterAll). */
export async function closeAllClients(): Promise<void> {
  await Promise.all([...openClients].map((c) => c.close()));
}

export interface ConnectOptions {
  token?: string;
  /** The user the token names (for the rules engine's session); default: read from the token. */
  user?: string;
  via?: 'header' | 'subprotocol';
  headers?: Record<string, string>;
  protocols?: string[];
  autoPong?: boolean;
  /**
   * False: this connection's traffic is not fed to the rules engine (default true). Only for a client that does not
   * read as a recorder would (a paused socket reads seconds late, so its clock says nothing about the server); the
   * test then checks what it got by hand.
   */
  judged?: boolean;
}

interface Waiter {
  from: number;
  predicate: (m: Msg) => boolean;
  resolve: (m: Msg) => void;
}

/** A real ws client that keeps every frame it received, parsed, in order, and validates each one. */
export class TestClient {
  readonly ws: WebSocket;
  /** Parsed frames, in arrival order. */
  readonly frames: Msg[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private waiters: Waiter[] = [];
  /** Session connection id for the rules engine. */
  readonly conn: string;
  private closingByClient = false;
  /** The rules session this client feeds, if any. */
  private readonly judged: { checker: Checker } | undefined;

  constructor(url: string, opts: ConnectOptions = {}) {
    const rulesSession = opts.judged === false ? undefined : sessionChecker();
    this.conn = rulesSession ? `c${++rulesSession.conns}` : 'unjudged';
    this.judged = rulesSession;
    rulesSession?.checker.open(this.conn, opts.user ?? subOf(opts.token), sessionTime());
    const headers: Record<string, string> = { ...opts.headers };
    const protocols = [...(opts.protocols ?? [])];
    if (opts.token !== undefined) {
      if (opts.via === 'subprotocol') protocols.push(`jwt.${opts.token}`);
      else headers.Authorization = `Bearer ${opts.token}`;
    }
    this.ws = new WebSocket(url, protocols, { headers, autoPong: opts.autoPong ?? true });
    openClients.add(this);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        openClients.delete(this);
        if (rulesSession !== undefined && session === rulesSession) {
          rulesSession.checker.close(
            this.conn,
            code,
            reason.toString(),
            this.closingByClient ? 'client' : 'server',
            sessionTime(),
          );
        }
        resolve({ code, reason: reason.toString() });
      });
    });
    this.ws.on('message', (data, isBinary) => {
      const raw = isBinary ? '<binary>' : data.toString();
      let msg: unknown;
      try {
        msg = JSON.parse(raw);
      } catch {
        msg = raw;
      }
      const checked = validateServerMessage(msg);
      if (!checked.ok) invalidFrames.push({ raw: raw.slice(0, 500), errors: checked.errors });
      if (rulesSession !== undefined && session === rulesSession) {
        rulesSession.checker.frame(
          this.conn,
          's2c',
          typeof msg === 'string' ? undefined : msg,
          typeof msg === 'string' ? raw : undefined,
          sessionTime(),
        );
      }
      const m = (msg !== null && typeof msg === 'object' ? msg : { type: '<not json>', raw }) as Msg;
      this.frames.push(m);
      const index = this.frames.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (index >= w.from && w.predicate(m)) {
          w.resolve(m);
          return false;
        }
        return true;
      });
    });
  }

  /** Connects and waits for connection_established. */
  static async connect(url: string, opts: ConnectOptions = {}): Promise<TestClient> {
    const client = new TestClient(url, opts);
    await client.waitFor((m) => m.type === 'connection_established' || m.type === 'error_message');
    return client;
  }

  send(msg: unknown): void {
    const text = typeof msg === 'string' || Buffer.isBuffer(msg) ? msg : JSON.stringify(msg);
    this.record(text);
    this.ws.send(text);
  }

  /** Sends raw bytes as a text or binary frame (bad-input tests). */
  sendRaw(data: string | Buffer, binary: boolean): void {
    this.record(binary ? '<binary>' : data);
    this.ws.send(data, { binary });
  }

  private record(data: string | Buffer): void {
    if (session === undefined || this.judged !== session) return;
    // Invalid UTF-8 is recorded as raw text, as a recorder would: the server must refuse it, not parse it.
    const raw = data.toString();
    let parsed: unknown;
    try {
      parsed = typeof data === 'string' || isUtf8(data) ? JSON.parse(raw) : undefined;
    } catch {
      parsed = undefined;
    }
    const rulesSession = sessionChecker();
    rulesSession.checker.frame(
      this.conn,
      'c2s',
      parsed,
      parsed === undefined ? raw.slice(0, 200) : undefined,
      sessionTime(),
    );
  }

  /** Number of frames received so far (use as `from` to wait for a later frame). */
  mark(): number {
    return this.frames.length;
  }

  /** The first frame at index >= `from` matching `predicate`, already received or still to come. */
  waitFor(predicate: (m: Msg) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<Msg> {
    const from = opts.from ?? 0;
    const found = this.frames.slice(from).find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(', ')}`));
      }, timeoutMs);
      const waiter: Waiter = {
        from,
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Next error_message after `from`. */
  nextError(from: number, timeoutMs?: number): Promise<Msg> {
    return this.waitFor((m) => m.type === 'error_message', { from, timeoutMs });
  }

  /** Sends start_agent and resolves with its agent_started. */
  async start(requestId: string, extra: Record<string, unknown> = {}): Promise<Msg> {
    const from = this.mark();
    this.send({ type: 'start_agent', request_id: requestId, user_request: 'Optimise my AI costs.', ...extra });
    return this.waitFor(
      (m) => (m.type === 'agent_started' || m.type === 'error_message') && m.request_id === requestId,
      { from },
    );
  }

  /** The events of one run this client received, in arrival order. */
  runEvents(runId: string): Msg[] {
    return this.frames.filter((m) => m.run_id === runId && m.type !== 'error_message');
  }

  waitForTerminal(runId: string, timeoutMs?: number): Promise<Msg> {
    return this.waitFor((m) => m.run_id === runId && (m.type === 'agent_completed' || m.type === 'agent_error'), {
      timeoutMs,
    });
  }

  /** An abrupt drop by the client: no close handshake. */
  async drop(): Promise<void> {
    this.closingByClient = true;
    this.ws.terminate();
    await this.closed;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.closingByClient = true;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate();
    } else {
      this.ws.close();
      const timer = setTimeout(() => this.ws.terminate(), 1_000);
      await this.closed;
      clearTimeout(timer);
      return;
    }
    await this.closed;
  }
}

export async function connectAs(stack: Stack, user: string, opts: ConnectOptions = {}): Promise<TestClient> {
  const { access_token } = await stack.auth.issueTokens(user);
  const client = await TestClient.connect(stack.wsUrl, { token: access_token, ...opts });
  if (client.frames[0]?.type !== 'connection_established')
    throw new Error(`not accepted: ${JSON.stringify(client.frames[0])}`);
  return client;
}

/**
 * The run invariants of asyncapi.yaml on a complete list of one run's events: seq 1..n without gap or repeat,
 * agent_started first, exactly one terminal and it is last, every tool_executing completed by its tool_completed
 * before the terminal, one run/thread/user throughout.
 */
export function expectCompleteRun(events: Msg[]): void {
  expect(events.length).toBeGreaterThanOrEqual(2);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events[0].type).toBe('agent_started');
  const terminals = events.filter((e) => e.type === 'agent_completed' || e.type === 'agent_error');
  expect(terminals).toHaveLength(1);
  expect(terminals[0]).toBe(events[events.length - 1]);
  const open = new Map<unknown, unknown>();
  for (const e of events) {
    if (e.type === 'tool_executing') {
      expect(open.has(e.tool_call_id)).toBe(false);
      open.set(e.tool_call_id, e.tool_name);
    }
    if (e.type === 'tool_completed') {
      expect(open.get(e.tool_call_id)).toBe(e.tool_name);
      open.delete(e.tool_call_id);
    }
  }
  expect(open.size).toBe(0);
  for (const key of ['run_id', 'thread_id', 'user_id', 'agent_name']) {
    expect(new Set(events.map((e) => e[key])).size).toBe(1);
  }
  expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
}

/**
 * What one client ended up with across connections (or one connection after a resume), checked to hold every seq at
 * most once, and returned in seq order. A resumed connection may get the history before it joined after live
 * events it already had; only "exactly once" is promised, not arrival order across the join.
 */
export function mergeExactlyOnce(...parts: Msg[][]): Msg[] {
  const all = parts.flat();
  const seqs = all.map((m) => Number(m.seq));
  expect(new Set(seqs).size).toBe(seqs.length);
  return [...all].sort((a, b) => Number(a.seq) - Number(b.seq));
}

/** Signs and returns an access token for `user` valid for `ttlS` seconds. */
export async function tokenFor(stack: Stack, user: string, ttlS?: number): Promise<string> {
  return (await stack.auth.issueTokens(user, ttlS === undefined ? {} : { ttlS })).access_token;
}

/**
 * Standard afterEach: closes what the test left open, then no client may have received an invalid frame and the
 * rules engine must have found no violation in the test's traffic.
 */
export async function afterEachCheck(): Promise<void> {
  await closeAllClients();
  expect(takeInvalidFrames()).toEqual([]);
  expect(finishRulesSession()).toEqual([]);
}

function subOf(token: string | undefined): string | null {
  if (token === undefined) return null;
  try {
    const sub = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}
