import { promises as fs } from 'fs';
import { SessionError } from './errors';
import type { CloseRecord, FrameRecord, OpenRecord, Session, SessionHeader, SessionRecord } from './types';

/** Called once with the header, then once per record, in file order. */
export interface SessionVisitor {
  header?(header: SessionHeader): void;
  record(record: SessionRecord): void;
}

/**
 * Parses a session text line by line and hands each record to `visitor` as soon as it is read, so a caller (such as
 * `verify`) never holds the records of a large session. Blank lines are skipped; `\r\n` is accepted.
 * Enforces the format strictly: line 1 is the header; every record has `kind`, a finite `t` and a `conn`; a frame or a
 * close names a connection that is open; a frame has exactly one of `msg` and `raw`.
 * Returns the number of lines. Throws `SessionError` (`SESSION_INVALID`, exit code 2) naming the file and line.
 *
 * @example
 * visitSessionText(text, 'a.session.jsonl', { record: (r) => console.log(r.line, r.kind) });
 */
export function visitSessionText(text: string, file: string, visitor: SessionVisitor): number {
  const open = new Set<string>();
  const closed = new Set<string>();
  let header: SessionHeader | undefined;
  let lineNo = 0;
  let start = 0;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw invalid(file, lineNo, `not JSON (${(err as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(file, lineNo, 'a record must be a JSON object');
    }
    const obj = value as Record<string, unknown>;
    if (header === undefined) {
      header = toHeader(obj, file, lineNo);
      visitor.header?.(header);
      continue;
    }
    const record = toRecord(obj, file, lineNo);
    if (record.kind === 'open') {
      if (open.has(record.conn)) throw invalid(file, lineNo, `conn "${record.conn}" is opened twice`);
      if (closed.has(record.conn)) throw invalid(file, lineNo, `conn id "${record.conn}" is reused after its close`);
      open.add(record.conn);
    } else if (!open.has(record.conn)) {
      const why = closed.has(record.conn) ? 'after its close' : 'before any open record';
      throw invalid(file, lineNo, `${record.kind} for conn "${record.conn}" ${why}`);
    } else if (record.kind === 'close') {
      open.delete(record.conn);
      closed.add(record.conn);
    }
    visitor.record(record);
  }
  if (header === undefined) throw invalid(file, Math.max(lineNo, 1), 'empty session: expected a header line');
  return lineNo;
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
 * Reads the text of a session file. Throws `SessionError` `SESSION_UNREADABLE` (exit code 2) when it cannot.
 *
 * @example
 * const text = await readSessionText('contracts/sessions/happy.session.jsonl');
 */
export async function readSessionText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new SessionError('SESSION_UNREADABLE', `${file}: cannot read (${reason})`, { file, cause: err });
  }
}

/**
 * Reads and parses a session file, records carrying their line numbers.
 *
 * @example
 * const { header, records } = await readSession('contracts/fixtures/base/two-users.session.jsonl');
 */
export async function readSession(file: string): Promise<Session> {
  return parseSessionText(await readSessionText(file), file);
}

function invalid(file: string, line: number, problem: string): SessionError {
  return new SessionError('SESSION_INVALID', `${file}:${line}: ${problem}`, { file, line });
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
  if (typeof t !== 'number' || !Number.isFinite(t)) throw invalid(file, line, `${kind}: "t" must be a finite number`);
  if (typeof conn !== 'string' || conn === '') throw invalid(file, line, `${kind}: "conn" must be a non-empty string`);
  if (kind === 'open') {
    const user = obj.user === undefined ? null : obj.user;
    if (user !== null && (typeof user !== 'string' || user === '')) {
      throw invalid(file, line, 'open: "user" must be a non-empty string or null');
    }
    const record: OpenRecord = { kind, t, conn, user, line };
    return record;
  }
  if (kind === 'frame') {
    const { dir } = obj;
    if (dir !== 'c2s' && dir !== 's2c') throw invalid(file, line, 'frame: "dir" must be "c2s" or "s2c"');
    const hasMsg = 'msg' in obj;
    const hasRaw = 'raw' in obj;
    if (hasMsg === hasRaw) throw invalid(file, line, 'frame: needs exactly one of "msg" and "raw"');
    if (hasRaw && typeof obj.raw !== 'string') throw invalid(file, line, 'frame: "raw" must be a string');
    const record: FrameRecord = hasMsg
      ? { kind, t, conn, dir, msg: obj.msg, line }
      : { kind, t, conn, dir, raw: obj.raw as string, line };
    return record;
  }
  const { code, by } = obj;
  if (typeof code !== 'number' || !Number.isInteger(code))
    throw invalid(file, line, 'close: "code" must be an integer');
  if (by !== 'client' && by !== 'server') throw invalid(file, line, 'close: "by" must be "client" or "server"');
  const reason = obj.reason === undefined ? '' : obj.reason;
  if (typeof reason !== 'string') throw invalid(file, line, 'close: "reason" must be a string');
  const record: CloseRecord = { kind, t, conn, code, reason, by, line };
  return record;
}
