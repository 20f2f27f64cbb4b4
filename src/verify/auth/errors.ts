import { NetraError, type NetraErrorOptions } from '../../util/errors';

/**
 * Codes of {@link TokenSourceError}: why a token strategy could not be set up or could not make a token.
 *
 * - `AUTH_CONFIG_INVALID`: the `auth` entry of a target is wrong (a bad URL, a missing field, an alg the key cannot do).
 * - `SECRET_MISSING` / `SECRET_UNREADABLE`: the environment variable or file that holds a secret is absent or unreadable
 *   (the message names the variable or the file, never the value).
 * - `KEY_INVALID`: a private key file is not a PEM or JWK private key usable with the configured `alg`.
 * - `AUTH_UNAVAILABLE`: the issuer (dev endpoint, token endpoint) cannot be reached or answered 5xx.
 * - `AUTH_REFUSED`: the issuer answered with an error (bad client secret, invalid grant, dev tokens disabled...).
 * - `AUTH_RESPONSE_INVALID`: the issuer answered 200 with something that is not a token response.
 * - `TOKEN_KIND_UNSUPPORTED`: the strategy cannot make this kind of token (see `supports`).
 * - `REFRESH_UNSUPPORTED`: the strategy cannot give a new token for a user it already served.
 * - `COMMAND_FAILED` / `COMMAND_TIMEOUT` / `COMMAND_OUTPUT_INVALID`: the `command` strategy's executable.
 * - `STATIC_TOKENS_EXHAUSTED`: the `static` file holds fewer tokens than the run needs users.
 *
 * @example
 * if (err instanceof TokenSourceError && err.code === 'TOKEN_KIND_UNSUPPORTED') skip(err.message);
 */
export type TokenSourceErrorCode =
  | 'AUTH_CONFIG_INVALID'
  | 'SECRET_MISSING'
  | 'SECRET_UNREADABLE'
  | 'KEY_INVALID'
  | 'AUTH_UNAVAILABLE'
  | 'AUTH_REFUSED'
  | 'AUTH_RESPONSE_INVALID'
  | 'TOKEN_KIND_UNSUPPORTED'
  | 'REFRESH_UNSUPPORTED'
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMEOUT'
  | 'COMMAND_OUTPUT_INVALID'
  | 'STATIC_TOKENS_EXHAUSTED';

/**
 * Every failure of a token strategy. Messages never contain a secret or a token: they name the environment
 * variable, the file, the endpoint or the command, and the issuer's error code. Exit code 2 (the target or its
 * credentials are wrong, not the provider under test).
 *
 * @example
 * throw new TokenSourceError('SECRET_MISSING', 'environment variable NETRA_JWT_SECRET is not set');
 */
export class TokenSourceError extends NetraError<TokenSourceErrorCode> {
  constructor(code: TokenSourceErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? 2, cause: options.cause });
  }
}
