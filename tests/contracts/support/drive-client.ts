// Drives the generated NetraClient (generated/client.ts) through a replay server as a frontend would: one client per
// browser tab of the recording (a tab that reconnected after a drop or an expiry is the same client, which
// reconnects and resumes by itself), each doing what the recorded client did once it has received what the recorded
// client had received. Real sockets and real tokens (from the replay server's auth service); nothing is mocked.
import WebSocket from 'ws';
import {
  NetraClient,
  NetraClientError,
  SERVER_MESSAGE_TYPES,
  type WebSocketConstructorLike,
} from '../../../generated/client';
import { createDevSource } from '../../../src/verify/auth';
import type { ScenarioTokenKind } from '../../../src/verify/scenarios';
import { actorOf } from '../../../src/verify/replay';
import { buildScript, type ReplayServer } from '../../../src/verify/replay-server';
import { sleep } from '../../support/util';
import { decodeRaw } from '../../../src/verify/client';
import type { CloseRecord, FrameRecord, Session } from '../../../src/sessions';

/** What one client (one recorded tab, across its reconnects) received. */
export interface ClientOutcome {
  chain: string[];
  user: string | null;
  /** `type` or `type:seq` of every message the client dispatched, in order. */
  received: string[];
  /** The same, expected from the recording (the chain's server frames, each run seq once). */
  expected: string[];
  invalid: number;
  /** For a refused token: the error_code the client's connect() was rejected with. */
  refusedWith?: string;
  expectedRefusal?: string;
}

const RECONNECT_CODES = new Set([1001, 1006, 1011, 1013]);
const REFUSAL_KIND: Record<string, ScenarioTokenKind> = {
  TOKEN_MISSING: 'none',
  TOKEN_EXPIRED: 'expired',
  TOKEN_WRONG_TYPE: 'wrong_type',
  TOKEN_INVALID: 'bad_signature',
  PERMISSION_DENIED: 'missing_permission',
  AUTH_FAILED: 'bad_signature',
};

interface Chain {
  id: string;
  user: string | null;
  conns: string[];
  client?: NetraClient;
  /** Index in `conns` of the socket the client has open now (-1 before the first). */
  current: number;
  /** Messages received on the current socket. */
  onCurrent: number;
  outcome: ClientOutcome;
}

function label(msg: Record<string, unknown>): string {
  return typeof msg.seq === 'number' ? `${String(msg.type)}:${msg.seq}` : String(msg.type);
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * Plays `session`'s client side through `server` with generated clients. Resolves when the replay server is done
 * with the session (or after `timeoutMs`) with what each client received and what the recording says it should have.
 */
export async function driveClientThroughSession(
  session: Session,
  server: ReplayServer,
  timeoutMs = 60_000,
): Promise<ClientOutcome[]> {
  const tokens = createDevSource({ url: server.authUrl, clockLeewayS: 5, signer: server.auth });
  const tokenKindOf = new Map(script0(session).map((r) => [r.conn, r.token_kind]));
  const script = buildScript(session);
  const refusalOf = new Map(script.conns.map((c) => [c.id, c.refusalCode]));
  const chains: Chain[] = [];
  const chainOf = new Map<string, Chain>();
  const lastClose = new Map<string, { record: CloseRecord; error?: string }>();
  const lastError = new Map<string, string>();

  // Group the recorded connections into clients.
  for (const record of session.records) {
    if (record.kind === 'frame' && record.dir === 's2c') {
      const msg = record.msg as Record<string, unknown> | undefined;
      if (msg?.type === 'error_message') lastError.set(record.conn, String(msg.error_code));
    }
    if (record.kind === 'close') lastClose.set(record.conn, { record, error: lastError.get(record.conn) });
    if (record.kind !== 'open') continue;
    const continued =
      record.user === null
        ? undefined
        : chains.find((c) => {
            if (c.user !== record.user) return false;
            const end = lastClose.get(c.conns.at(-1) as string);
            if (end === undefined) return false;
            const { code } = end.record;
            return RECONNECT_CODES.has(code) || (code === 1008 && end.error === 'TOKEN_EXPIRED');
          });
    const chain: Chain = continued ?? {
      id: record.conn,
      user: record.user,
      conns: [],
      current: -1,
      onCurrent: 0,
      outcome: { chain: [], user: record.user, received: [], expected: [], invalid: 0 },
    };
    if (!continued) chains.push(chain);
    chain.conns.push(record.conn);
    chain.outcome.chain.push(record.conn);
    chainOf.set(record.conn, chain);
  }

  // What each client should receive: its connections' server frames, each run event once.
  for (const chain of chains) {
    const seen = new Set<string>();
    for (const record of session.records) {
      if (record.kind !== 'frame' || record.dir !== 's2c' || !chain.conns.includes(record.conn)) continue;
      const msg = record.msg as Record<string, unknown> | undefined;
      if (msg === undefined) continue;
      const key =
        typeof msg.run_id === 'string' && typeof msg.seq === 'number' ? `${msg.run_id}#${msg.seq}` : undefined;
      if (key !== undefined && seen.has(key)) continue;
      if (key !== undefined) seen.add(key);
      chain.outcome.expected.push(label(msg));
    }
    if (chain.user === null) chain.outcome.expectedRefusal = refusalOf.get(chain.conns[0]);
  }

  const requestIds = new Map<string, string>();
  let counter = 0;
  const liveRequest = (recorded: string): string => {
    let id = requestIds.get(recorded);
    if (id === undefined) requestIds.set(recorded, (id = `c${++counter}-${recorded}`.slice(0, 128)));
    return id;
  };

  // A client that presents no token at all cannot be made with NetraClient (it insists on a token): a bare socket.
  const connectWithoutToken = async (chain: Chain): Promise<void> => {
    const ws = new WebSocket(server.url);
    await new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as Record<string, unknown>;
        chain.outcome.received.push(label(msg));
        if (msg.type === 'error_message') chain.outcome.refusedWith = String(msg.error_code);
      });
      ws.on('close', () => resolve());
      ws.on('error', () => undefined);
    });
  };

  // Resolves once the client's first connection is established or refused, so that the replay server matches
  // the consumer's connections to the recorded ones in recorded order.
  const startClient = async (chain: Chain): Promise<void> => {
    const user = chain.user ?? actorOf(chain.conns[0]);
    const refusal = chain.outcome.expectedRefusal;
    const recorded = tokenKindOf.get(chain.conns[0]) as ScenarioTokenKind | undefined;
    const kind: ScenarioTokenKind =
      chain.user === null ? (recorded ?? REFUSAL_KIND[String(refusal)] ?? 'bad_signature') : 'valid';
    if (kind === 'none') return connectWithoutToken(chain);
    const client = new NetraClient({
      url: server.url,
      getToken: async () => (await tokens.token({ user, kind })).token,
      via: chain.id.length % 2 === 0 ? 'subprotocol' : 'header',
      WebSocket: WebSocket as unknown as WebSocketConstructorLike,
      reconnectDelayMs: 20,
      requestTimeoutMs: timeoutMs,
    });
    for (const type of SERVER_MESSAGE_TYPES) {
      client.on(type, (msg) => {
        chain.outcome.received.push(label(msg as unknown as Record<string, unknown>));
        chain.onCurrent++;
      });
    }
    client.on('open', () => {
      chain.current++;
      chain.onCurrent = 1; // connection_established, counted by its handler just before
    });
    // Frames the client dropped still arrived on the socket: they count for pacing the recorded actions.
    client.on('invalid', () => {
      chain.outcome.invalid++;
      chain.onCurrent++;
    });
    client.on('duplicate', () => chain.onCurrent++);
    chain.client = client;
    await client.connect().catch((err: unknown) => {
      if (err instanceof NetraClientError) chain.outcome.refusedWith = err.code;
      else chain.outcome.refusedWith = String(err);
    });
  };

  // Client actions in recorded order, each once its client has received what the recorded client had.
  const received = new Map<string, number>();
  const actions: { conn: string; record: FrameRecord | CloseRecord; after: number; automatic: boolean }[] = [];
  const sentOn = new Map<string, number>();
  for (const record of session.records) {
    if (record.kind === 'frame' && record.dir === 's2c')
      received.set(record.conn, (received.get(record.conn) ?? 0) + 1);
    if (record.kind === 'open' || (record.kind === 'frame' && record.dir === 's2c')) continue;
    if (record.kind === 'close' && record.by === 'server') continue;
    const chain = chainOf.get(record.conn) as Chain;
    const index = chain.conns.indexOf(record.conn);
    const firstFrames = (sentOn.get(record.conn) ?? 0) === 0 || actions.at(-1)?.automatic === true;
    const msg = record.kind === 'frame' ? (record.msg as Record<string, unknown> | undefined) : undefined;
    const automatic = index > 0 && msg?.type === 'resume' && firstFrames;
    if (record.kind === 'frame') sentOn.set(record.conn, (sentOn.get(record.conn) ?? 0) + 1);
    actions.push({ conn: record.conn, record, after: received.get(record.conn) ?? 0, automatic });
  }

  const started = new Set<Chain>();
  for (const record of session.records) {
    if (record.kind !== 'open') continue;
    const chain = chainOf.get(record.conn) as Chain;
    if (!started.has(chain)) {
      started.add(chain);
      // Open in recorded order: wait for the previous action of the recording before opening this one.
      const before = actions.filter((a) => a.record.line < record.line);
      await performAll(before);
      actions.splice(0, before.length);
      await startClient(chain);
    }
  }
  await performAll(actions);

  async function performAll(list: typeof actions): Promise<void> {
    for (const action of list) {
      const chain = chainOf.get(action.conn) as Chain;
      const index = chain.conns.indexOf(action.conn);
      // A recorded drop is played by the replay server itself, and a resume after a reconnect is sent by the client
      // itself: for those the client may be on its next socket already.
      const passive = action.automatic || (action.record.kind === 'close' && action.record.code === 1006);
      await until(
        () => (chain.current === index && chain.onCurrent >= action.after) || (passive && chain.current > index),
        timeoutMs,
        `${action.conn} to receive ${action.after} frames`,
      );
      const client = chain.client as NetraClient;
      const record = action.record;
      if (record.kind === 'close') {
        if (record.code !== 1006) await client.close(record.code, record.reason);
        continue;
      }
      if (action.automatic) continue;
      if (record.raw !== undefined) {
        const wire = decodeRaw(record.raw);
        client.sendRaw('binary' in wire ? new Uint8Array(wire.binary) : wire.text);
        continue;
      }
      const msg = record.msg as Record<string, unknown>;
      const type = msg?.type;
      const expectation = script.refreshExpectations.get(record.line);
      if (type === 'start_agent' && typeof msg.request_id === 'string' && typeof msg.user_request === 'string') {
        const { type: _type, ...input } = msg;
        client
          .startAgent({ ...(input as { user_request: string }), request_id: liveRequest(msg.request_id) })
          .catch(() => undefined);
      } else if (
        type === 'resume' &&
        typeof msg.run_id === 'string' &&
        typeof msg.last_seq === 'number' &&
        Object.keys(msg).length === 3
      ) {
        client.resume(msg.run_id, msg.last_seq);
      } else if (type === 'cancel_run' && typeof msg.run_id === 'string' && Object.keys(msg).length === 2) {
        client.cancelRun(msg.run_id);
      } else if (type === 'auth_refresh') {
        const user = chain.user ?? actorOf(action.conn);
        const refused = expectation?.code ? (REFUSAL_KIND[expectation.code] ?? 'bad_signature') : 'valid';
        const kind = refused === 'none' ? 'valid' : refused;
        const token = (await tokens.token({ user: expectation?.otherUser ? `${user}.other` : user, kind })).token;
        client.refreshAuth(token);
      } else if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
        client.sendRaw(JSON.stringify(msg));
      } else {
        // Frames the typed API refuses to send (unknown types, schema failures): as they were recorded.
        const copy = { ...msg };
        if (typeof copy.request_id === 'string') copy.request_id = liveRequest(copy.request_id);
        client.sendRaw(JSON.stringify(copy));
      }
    }
  }

  // Until the replay server has played this session to its end (the recording's last server frames and closes).
  const served = (): boolean => server.summary().sessions.find((s) => s.file === session.file)?.complete ?? true;
  await until(served, timeoutMs, `the replay server to finish ${session.file}`).catch(() => undefined);
  for (const chain of chains) await chain.client?.close().catch(() => undefined);
  return chains.map((c) => c.outcome);
}

/** The open records of a session. */
function script0(session: Session): { conn: string; token_kind?: string }[] {
  return session.records.flatMap((r) => (r.kind === 'open' ? [{ conn: r.conn, token_kind: r.token_kind }] : []));
}
