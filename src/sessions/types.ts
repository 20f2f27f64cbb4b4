/** Direction of a frame as seen from the client: `c2s` client to server, `s2c` server to client. */
export type Direction = 'c2s' | 's2c';

/** Line 1 of every session file. Unknown keys are kept (other tools may add some). */
export interface SessionHeader {
  kind: 'header';
  /** `<info.title>@<info.version>` of the contract the session was recorded against. */
  spec: string;
  scenario?: string;
  /** RFC 3339. */
  recorded_at?: string;
  provider?: string;
  [key: string]: unknown;
}

/** A client connection was opened (WebSocket handshake done). `user` is the token's `sub`, or null. */
export interface OpenRecord {
  kind: 'open';
  t: number;
  conn: string;
  user: string | null;
  line: number;
}

/** One WebSocket text frame; `msg` when it was JSON, otherwise `raw`. */
export interface FrameRecord {
  kind: 'frame';
  t: number;
  conn: string;
  dir: Direction;
  msg?: unknown;
  raw?: string;
  line: number;
}

/** The connection closed; `by` says which side started the close. */
export interface CloseRecord {
  kind: 'close';
  t: number;
  conn: string;
  code: number;
  reason: string;
  by: 'client' | 'server';
  line: number;
}

/** Any record after the header, with its 1-based line number in the file. */
export type SessionRecord = OpenRecord | FrameRecord | CloseRecord;

/** A whole session read into memory. */
export interface Session {
  file: string;
  header: SessionHeader;
  records: SessionRecord[];
  /** Number of lines in the file (the last line number). */
  lines: number;
}
