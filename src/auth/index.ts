/**
 * Auth capability: the reference JWT auth service (EdDSA keys with `kid`, JWKS, dev tokens, refresh, rotation and
 * revocation), the access-token verifier (with its JWKS policy), and the one WebSocket handshake layer (credentials
 * from the Bearer header or the `jwt.<token>` subprotocol, the echo, refusals) that every authenticating server uses.
 * Every export carries its own JSDoc with an `@example`.
 */
export { AuthService, startAuthService } from './service';
export type { AuthServiceOptions } from './service';
export { readSigningKeyFile } from './key-file';
export type { IssueOptions } from './token-issuer';
export { createAccessVerifier } from './verifier';
export type { AccessVerifier, AccessVerifierOptions } from './verifier';
export { DEFAULT_JWKS_POLICY } from './jwks-cache';
export type { JwksPolicy } from './jwks-cache';
export { credentialsFromUpgrade } from './credentials';
export type { UpgradeCredentials } from './credentials';
export { AUTH_CLOSE_CODE, refusalFrame, refuseSocket, WebSocketHandshake } from './handshake';
export type { HandshakeOutcome, RefusableSocket } from './handshake';
export { tokenFromUpgrade } from './upgrade';
export type { UpgradeToken } from './upgrade';
export { AuthError, authErrorCodes, authServiceErrorCodes, isAuthCode } from './errors';
export type { AuthErrorCode, AuthErrorOptions, AuthServiceErrorCode } from './errors';
export {
  authenticatedUntilMs,
  CHAT_PERMISSION,
  CLOCK_TOLERANCE_S,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  DEFAULT_MAX_TOKEN_LIFETIME_S,
  MAX_TIME_S,
  TTL_BOUNDS_S,
  isUserId,
} from './claims';
export type { AccessClaims, TokenPair, TokenType } from './claims';
export { MAX_BODY_BYTES } from './http-io';
export { isLoopback } from '../util/loopback';
