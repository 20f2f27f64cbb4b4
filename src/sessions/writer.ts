import { loadProtocol } from '../protocol';
import { createWriteStream, mkdirSync } from 'fs';
import path from 'path';
import { performance } from 'perf_hooks';
import { SessionError } from './errors';
import { REDACTED, redactClientMessage, redactTokens } from './redact';
import type { Direction } from './types';

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
}

/** Appends records to a session file in the fixed format. Methods throw `SessionError` on a misuse. */
export interface SessionWriter {
  /** A connection opened; `user` is the token's `sub`, or null when unknown (auth failure). */
  open(conn: string, user: string | null, t?: number): void;
  /** A parsed JSON frame. Client frames are redacted (tokens never reach the file). */
  frame(conn: string, dir: Direction, msg: unknown, t?: number): void;
  /** A frame as received on the wire: written as `msg` when it parses as JSON, otherwise as `raw`. */
  frameText(conn: string, dir: Direction, text: string, t?: number): void;
  /** The connection closed; `by` says which side started the close. */
  close(conn: string, code: number, reason: string, by: 'client' | 'server', t?: number): void;
  /** Flushes and closes the file (or ends the stream). Further writes throw. */
  end(): Promise<void>;
  /** Records written so far, header included. */
  readonly lines: number;
}

/**
 * Creates a session writer on a file path (parent folders are created) or on a writable stream. The header line is
 * written at once; key order is fixed so files diff cleanly. `auth_refresh.token` is written as `"<redacted>"` and any
 * JWT-looking string in a frame is redacted too.
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

  const write = (record: object): void => {
    if (failure) throw failure;
    if (ended) throw new SessionError('SESSION_WRITE_INVALID', 'session writer used after end()');
    stream.write(`${redactTokens(JSON.stringify(record))}\n`);
    lines++;
  };
  const requireOpen = (conn: string, what: string): void => {
    if (!open.has(conn)) {
      const why = closed.has(conn) ? 'after its close' : 'that was never opened';
      throw new SessionError('SESSION_WRITE_INVALID', `${what} on conn "${conn}" ${why}`);
    }
  };

  write({
    kind: 'header',
    spec: header.spec ?? currentSpecName(),
    scenario: header.scenario,
    recorded_at: header.recorded_at ?? new Date().toISOString(),
    provider: header.provider,
  });

  return {
    get lines() {
      return lines;
    },
    open(conn, user, t) {
      if (open.has(conn) || closed.has(conn)) {
        throw new SessionError('SESSION_WRITE_INVALID', `conn "${conn}" is already used in this session`);
      }
      open.add(conn);
      write({ kind: 'open', t: t ?? clock(), conn, user });
    },
    frame(conn, dir, msg, t) {
      requireOpen(conn, 'frame');
      write({ kind: 'frame', t: t ?? clock(), conn, dir, msg: dir === 'c2s' ? redactClientMessage(msg) : msg });
    },
    frameText(conn, dir, text, t) {
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        requireOpen(conn, 'frame');
        write({ kind: 'frame', t: t ?? clock(), conn, dir, raw: text });
        return;
      }
      this.frame(conn, dir, msg, t);
    },
    close(conn, code, reason, by, t) {
      requireOpen(conn, 'close');
      open.delete(conn);
      closed.add(conn);
      write({ kind: 'close', t: t ?? clock(), conn, code, reason, by });
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
