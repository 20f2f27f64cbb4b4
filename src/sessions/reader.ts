import { promises as fs } from 'fs';
import { StringDecoder } from 'string_decoder';
import * as records from '../util/records';
import * as depth from './depth';
import { SessionError } from './errors';
import {
  TOKEN_KINDS,
  type CloseRecord,
  type Direction,
  type FrameRecord,
  type OpenRecord,
  type Session,
  type SessionHeader,
  type SessionRecord,
  type TokenKind,
} from './types';

// Bound once (read on every line): compiled to CommonJS, each use of an imported binding is a getter call.
const { isRecord } = records;
const { MAX_RECORD_DEPTH, nestsDeeperThan } = depth;

/** Called once with the header, then once per record, in file order. */
export interface SessionVisitor {
  header?(header: SessionHeader): void;
  record(record: SessionRecord): void;
  /**
   * When present, frame records come here, as their fields, instead of to `record`: no record object is made per
   * frame (`verify` reads sessions of millions of frames, and that object was a tenth of what it allocated). The
   * fields are checked exactly as for `record`.
   */
  frame?(
    conn: string,
    dir: Direction,
    msg: unknown,
    raw: string | undefined,
    t: number,
    line: number,
    tokenKind: TokenKind | undefined,
  ): void;
}

/** The longest line a session may hold (a frame far over any limit of the contract still fits). */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const KNOWN_TOKEN_KINDS: ReadonlySet<string> = new Set(TOKEN_KINDS);

/**
 * Parses a session text line by line and hands each record to `visitor` as soon as it is read. Blank lines are
 * skipped; `\r\n` is accepted. Enforces the format strictly: line 1 is the header; every record has `kind`, a finite
 * `t` and a `conn`; a frame or a close names a connection that is open; a frame has exactly one of `msg` and `raw`;
 * no record nests deeper than MAX_RECORD_DEPTH. Returns the number of lines. Throws `SessionError`
 * (`SESSION_INVALID`, exit code 2) naming the file and line.
 *
 * @example
 * visitSessionText(text, 'a.session.jsonl', { record: (r) => console.log(r.line, r.kind) });
 */
export function visitSessionText(text: string, file: string, visitor: SessionVisitor): number {
  const reader = new SessionLineReader(file, visitor);
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    reader.line(text.slice(start, end));
    start = end + 1;
  }
  return reader.end();
}

/**
 * Streams a session file line by line into `visitor`, holding one chunk and one line at a time: a session of any size
 * is read in memory bounded by its longest line (at most MAX_LINE_CHARS). Same checks and errors as
 * `visitSessionText`, plus `SESSION_UNREADABLE` when the file cannot be read.
 *
 * @example
 * const lines = await visitSessionFile('big.session.jsonl', { record: (r) => checker.record(r) });
 */
export async function visitSessionFile(
  file: string,
  visitor: SessionVisitor,
  options: { chunkBytes?: number; maxLineChars?: number } = {},
): Promise<number> {
  const handle = await fs.open(file, 'r').catch((err: unknown) => {
    throw unreadable(file, err);
  });
  try {
    const reader = new SessionLineReader(file, visitor, options.maxLineChars);
    const buffer = Buffer.allocUnsafe(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null).catch((err: unknown) => {
        throw unreadable(file, err);
      });
      if (bytesRead === 0) break;
      const text = carry + decoder.write(buffer.subarray(0, bytesRead));
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        reader.line(text.slice(start, end));
        start = end + 1;
      }
      carry = start === 0 ? text : text.slice(start);
      if (carry.length > reader.maxLineChars) reader.tooLong();
    }
    carry += decoder.end();
    if (carry.length > 0) reader.line(carry);
    return reader.end();
  } finally {
    await handle.close();
  }
}

/**
 * Parses a whole session text into memory.
 *
 * @example
 * const session = parseSessionText(fs.readFileSync(f, 'utf8'), f);
 * console.log(session.header.scenario, session.records.length);
 */
export function parseSessionText(text: string, file = '<session>'): Session {
  const records: SessionRecord[] = [];
  let header: SessionHeader | undefined;
  const lines = visitSessionText(text, file, {
    header: (h) => (header = h),
    record: (r) => records.push(r),
  });
  return { file, header: header as SessionHeader, records, lines };
}

/**
 * Reads and parses a session file (streamed), records carrying their line numbers.
 *
 * @example
 * const { header, records } = await readSession('contracts/fixtures/base/base.session.jsonl');
 */
export async function readSession(file: string): Promise<Session> {
  const records: SessionRecord[] = [];
  let header: SessionHeader | undefined;
  const lines = await visitSessionFile(file, {
    header: (h) => (header = h),
    record: (r) => records.push(r),
  });
  return { file, header: header as SessionHeader, records, lines };
}

function unreadable(file: string, err: unknown): SessionError {
  const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new SessionError('SESSION_UNREADABLE', `${file}: cannot read (${reason})`, { file, cause: err });
}

function invalid(file: string, line: number, problem: string): SessionError {
  return new SessionError('SESSION_INVALID', `${file}:${line}: ${problem}`, { file, line });
}

/** The format's state while reading one session: the header, and which connections are open or closed. */
class SessionLineReader {
  private readonly open = new Set<string>();
  private readonly closed = new Set<string>();
  private header: SessionHeader | undefined;
  private lineNo = 0;

  constructor(
    private readonly file: string,
    private readonly visitor: SessionVisitor,
    readonly maxLineChars = MAX_LINE_CHARS,
  ) {}

  /** One line, without its `\n`. */
  line(text: string): void {
    const lineNo = ++this.lineNo;
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    if (text.length > this.maxLineChars) this.tooLong(lineNo);
    if (nestsDeeperThan(text, MAX_RECORD_DEPTH)) {
      throw invalid(this.file, lineNo, `a record nested deeper than ${MAX_RECORD_DEPTH} levels (the format's limit)`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw invalid(this.file, lineNo, `not JSON (${(err as Error).message})`);
    }
    if (!isRecord(value)) throw invalid(this.file, lineNo, 'a record must be a JSON object');
    if (this.header === undefined) {
      this.header = toHeader(value, this.file, lineNo);
      this.visitor.header?.(this.header);
      return;
    }
    if (value.kind === 'frame' && this.visitor.frame !== undefined) return this.frameFields(value, lineNo);
    const record = toRecord(value, this.file, lineNo);
    this.follow(record);
    this.visitor.record(record);
  }

  /** A frame record handed to `visitor.frame` as fields, after the checks `toRecord` and `follow` make. */
  private frameFields(obj: Record<string, unknown>, lineNo: number): void {
    const { t, conn } = obj;
    checkTime('frame', t, this.file, lineNo);
    checkConn('frame', conn, this.file, lineNo);
    checkFrame(obj, this.file, lineNo);
    if (!this.open.has(conn)) this.notOpen('frame', conn, lineNo);
    const tokenKind = obj.token_kind === undefined ? undefined : tokenKindOf(obj, 'frame', this.file, lineNo);
    const raw = obj.raw as string | undefined;
    this.visitor.frame!(conn, obj.dir as Direction, obj.msg, raw, t, lineNo, tokenKind);
  }

  private notOpen(kind: string, conn: string, line: number): never {
    const why = this.closed.has(conn) ? 'after its close' : 'before any open record';
    throw invalid(this.file, line, `${kind} for conn "${conn}" ${why}`);
  }

  /** The line being read has grown past MAX_LINE_CHARS. */
  tooLong(lineNo = this.lineNo + 1): never {
    throw invalid(this.file, lineNo, `a line longer than ${this.maxLineChars} characters (the format's limit)`);
  }

  /** Ends the session; returns its number of lines. */
  end(): number {
    if (this.header === undefined) {
      throw invalid(this.file, Math.max(this.lineNo, 1), 'empty session: expected a header line');
    }
    return this.lineNo;
  }

  private follow(record: SessionRecord): void {
    const { conn, line } = record;
    if (record.kind === 'open') {
      if (this.open.has(conn)) throw invalid(this.file, line, `conn "${conn}" is opened twice`);
      if (this.closed.has(conn)) throw invalid(this.file, line, `conn id "${conn}" is reused after its close`);
      this.open.add(conn);
    } else if (!this.open.has(conn)) {
      this.notOpen(record.kind, conn, line);
    } else if (record.kind === 'close') {
      this.open.delete(conn);
      this.closed.add(conn);
    }
  }
}

function toHeader(obj: Record<string, unknown>, file: string, line: number): SessionHeader {
  if (obj.kind !== 'header') {
    throw invalid(
      file,
      line,
      `line 1 must be the header ({"kind":"header",...}), got kind ${JSON.stringify(obj.kind)}`,
    );
  }
  if (typeof obj.spec !== 'string' || obj.spec === '') throw invalid(file, line, 'header "spec" must be a string');
  for (const key of ['scenario', 'recorded_at', 'provider']) {
    if (obj[key] !== undefined && typeof obj[key] !== 'string')
      throw invalid(file, line, `header "${key}" must be a string`);
  }
  return obj as SessionHeader;
}

function toRecord(obj: Record<string, unknown>, file: string, line: number): SessionRecord {
  const { kind, t, conn } = obj;
  if (kind !== 'open' && kind !== 'frame' && kind !== 'close') {
    const hint = kind === 'header' ? ' (a second header)' : '';
    throw invalid(file, line, `"kind" must be "open", "frame" or "close", got ${JSON.stringify(kind)}${hint}`);
  }
  checkTime(kind, t, file, line);
  checkConn(kind, conn, file, line);
  if (kind === 'frame') return toFrame(obj, t, conn, file, line);
  if (kind === 'open') return toOpen(obj, t, conn, file, line);
  return toClose(obj, t, conn, file, line);
}

function toOpen(obj: Record<string, unknown>, t: number, conn: string, file: string, line: number): OpenRecord {
  const user = obj.user === undefined ? null : obj.user;
  if (user !== null && (typeof user !== 'string' || user === '')) {
    throw invalid(file, line, 'open: "user" must be a non-empty string or null');
  }
  const record: OpenRecord = { kind: 'open', t, conn, user, line };
  const tokenKind = tokenKindOf(obj, 'open', file, line);
  if (tokenKind !== undefined) record.token_kind = tokenKind;
  return record;
}

function checkTime(kind: string, t: unknown, file: string, line: number): asserts t is number {
  if (typeof t !== 'number' || !Number.isFinite(t)) throw invalid(file, line, `${kind}: "t" must be a finite number`);
}

function checkConn(kind: string, conn: unknown, file: string, line: number): asserts conn is string {
  if (typeof conn !== 'string' || conn === '') throw invalid(file, line, `${kind}: "conn" must be a non-empty string`);
}

/** The checks of a frame record's own fields (`dir`, exactly one of `msg` and `raw`, where `token_kind` may be). */
function checkFrame(obj: Record<string, unknown>, file: string, line: number): void {
  const { dir } = obj;
  if (dir !== 'c2s' && dir !== 's2c') throw invalid(file, line, 'frame: "dir" must be "c2s" or "s2c"');
  const hasMsg = obj.msg !== undefined;
  const hasRaw = obj.raw !== undefined;
  if (hasMsg === hasRaw) throw invalid(file, line, 'frame: needs exactly one of "msg" and "raw"');
  if (hasRaw && typeof obj.raw !== 'string') throw invalid(file, line, 'frame: "raw" must be a string');
  if (obj.token_kind !== undefined && dir !== 'c2s') {
    throw invalid(file, line, 'frame: "token_kind" belongs on a client frame (c2s) only');
  }
}

function toFrame(obj: Record<string, unknown>, t: number, conn: string, file: string, line: number): FrameRecord {
  checkFrame(obj, file, line);
  const dir = obj.dir as Direction;
  const record: FrameRecord =
    obj.msg !== undefined
      ? { kind: 'frame', t, conn, dir, msg: obj.msg, line }
      : { kind: 'frame', t, conn, dir, raw: obj.raw as string, line };
  if (obj.token_kind !== undefined) record.token_kind = tokenKindOf(obj, 'frame', file, line);
  return record;
}

function toClose(obj: Record<string, unknown>, t: number, conn: string, file: string, line: number): CloseRecord {
  const { code, by } = obj;
  if (typeof code !== 'number' || !Number.isInteger(code))
    throw invalid(file, line, 'close: "code" must be an integer');
  if (by !== 'client' && by !== 'server') throw invalid(file, line, 'close: "by" must be "client" or "server"');
  const reason = obj.reason === undefined ? '' : obj.reason;
  if (typeof reason !== 'string') throw invalid(file, line, 'close: "reason" must be a string');
  return { kind: 'close', t, conn, code, reason, by, line };
}

function tokenKindOf(obj: Record<string, unknown>, kind: string, file: string, line: number): TokenKind | undefined {
  const value = obj.token_kind;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !KNOWN_TOKEN_KINDS.has(value)) {
    throw invalid(file, line, `${kind}: "token_kind" must be one of ${TOKEN_KINDS.join(', ')}`);
  }
  return value as TokenKind;
}
