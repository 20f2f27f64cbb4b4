import { createWriteStream, mkdirSync } from 'fs';
import path from 'path';
import { performance } from 'perf_hooks';
import { loadProtocol } from '../protocol';
import { MAX_RECORD_DEPTH, nestsDeeperThan } from './depth';
import { SessionError } from './errors';
import { REDACTED, redactClientMessage, redactTokens } from './redact';
import { TOKEN_KINDS, type Direction, type TokenKind } from './types';

/** What the caller says about the session; `spec` defaults to `<title>@<version>` of `generated/contract.json`. */
export interface SessionHeaderInput {
  scenario: string;
  provider: string;
  spec?: string;
  /** RFC 3339; defaults to now. */
  recorded_at?: string;
}

export interface SessionWriterOptions {
  /** Milliseconds since the session started; defaults to a monotonic clock started by `createSessionWriter`. */
  clock?: () => number;
  /**
   * Secrets that must never reach the file whatever their shape (opaque tokens, client secrets), besides everything
   * token-shaped, which is always redacted. A function is asked again on every write (a token source's list grows).
   */
  secrets?: readonly string[] | (() => readonly string[]);
}

/** Appends records to a session file in the fixed format. Methods throw `SessionError` on a misuse. */
export interface SessionWriter {
  /**
   * A connection opened; `user` is the token's `sub`, or null when unknown (auth failure). `tokenKind` is the kind of
   * credential the client presented, written as `token_kind` unless it is `valid` (what an absent one means).
   */
  open(conn: string, user: string | null, t?: number, tokenKind?: TokenKind): void;
  /**
   * A parsed JSON frame. Client frames are redacted (tokens never reach the file). `tokenKind`, on a client frame
   * that presents a credential (`auth_refresh`), is written as `token_kind` unless it is `valid`.
   */
  frame(conn: string, dir: Direction, msg: unknown, t?: number, tokenKind?: TokenKind): void;
  /** A frame as received on the wire: written as `msg` when it parses as JSON, otherwise as `raw`. */
  frameText(conn: string, dir: Direction, text: string, t?: number, tokenKind?: TokenKind): void;
  /** The connection closed; `by` says which side started the close. */
  close(conn: string, code: number, reason: string, by: 'client' | 'server', t?: number): void;
  /** Flushes and closes the file (or ends the stream). Further writes throw. */
  end(): Promise<void>;
  /** Records written so far, header included. */
  readonly lines: number;
}

const KNOWN_TOKEN_KINDS: ReadonlySet<string> = new Set(TOKEN_KINDS);
// Written as `raw` for a frame too deep to serialise at all.
const TOO_DEEP = '<a message nested too deep to write>';
const NOT_PARSED = Symbol('not parsed');

/**
 * Creates a session writer on a file path (parent folders are created) or on a writable stream. The header line is
 * written at once; key order is fixed so files diff cleanly. `auth_refresh.token` (and any other credential) is
 * written as `"<redacted>"`, and any token-looking string or given secret anywhere in a line is redacted too. A
 * frame nested deeper than the format allows is written as `raw` text.
 *
 * @example
 * const w = createSessionWriter('reports/sessions/happy.session.jsonl', { scenario: 'happy', provider: 'reference' });
 * w.open('c1', 'alice');
 * w.frameText('c1', 's2c', '{"type":"connection_established",...}');
 * w.close('c1', 1000, 'done', 'client');
 * await w.end();
 */
export function createSessionWriter(
  target: string | NodeJS.WritableStream,
  header: SessionHeaderInput,
  options: SessionWriterOptions = {},
): SessionWriter {
  const started = performance.now();
  const clock = options.clock ?? (() => Math.round(performance.now() - started));
  const secretsOf = options.secrets;
  const secrets = (): readonly string[] =>
    secretsOf === undefined ? [] : typeof secretsOf === 'function' ? secretsOf() : secretsOf;
  const stream = typeof target === 'string' ? openFile(target) : target;
  const open = new Set<string>();
  const closed = new Set<string>();
  let ended = false;
  let lines = 0;
  let failure: SessionError | undefined;
  // A file that cannot be written fails asynchronously; keep the error for the next call instead of crashing.
  stream.on('error', (err: Error) => {
    failure ??= new SessionError('SESSION_UNREADABLE', `${String(target)}: cannot write (${err.message})`, {
      cause: err,
    });
  });

  const writeLine = (line: string): void => {
    if (failure) throw failure;
    if (ended) throw new SessionError('SESSION_WRITE_INVALID', 'session writer used after end()');
    stream.write(`${redactTokens(line, secrets())}\n`);
    lines++;
  };
  const requireOpen = (conn: string, what: string): void => {
    if (!open.has(conn)) {
      const why = closed.has(conn) ? 'after its close' : 'that was never opened';
      throw new SessionError('SESSION_WRITE_INVALID', `${what} on conn "${conn}" ${why}`);
    }
  };
  writeLine(
    JSON.stringify({
      kind: 'header',
      spec: header.spec ?? currentSpecName(),
      scenario: header.scenario,
      recorded_at: header.recorded_at ?? new Date().toISOString(),
      provider: header.provider,
    }),
  );

  return {
    get lines() {
      return lines;
    },
    open(conn, user, t, tokenKind) {
      if (open.has(conn) || closed.has(conn)) {
        throw new SessionError('SESSION_WRITE_INVALID', `conn "${conn}" is already used in this session`);
      }
      const kind = tokenKindField(tokenKind, 'c2s');
      open.add(conn);
      writeLine(JSON.stringify({ kind: 'open', t: t ?? clock(), conn, user, ...kind }));
    },
    frame(conn, dir, msg, t, tokenKind) {
      requireOpen(conn, 'frame');
      writeLine(frameLine(conn, dir, msg, t ?? clock(), tokenKind, secrets()));
    },
    frameText(conn, dir, text, t, tokenKind) {
      // Too deep for the format (the record around it is one more level): kept as the text it was.
      let msg: unknown = NOT_PARSED;
      if (!nestsDeeperThan(text, MAX_RECORD_DEPTH - 1)) {
        try {
          msg = JSON.parse(text);
        } catch {
          // not JSON: written as raw below
        }
      }
      if (msg !== NOT_PARSED) return this.frame(conn, dir, msg, t, tokenKind);
      requireOpen(conn, 'frame');
      writeLine(rawLine(conn, dir, text, t ?? clock(), tokenKind));
    },
    close(conn, code, reason, by, t) {
      requireOpen(conn, 'close');
      open.delete(conn);
      closed.add(conn);
      writeLine(JSON.stringify({ kind: 'close', t: t ?? clock(), conn, code, reason, by }));
    },
    end() {
      if (ended) return Promise.resolve();
      ended = true;
      return new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        const done = (): void => (failure ? reject(failure) : resolve());
        stream.once('error', () => reject(failure));
        if (typeof target === 'string') stream.end(done);
        else stream.write('', done);
      });
    },
  };
}

export { REDACTED };

/** A frame record's line: `msg` (client frames redacted), or `raw` when it nests deeper than the format allows. */
function frameLine(
  conn: string,
  dir: Direction,
  msg: unknown,
  t: number,
  tokenKind: TokenKind | undefined,
  secrets: readonly string[],
): string {
  const shown = dir === 'c2s' ? redactClientMessage(msg, secrets) : msg;
  const kind = tokenKindField(tokenKind, dir);
  let line: string;
  try {
    line = JSON.stringify({ kind: 'frame', t, conn, dir, msg: shown, ...kind });
  } catch {
    // Nested past what JSON.stringify's stack allows: say so instead of the text.
    return JSON.stringify({ kind: 'frame', t, conn, dir, raw: TOO_DEEP, ...kind });
  }
  if (!nestsDeeperThan(line, MAX_RECORD_DEPTH)) return line;
  return JSON.stringify({ kind: 'frame', t, conn, dir, raw: JSON.stringify(shown), ...kind });
}

function rawLine(conn: string, dir: Direction, text: string, t: number, tokenKind: TokenKind | undefined): string {
  return JSON.stringify({ kind: 'frame', t, conn, dir, raw: text, ...tokenKindField(tokenKind, dir) });
}

/** `{ token_kind }` for a credential that is not `valid`, else nothing. */
function tokenKindField(tokenKind: TokenKind | undefined, dir: Direction): { token_kind?: TokenKind } {
  if (tokenKind === undefined || tokenKind === 'valid') return {};
  if (!KNOWN_TOKEN_KINDS.has(tokenKind)) {
    throw new SessionError('SESSION_WRITE_INVALID', `unknown token kind "${String(tokenKind)}"`);
  }
  if (dir !== 'c2s') throw new SessionError('SESSION_WRITE_INVALID', 'token_kind belongs on a client frame only');
  return { token_kind: tokenKind };
}

function openFile(file: string): NodeJS.WritableStream {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (err) {
    throw new SessionError('SESSION_UNREADABLE', `${file}: cannot create its folder (${(err as Error).message})`, {
      file,
    });
  }
  return createWriteStream(file, { encoding: 'utf8' });
}

// `<info.title>@<info.version>` from the generated contract (ProtocolError CONTRACT_MISSING before codegen ran).
function currentSpecName(): string {
  return loadProtocol().specName;
}
