import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { Duplex } from 'stream';
import { performance } from 'perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  AuthError,
  createAccessVerifier,
  startAuthService,
  tokenFromUpgrade,
  type AccessClaims,
  type AuthService,
} from '../../auth';
import { loadProtocol } from '../../protocol';
import { decodeRaw } from '../record/wire';
import type { Session } from '../../sessions/types';
import { ReplayError } from '../replay/errors';
import { compareClientFrame, liveServerFrame, type LiveFrame, type RequestIdMap } from './compare';
import { buildScript, type ConnScript, type ScriptItem, type SessionScript } from './script';

export interface ReplayServerOptions {
  /** Sessions served one after another, in this order. */
  sessions: Session[];
  host?: string;
  /** WebSocket (and token) port; 0 picks a free one. */
  port?: number;
  /** Pace factor: 1 = as recorded, 2 = twice as fast, 0 = as fast as possible. Default 1. */
  speed?: number;
}

/** One thing the consumer did differently from the recording. */
export interface ReplayMismatch {
  session: string;
  conn?: string;
  /** Line of the recorded record it concerns. */
  line?: number;
  message: string;
}

export interface ServedConn {
  conn: string;
  user: string | null;
  /** Matched to a consumer connection. */
  matched: boolean;
  /** Every item of the recording was played (the connection is over). */
  done: boolean;
  framesSent: number;
  framesReceived: number;
}

export interface ServedSession {
  file: string;
  scenario: string;
  /** Every recorded connection was matched and played to its end. */
  complete: boolean;
  conns: ServedConn[];
  mismatches: ReplayMismatch[];
}

export interface ReplayServerSummary {
  /** Every session complete, no mismatch. */
  ok: boolean;
  sessions: ServedSession[];
  /** Consumer connections no recording matched (also listed as mismatches of the session active then). */
  unmatched: number;
}

/** A running replay server. */
export interface ReplayServer {
  /** `ws://host:port<channel address>`. */
  readonly url: string;
  /** `http://host:port`: `POST /auth/token` `{ sub, permissions?, ttl_s? }` gives tokens this server accepts. */
  readonly authUrl: string;
  readonly port: number;
  /** The auth service behind `/auth/*` (tests can `signForTesting` deliberately bad tokens with it). */
  readonly auth: AuthService;
  /** Resolves when every session was served to its end (or the server was closed). */
  readonly done: Promise<ReplayServerSummary>;
  summary(): ReplayServerSummary;
  close(): Promise<ReplayServerSummary>;
}

interface LiveConnState {
  script: ConnScript;
  ws: WebSocket | undefined;
  /** Item index -> done. */
  done: boolean[];
  /** Live ms at which the previous item of the connection was done, and its recorded t. */
  prevLive: number;
  prevT: number;
  timer: NodeJS.Timeout | undefined;
  framesSent: number;
  framesReceived: number;
  matched: boolean;
  finished: boolean;
  /** The server is closing / terminating the socket itself. */
  closingByServer: boolean;
}

interface SessionState {
  script: SessionScript;
  conns: LiveConnState[];
  /** Recorded line of a client action -> live ms it happened. */
  liveTimes: Map<number, number>;
  ids: RequestIdMap;
  mismatches: ReplayMismatch[];
}

const MISMATCH_CODE = 'REPLAY_MISMATCH';

/**
 * Consumer verification: serves recorded sessions over a real WebSocket on `ws://host:port<address>`, so frontend
 * code is tested against real traffic. Tokens come from `POST http://host:port/auth/token` (an auth service started
 * for the replay; any user, any ttl) and are verified like the provider verifies them.
 *
 * Sessions are served one at a time, in order (a consumer may pick one with `?session=<scenario>` on the URL). A
 * consumer connection is matched to the first unserved recorded connection of its token's user, or, when its token
 * is refused, to a recorded connection refused with the same error_code. The server then plays that connection's
 * recording: each recorded server frame (request ids mapped to the consumer's) is sent as long after the consumer's
 * corresponding action (the client action it followed in the recording: an open, a frame, a close of the same user)
 * as it was recorded, divided by `speed`; each consumer frame is checked against the recorded client frame (see
 * `compareClientFrame`; an auth_refresh token must be accepted or refused as recorded); a recorded drop is
 * reproduced by terminating the socket. A mismatch is answered with `error_message` `REPLAY_MISMATCH` and listed in
 * the summary.
 *
 * @example
 * const server = await startReplayServer({ sessions: [await readSession('contracts/sessions/first-message.session.jsonl')], speed: 0 });
 * const { access_token } = await fetchDevToken(server.authUrl, 'nora');
 * // ... drive the consumer against server.url ...
 * const summary = await server.done; // summary.ok
 * await server.close();
 */
export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const speed = options.speed ?? 1;
  if (!(speed >= 0) || !Number.isFinite(speed))
    throw new ReplayError('REPLAY_OPTIONS_INVALID', `speed must be a number >= 0, got ${speed}`);
  if (options.sessions.length === 0) throw new ReplayError('REPLAY_OPTIONS_INVALID', 'no sessions to serve');
  const host = options.host ?? '127.0.0.1';
  const address = loadProtocol().address;
  const started = performance.now();
  const now = (): number => performance.now() - started;

  const sessions: SessionState[] = options.sessions.map((session) => {
    const script = buildScript(session);
    return {
      script,
      conns: script.conns.map((c) => ({
        script: c,
        ws: undefined,
        done: c.items.map(() => false),
        prevLive: 0,
        prevT: c.openT,
        timer: undefined,
        framesSent: 0,
        framesReceived: 0,
        matched: false,
        finished: false,
        closingByServer: false,
      })),
      liveTimes: new Map(),
      ids: { toLive: new Map(), toRecorded: new Map() },
      mismatches: [],
    };
  });
  let unmatched = 0;
  let closed = false;
  let resolveDone: (summary: ReplayServerSummary) => void = () => undefined;
  const done = new Promise<ReplayServerSummary>((resolve) => (resolveDone = resolve));

  const auth = await startAuthService({ host, port: 0 });
  const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });

  const complete = (s: SessionState): boolean => s.conns.every((c) => c.finished);
  const active = (): SessionState | undefined => sessions.find((s) => !complete(s));
  const summary = (): ReplayServerSummary => {
    const served: ServedSession[] = sessions.map((s) => ({
      file: s.script.file,
      scenario: s.script.name,
      complete: complete(s),
      conns: s.conns.map((c) => ({
        conn: c.script.id,
        user: c.script.user,
        matched: c.matched,
        done: c.finished,
        framesSent: c.framesSent,
        framesReceived: c.framesReceived,
      })),
      mismatches: [...s.mismatches],
    }));
    return {
      ok: served.every((s) => s.complete && s.mismatches.length === 0) && unmatched === 0,
      sessions: served,
      unmatched,
    };
  };
  const checkDone = (): void => {
    if (active() === undefined) resolveDone(summary());
  };

  const errorFrame = (message: string, details: Record<string, unknown>): string =>
    JSON.stringify({
      type: 'error_message',
      error_code: MISMATCH_CODE,
      error_message: message.slice(0, 2000),
      details,
      timestamp: new Date().toISOString(),
    });
  const mismatch = (s: SessionState, c: LiveConnState | undefined, line: number | undefined, message: string): void => {
    s.mismatches.push({
      session: s.script.name,
      ...(c ? { conn: c.script.id } : {}),
      ...(line !== undefined ? { line } : {}),
      message,
    });
    if (c?.ws && c.ws.readyState === 1) {
      c.ws.send(
        errorFrame(`replay mismatch${line !== undefined ? ` at recorded line ${line}` : ''}: ${message}`, {
          session: s.script.name,
          line,
        }),
      );
    }
  };

  const finish = (s: SessionState, c: LiveConnState): void => {
    if (c.finished) return;
    c.finished = true;
    if (c.timer) clearTimeout(c.timer);
    c.done.fill(true);
    checkDone();
  };

  // Plays the connection's items that are due; schedules a timer for the next one; stops at what the consumer owes.
  const advance = (s: SessionState, c: LiveConnState): void => {
    if (c.finished || c.ws === undefined || closed) return;
    if (c.timer) {
      clearTimeout(c.timer);
      c.timer = undefined;
    }
    for (let i = c.done.indexOf(false); i !== -1 && i < c.done.length; i = c.done.indexOf(false)) {
      const item = c.script.items[i] as ScriptItem;
      if (item.kind === 'expect') return;
      if (item.kind === 'client-close' && item.code !== 1006) return; // the consumer closes
      const anchorLive = s.liveTimes.get(item.anchorLine);
      if (anchorLive === undefined) return; // the consumer has not done what this answered yet
      const due =
        speed === 0
          ? 0
          : Math.max(c.prevLive + (item.t - c.prevT) / speed, anchorLive + (item.t - item.anchorT) / speed);
      const wait = due - now();
      if (wait > 1) {
        c.timer = setTimeout(() => advance(s, c), Math.ceil(wait));
        return;
      }
      c.done[i] = true;
      c.prevLive = now();
      c.prevT = item.t;
      const ws = c.ws;
      if (item.kind === 'send') {
        if (ws.readyState !== 1) return;
        if (item.raw !== undefined) {
          const wire = decodeRaw(item.raw);
          ws.send('binary' in wire ? wire.binary : wire.text);
        } else {
          ws.send(JSON.stringify(liveServerFrame(item.msg, s.ids)));
        }
        c.framesSent++;
      } else {
        c.closingByServer = true;
        if (item.kind === 'client-close') s.liveTimes.set(item.line, now());
        if (
          item.kind === 'server-close' &&
          item.code >= 1000 &&
          item.code < 5000 &&
          ![1005, 1006, 1015].includes(item.code)
        ) {
          ws.close(item.code, item.reason);
        } else {
          ws.terminate(); // a drop, or a close code that cannot be sent (1006 abnormal)
        }
        finish(s, c);
        advanceAll(s);
        return;
      }
    }
  };
  const advanceAll = (s: SessionState): void => {
    for (const c of s.conns) if (c.matched && !c.finished) advance(s, c);
  };

  const onClientFrame = (s: SessionState, c: LiveConnState, frame: LiveFrame): void => {
    if (c.finished) return;
    c.framesReceived++;
    // The next client frame the recording expects; server frames still due before it keep their order.
    let index = -1;
    for (let i = c.done.indexOf(false); i !== -1 && i < c.done.length; i++) {
      if (c.done[i]) continue;
      const kind = c.script.items[i]?.kind;
      if (kind === 'expect') {
        index = i;
        break;
      }
      if (kind !== 'send') break;
    }
    if (index === -1) {
      const shown = 'text' in frame ? frame.text.slice(0, 120) : `${frame.binary.length} binary bytes`;
      mismatch(s, c, undefined, `unexpected client frame (the recording has no client frame here): ${shown}`);
      return;
    }
    const item = c.script.items[index] as Extract<ScriptItem, { kind: 'expect' }>;
    c.done[index] = true;
    s.liveTimes.set(item.line, now());
    const problems = compareClientFrame(item, frame, s.ids);
    for (const p of problems) mismatch(s, c, item.line, p);
    const expectation = s.script.refreshExpectations.get(item.line);
    const msg = 'text' in frame ? safeParse(frame.text) : undefined;
    if (msg?.type === 'auth_refresh' && typeof msg.token === 'string') {
      checkRefreshToken(s, c, item.line, msg.token, expectation).finally(() => advanceAll(s));
      return;
    }
    advanceAll(s);
  };

  const checkRefreshToken = async (
    s: SessionState,
    c: LiveConnState,
    line: number,
    token: string,
    expectation: { code?: string; otherUser?: boolean } | undefined,
  ): Promise<void> => {
    let claims: AccessClaims | undefined;
    let code: string | undefined;
    try {
      claims = await verify(token);
    } catch (err) {
      code = err instanceof AuthError ? err.code : 'AUTH_FAILED';
    }
    const user = c.script.user;
    if (expectation?.otherUser) {
      if (claims === undefined || claims.sub === user)
        mismatch(
          s,
          c,
          line,
          `auth_refresh: expected a valid token of another user, got ${code ?? `one for ${claims?.sub}`}`,
        );
    } else if (expectation?.code !== undefined && expectation.code !== 'SCHEMA_VALIDATION_FAILED') {
      if (code !== expectation.code)
        mismatch(
          s,
          c,
          line,
          `auth_refresh: expected a token refused with ${expectation.code}, got ${code ?? 'a valid token'}`,
        );
    } else if (expectation === undefined && (claims === undefined || claims.sub !== user)) {
      mismatch(s, c, line, `auth_refresh: expected a valid token for ${user}, got ${code ?? `one for ${claims?.sub}`}`);
    }
  };

  const onClientClose = (s: SessionState, c: LiveConnState, code: number): void => {
    if (c.finished) return;
    if (c.closingByServer) return finish(s, c);
    const next = c.done.indexOf(false);
    const item = next === -1 ? undefined : c.script.items[next];
    if (item?.kind === 'client-close') {
      s.liveTimes.set(item.line, now());
      if (item.code !== code && !(item.code === 1006 && code === 1006)) {
        mismatch(s, c, item.line, `the consumer closed with ${code}, the recording with ${item.code}`);
      }
    } else {
      const left = c.script.items.filter((it, i) => !c.done[i]);
      const frames = left.filter((it) => it.kind === 'send').length;
      const expects = left.filter((it) => it.kind === 'expect').length;
      mismatch(
        s,
        c,
        item?.line,
        `the consumer closed (${code}) before the recording's end: ${frames} server frame(s) not delivered, ${expects} client frame(s) not sent`,
      );
    }
    finish(s, c);
    advanceAll(s);
  };

  const match = (
    s: SessionState,
    claims: AccessClaims | undefined,
    refusal: string | undefined,
  ): LiveConnState | string => {
    if (claims !== undefined) {
      const found = s.conns.find((c) => !c.matched && c.script.user === claims.sub);
      if (found) return found;
      const refused = s.conns.find((c) => !c.matched && c.script.user === null);
      return refused
        ? `a valid token for ${claims.sub}, but the recording's next connection expects a token refused with ${refused.script.refusalCode}`
        : `no recorded connection of user ${claims.sub} is left in session ${s.script.name}`;
    }
    // AUTH_FAILED ("could not be verified for another reason") cannot be provoked on purpose: any refusal matches it.
    const found =
      s.conns.find((c) => !c.matched && c.script.user === null && c.script.refusalCode === refusal) ??
      s.conns.find(
        (c) =>
          !c.matched &&
          c.script.user === null &&
          (c.script.refusalCode === 'AUTH_FAILED' || c.script.refusalCode === undefined),
      );
    if (found) return found;
    return `a token refused with ${refusal}, but session ${s.script.name} has no unserved connection refused with ${refusal}`;
  };

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith('jwt.')) ?? false,
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://replay');
    if (url.pathname !== address || closed) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const wanted = url.searchParams.get('session');
    const offered = tokenFromUpgrade(req);
    const verified: Promise<AccessClaims> = offered.malformed
      ? Promise.reject(new AuthError('TOKEN_INVALID', 'malformed'))
      : verify(offered.token);
    verified
      .then(
        (claims) => ({ claims, refusal: undefined as string | undefined }),
        (err: unknown) => ({ claims: undefined, refusal: err instanceof AuthError ? err.code : 'AUTH_FAILED' }),
      )
      .then(({ claims, refusal }) => {
        if (socket.destroyed) return;
        wss.handleUpgrade(req, socket, head, (ws) => {
          const s = wanted
            ? sessions.find((x) => (x.script.name === wanted || x.script.file.endsWith(wanted)) && !complete(x))
            : active();
          if (s === undefined) {
            unmatched++;
            ws.send(errorFrame(wanted ? `no unserved session ${wanted}` : 'every session was served already', {}));
            ws.close(1008, 'REPLAY_MISMATCH');
            return;
          }
          const found = match(s, claims, refusal);
          if (typeof found === 'string') {
            unmatched++;
            mismatch(s, undefined, undefined, found);
            ws.send(errorFrame(found, { session: s.script.name }));
            ws.close(1008, 'REPLAY_MISMATCH');
            return;
          }
          const c = found;
          c.matched = true;
          c.ws = ws;
          c.prevLive = now();
          c.prevT = c.script.openT;
          s.liveTimes.set(c.script.openLine, now());
          ws.on('message', (data: Buffer, isBinary: boolean) =>
            onClientFrame(s, c, isBinary ? { binary: Buffer.from(data) } : { text: data.toString('utf8') }),
          );
          ws.on('close', (code: number) => onClientClose(s, c, code));
          ws.on('error', () => undefined);
          advanceAll(s);
        });
      })
      .catch(() => socket.destroy());
  };

  // Token requests go to the auth service, so a consumer needs one URL only.
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/auth/') && !path.startsWith('/.well-known/')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const upstream = httpRequest(`${auth.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };

  const server: Server = createServer(onRequest);
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new ReplayError(
          'REPLAY_SERVER_LISTEN_FAILED',
          `cannot listen on ${host}:${options.port ?? 0}: ${err.code ?? err.message}`,
          { cause: err },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  }).catch(async (err: unknown) => {
    await auth.close();
    throw err;
  });
  const port = (server.address() as { port: number }).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<ReplayServerSummary> | undefined;
  return {
    url: `ws://${hostForUrl}:${port}${address}`,
    authUrl: `http://${hostForUrl}:${port}`,
    port,
    auth,
    done,
    summary,
    close: () =>
      (closing ??= (async () => {
        closed = true;
        const result = summary();
        for (const s of sessions) {
          for (const c of s.conns) {
            if (c.timer) clearTimeout(c.timer);
            c.ws?.terminate();
          }
        }
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await auth.close();
        resolveDone(result);
        return result;
      })()),
  };
}

function safeParse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
