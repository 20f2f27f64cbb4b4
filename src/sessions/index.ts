/**
 * Session files: the fixed JSON-lines format in which socket sessions are recorded, read by `verify`, `replay` and
 * the docs. Line 1 is the header; then `open`, `frame` and `close` records with their line numbers.
 */
export { SessionError } from './errors';
export { parseSessionText, readSession, readSessionText, visitSessionText } from './reader';
export type { SessionVisitor } from './reader';
export { createSessionWriter, REDACTED } from './writer';
export type { SessionHeaderInput, SessionWriter, SessionWriterOptions } from './writer';
export { redactClientMessage, redactTokens } from './redact';
export type { CloseRecord, Direction, FrameRecord, OpenRecord, Session, SessionHeader, SessionRecord } from './types';
