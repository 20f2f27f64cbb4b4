/** Direction of a frame as seen from the client: `c2s` client to server, `s2c` server to client. */
export type Direction = 'c2s' | 's2c';

/**
 * Kinds of credential a client may present, as a session records them (`token_kind`). `valid` is the normal case
 * (and what an absent `token_kind` means); `none` is a connection that presented no credential at all; every other
 * kind is deliberately bad. Everything but `valid` must be refused by any provider that keeps the contract.
 */
export const TOKEN_KINDS = [
  'valid',
  'none',
  'expired',
  'not_yet_valid',
  'wrong_audience',
  'wrong_issuer',
  'bad_signature',
  'alg_none',
  'malformed',
  'missing_permission',
  'wrong_type',
] as const;

export type TokenKind = (typeof TOKEN_KINDS)[number];

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
  /** The credential the client presented; absent means `valid`. */
  token_kind?: TokenKind;
  line: number;
}

/**
 * One WebSocket text frame; `msg` when it was JSON, otherwise `raw` (also for JSON nested deeper than the format
 * allows, `MAX_RECORD_DEPTH`).
 */
export interface FrameRecord {
  kind: 'frame';
  t: number;
  conn: string;
  dir: Direction;
  msg?: unknown;
  raw?: string;
  /** On a client frame that presents a credential (`auth_refresh`): which kind; absent means `valid`. */
  token_kind?: TokenKind;
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
