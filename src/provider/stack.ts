import { startAuthService, type AuthService, type AuthServiceOptions } from '../auth';
import type { Logger } from './logger';
import { type ProviderOptions } from './options';
import { startProvider, type Provider } from './server';

/** Options of {@link startStack}: the auth service's and the provider's, with the wiring between them done. */
export interface StackOptions {
  /** Interface both listen on. Default `127.0.0.1`. */
  host?: string;
  /** WebSocket port. Default 0 (a free one). */
  port?: number;
  /** Auth service port. Default 0 (a free one). */
  authPort?: number;
  /** Whether the auth service mints development tokens (`POST /auth/token`). Default true. */
  devTokens?: boolean;
  /** Shared structured logger (each line says which component logged it). Default: silent. */
  logger?: Logger;
  /** Other auth service options (issuer, audience, ttl ...). */
  auth?: Omit<AuthServiceOptions, 'host' | 'port' | 'devTokens' | 'logger'>;
  /** Other provider options (latencies, retention, limits ...); jwksUrl, issuer, audience come from the auth service. */
  provider?: Omit<ProviderOptions, 'host' | 'port' | 'jwksUrl' | 'issuer' | 'audience' | 'logger'>;
}

/** A running auth service + provider pair. */
export interface Stack {
  auth: AuthService;
  provider: Provider;
  /** `ws://host:port/ws`. */
  wsUrl: string;
  /** `http://host:authPort`. */
  authUrl: string;
  /** Drains the provider (`graceMs`, default 0), then stops the auth service. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the auth service, then the provider verifying against its JWKS: everything `serve` and the tests need,
 * with no external service.
 *
 * @example
 * const stack = await startStack({ provider: { thinkMs: 5, toolMs: 5 } });
 * const { access_token } = await stack.auth.issueTokens('alice');
 * const ws = new WebSocket(stack.wsUrl, { headers: { Authorization: `Bearer ${access_token}` } });
 * // ... connection_established, start_agent, events ...
 * await stack.close();
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const host = opts.host ?? '127.0.0.1';
  const authOptions: AuthServiceOptions = {
    ...opts.auth,
    host,
    port: opts.authPort ?? 0,
    devTokens: opts.devTokens ?? true,
  };
  if (opts.logger !== undefined) authOptions.logger = opts.logger;
  const auth = await startAuthService(authOptions);
  let provider: Provider;
  try {
    provider = await startProvider({
      ...opts.provider,
      host,
      port: opts.port ?? 0,
      jwksUrl: auth.jwksUrl,
      issuer: auth.issuer,
      audience: auth.audience,
      ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
    });
  } catch (err) {
    await auth.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    auth,
    provider,
    wsUrl: provider.url,
    authUrl: auth.url,
    close: (graceMs = 0) =>
      (closing ??= (async () => {
        try {
          await provider.drain(graceMs);
        } finally {
          await auth.close();
        }
      })()),
  };
}
