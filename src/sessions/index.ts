/**
 * Session files: the fixed JSON-lines format in which socket sessions are recorded, read by `verify`, `replay` and
 * the docs. Line 1 is the header; then `open`, `frame` and `close` records with their line numbers.
 */
export { MAX_RECORD_DEPTH, nestsDeeperThan } from './depth';
export { SessionError } from './errors';
export type { SessionErrorCode, SessionErrorOptions } from './errors';
export {
  MAX_LINE_CHARS,
  parseSessionText,
  readSession,
  readSessionText,
  visitSessionFile,
  visitSessionText,
} from './reader';
export type { SessionVisitor } from './reader';
export { createSessionWriter, REDACTED } from './writer';
export type { SessionHeaderInput, SessionWriter, SessionWriterOptions } from './writer';
export { redactClientMessage, redactTokens } from './redact';
export { TOKEN_KINDS } from './types';
export type {
  CloseRecord,
  Direction,
  FrameRecord,
  OpenRecord,
  Session,
  SessionHeader,
  SessionRecord,
  TokenKind,
} from './types';
