import { NetraError, type NetraErrorOptions } from '../util/errors';

/**
 * Codes an {@link AuthError} carries when a token is refused or the auth service cannot help. They are the same
 * strings the WebSocket provider sends as `error_message.error_code` before closing with 1008 (see asyncapi.yaml,
 * `components.securitySchemes.bearerHeader`).
 *
 * @example
 * if (authErrorCodes.includes(code as AuthErrorCode)) closeWith1008(code);
 */
export const authErrorCodes = [
  'TOKEN_MISSING',
  'TOKEN_EXPIRED',
  'TOKEN_INVALID',
  'TOKEN_WRONG_TYPE',
  'PERMISSION_DENIED',
  'AUTH_UNAVAILABLE',
  'AUTH_FAILED',
] as const;

/**
 * One of {@link authErrorCodes}.
 *
 * @example
 * const code: AuthErrorCode = 'TOKEN_EXPIRED';
 */
export type AuthErrorCode = (typeof authErrorCodes)[number];

/**
 * Codes of the auth service's HTTP API (`{ error_code, error_message }` bodies) and of its configuration, beyond
 * {@link AuthErrorCode}. `fetchDevToken` and `refreshDevToken` surface them as the `code` of the AuthError they throw.
 *
 * @example
 * // POST /auth/token with {"sub":"a b"} -> 400 {"error_code":"INVALID_REQUEST","error_message":"\"sub\" must be ..."}
 */
export const authServiceErrorCodes = [
  'INVALID_JSON',
  'INVALID_REQUEST',
  'BODY_TOO_LARGE',
  'DEV_TOKENS_DISABLED',
  'DEV_TOKENS_LOOPBACK_ONLY',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'INTERNAL_ERROR',
  'AUTH_CONFIG_INVALID',
  'AUTH_LISTEN_FAILED',
  'KEY_NOT_FOUND',
] as const;

/**
 * One of {@link authServiceErrorCodes}.
 *
 * @example
 * const code: AuthServiceErrorCode = 'DEV_TOKENS_LOOPBACK_ONLY';
 */
export type AuthServiceErrorCode = (typeof authServiceErrorCodes)[number];

/** Options of an {@link AuthError}: the one shape, plus the HTTP status when the error is (or came from) an answer. */
export interface AuthErrorOptions extends NetraErrorOptions {
  /** HTTP status the auth service answered (or answers) with. */
  httpStatus?: number;
}

/**
 * Every auth failure: a refused token, an unreachable auth service, a bad request to it.
 * Branch on `code`; `message` is for people and never contains a token. `httpStatus` is set when the error came
 * from (or is answered by) the auth service's HTTP API.
 *
 * @example
 * try {
 *   await verify(token);
 * } catch (err) {
 *   if (err instanceof AuthError && err.code === 'TOKEN_EXPIRED') askForANewToken();
 *   else throw err;
 * }
 */
export class AuthError extends NetraError<AuthErrorCode | AuthServiceErrorCode> {
  /** HTTP status the auth service answered (or answers) with, when there is one. */
  readonly httpStatus?: number;

  constructor(code: AuthErrorCode | AuthServiceErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(code, message, { cause: options.cause, exitCode: options.exitCode ?? 2 });
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

/**
 * True for a code of {@link authErrorCodes} or {@link authServiceErrorCodes} (for codes read from an HTTP body).
 *
 * @example
 * isAuthCode(body.error_code) ? body.error_code : 'AUTH_FAILED';
 */
export function isAuthCode(value: unknown): value is AuthErrorCode | AuthServiceErrorCode {
  return (
    (authErrorCodes as readonly unknown[]).includes(value) ||
    (authServiceErrorCodes as readonly unknown[]).includes(value)
  );
}
