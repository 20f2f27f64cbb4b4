import { NetraError, type NetraErrorOptions } from '../util/errors';

/** Codes of {@link ProviderError}. */
export type ProviderErrorCode =
  | 'PROVIDER_CONFIG_INVALID'
  | 'PROVIDER_LISTEN_FAILED'
  | 'EVENT_LOG_UNREADABLE'
  | 'CHAT_CONNECT_FAILED'
  | 'CHAT_AUTH_REFUSED'
  | 'CHAT_CLOSED'
  | 'CHAT_TIMEOUT';

/**
 * A provider (or chat client) problem the caller must act on: bad options, a port in use, an unreachable server.
 * Exit code 2 (bad input or environment) unless stated otherwise.
 *
 * @example
 * try {
 *   await startProvider({ port: 8000, jwksUrl, issuer, audience });
 * } catch (err) {
 *   if (err instanceof ProviderError && err.code === 'PROVIDER_LISTEN_FAILED') console.error('port 8000 is taken');
 * }
 */
export class ProviderError extends NetraError {
  constructor(code: ProviderErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { cause: options.cause, exitCode: options.exitCode ?? 2 });
  }
}
