import { NetraError, type NetraErrorOptions } from '../util/errors';

/** Codes of {@link ProviderError}. */
export type ProviderErrorCode =
  | 'PROVIDER_CONFIG_INVALID'
  | 'PROVIDER_LISTEN_FAILED'
  | 'EVENT_LOG_UNREADABLE'
  | 'EVENT_LOG_NOT_A_LOG'
  | 'EVENT_LOG_WRITE_FAILED'
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

/** Documented `error_message` codes a handler may refuse a client frame with (asyncapi.yaml, error_message). */
export type ClientRefusalCode =
  | 'FORBIDDEN'
  | 'RUN_NOT_ACTIVE'
  | 'DUPLICATE_REQUEST'
  | 'TOO_MANY_RUNS'
  | 'TOO_MANY_CONNECTIONS'
  | 'RATE_LIMITED'
  | 'SERVER_DRAINING'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/**
 * A refusal of one client frame with a documented code, thrown from anywhere under a message handler (a seam whose
 * shared store is down, a limit): the provider's failure router answers it as that `error_message` instead of
 * INTERNAL_ERROR. Its message is sent to the client, so it never holds a secret.
 *
 * @example
 * throw new ClientRefusal('SERVER_DRAINING', 'The run store is unavailable; retry on another connection.');
 */
export class ClientRefusal extends NetraError<ClientRefusalCode> {}
