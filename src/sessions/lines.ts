import { promises as fs } from 'fs';
import { StringDecoder } from 'string_decoder';
import { SessionError } from './errors';

const CHUNK_BYTES = 1024 * 1024;

/**
 * The text of some lines of a session (1-based numbers), found without parsing anything else.
 *
 * @example
 * sessionTextLines(text, new Set([7])).get(7); // '{"kind":"frame",...}'
 */
export function sessionTextLines(text: string, wanted: ReadonlySet<number>): Map<number, string> {
  const out = new Map<number, string>();
  if (wanted.size === 0) return out;
  let lineNo = 0;
  for (let start = 0; start < text.length && out.size < wanted.size;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (wanted.has(++lineNo)) out.set(lineNo, stripCr(text.slice(start, end)));
    start = end + 1;
  }
  return out;
}

/**
 * The text of some lines of a session file (1-based numbers), streamed: the file is read once, up to the last line
 * wanted. Throws `SessionError` `SESSION_UNREADABLE` when the file cannot be read.
 *
 * @example
 * const frames = await readSessionLines('big.session.jsonl', new Set([17, 40]));
 */
export async function readSessionLines(file: string, wanted: ReadonlySet<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (wanted.size === 0) return out;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    throw unreadable(file, err);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let lineNo = 0;
    while (out.size < wanted.size) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null).catch((err: unknown) => {
        throw unreadable(file, err);
      });
      const text = carry + (bytesRead === 0 ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead)));
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        if (wanted.has(++lineNo)) out.set(lineNo, stripCr(text.slice(start, end)));
        start = end + 1;
      }
      carry = text.slice(start);
      if (bytesRead === 0) {
        if (carry.length > 0 && wanted.has(++lineNo)) out.set(lineNo, stripCr(carry));
        break;
      }
      // A line nobody wants is not accumulated across chunks (it holds no newline: only the count matters).
      if (!wanted.has(lineNo + 1)) carry = '';
    }
    return out;
  } finally {
    await handle.close();
  }
}

function stripCr(line: string): string {
  return line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

function unreadable(file: string, err: unknown): SessionError {
  const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new SessionError('SESSION_UNREADABLE', `${file}: cannot read (${reason})`, { file, cause: err });
}
