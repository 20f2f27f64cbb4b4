/**
 * The one live WebSocket client of `record`, `replay` and `conformance`: connections whose every frame is written to
 * a session file as it happens, with the run bookkeeping steps wait on.
 */
export { PROVIDER_CHOSEN_AUTH_CODES } from './auth-codes';
export { LiveClientError } from './errors';
export type { LiveClientErrorCode } from './errors';
export { HeldSeqs } from './held-seqs';
export { LiveConn, sessionTokenKind } from './live-conn';
export type { CloseInfo, ReceivedFrame, TokenVia } from './live-conn';
export { LiveSession } from './live-session';
export type { ConnectOptions, LiveRun } from './live-session';
export { binaryRaw, decodeRaw, oversizeText } from './wire';
