/**
 * Auth capability: the JWT auth service (EdDSA keys with `kid`, JWKS, dev tokens, refresh, key rotation), the
 * access-token verifier used by the WebSocket provider, the handshake token extractor and the dev-token HTTP clients.
 * Every export carries its own JSDoc with an `@example`.
 */
export { startAuthService } from './service';
export type { AuthService, AuthServiceOptions, IssueOptions } from './service';
export { createAccessVerifier } from './verifier';
export type { AccessVerifier, AccessVerifierOptions } from './verifier';
export { tokenFromUpgrade } from './upgrade';
export type { UpgradeToken } from './upgrade';
export { AuthError, authErrorCodes } from './errors';
export type { AuthErrorCode, AuthServiceErrorCode } from './errors';
export { CHAT_PERMISSION, CLOCK_TOLERANCE_S, DEFAULT_AUDIENCE, DEFAULT_ISSUER, TTL_BOUNDS_S, isUserId } from './claims';
export type { AccessClaims, TokenPair, TokenType } from './claims';
export { MAX_BODY_BYTES } from './http-io';
export { createJsonLinesLogger, silentLogger } from './logger';
export type { AuthLogger } from './logger';
