/**
 * Token strategies: where a live tool gets tokens for a target, one module per `auth.kind` of the targets file
 * (`dev`, `jwt`, `oauth2`, `command`, `static`) behind one interface, {@link TokenSource}. Secrets come only from
 * the environment or files, and never appear in a message.
 */
export { TOKEN_KINDS } from './types';
export type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from './types';
export { AUTH_KINDS, createTokenSource } from './create';
export type { AuthConfig, DevAuthConfig, TokenSourceContext } from './create';
export { createDevSource } from './dev';
export type { DevSigner, DevSourceOptions } from './dev';
export { createJwtSource } from './jwt';
export type { JwtAuthConfig, JwtSourceOptions } from './jwt';
export { JWT_ALGORITHMS } from './jwt-key';
export type { JwtAlgorithm, JwtKeyConfig } from './jwt-key';
export { createOAuth2Source } from './oauth2';
export type { OAuth2AuthConfig, OAuth2ExchangeConfig } from './oauth2';
export { COMMAND_KIND_UNSUPPORTED_EXIT, createCommandSource } from './command';
export type { CommandAuthConfig } from './command';
export { createStaticSource } from './static';
export type { StaticAuthConfig } from './static';
export { algNoneCopy, isCompactJwt, malformedToken, tamperedCopy, unverifiedClaims } from './derive';
export { TokenSourceError } from './errors';
export type { TokenSourceErrorCode } from './errors';
export { fetchDevToken, refreshDevToken } from './dev-client';
export type { DevTokenOptions, RefreshOptions } from './dev-client';
