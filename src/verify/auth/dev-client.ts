import type { TokenPair } from '../../auth/claims';
import { AuthError, isAuthCode } from '../../auth/errors';

/**
 * Options of {@link fetchDevToken}.
 *
 * @example
 * const opts: DevTokenOptions = { permissions: ['chat'], ttlS: 60, timeoutMs: 2000 };
 */
export interface DevTokenOptions {
  /** Permissions of the tokens. Default (server side): `['chat']`. */
  permissions?: string[];
  /** Access-token lifetime in seconds (1..86400). Default (server side): the service's `accessTtlS`. */
  ttlS?: number;
  /** Timeout of the HTTP request. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Options of {@link refreshDevToken}.
 *
 * @example
 * await refreshDevToken(authUrl, pair.refresh_token, { ttlS: 300 });
 */
export interface RefreshOptions {
  /** Lifetime of the new access token in seconds (1..86400). Default (server side): the service's `accessTtlS`. */
  ttlS?: number;
  /** Timeout of the HTTP request. Default 5000 ms. */
  timeoutMs?: number;
}

function endpoint(authUrl: string, path: string): URL {
  let url: URL;
  try {
    // Relative to the base so that an auth service mounted under a path prefix keeps its prefix.
    url = new URL(path, authUrl.endsWith('/') ? authUrl : `${authUrl}/`);
  } catch {
    throw new AuthError('AUTH_CONFIG_INVALID', `auth URL is not a URL: ${JSON.stringify(String(authUrl))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AuthError('AUTH_CONFIG_INVALID', `auth URL must be http(s), got ${url.protocol}`);
  }
  return url;
}

// Duck-typed: errors thrown by fetch may come from another realm (e.g. under jest), so `instanceof` is unreliable.
function reason(err: unknown): string {
  const error = (typeof err === 'object' && err !== null ? err : {}) as {
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = (typeof error.cause === 'object' && error.cause !== null ? error.cause : {}) as NodeJS.ErrnoException;
  if (typeof cause.code === 'string') return cause.code;
  if (typeof cause.message === 'string') return cause.message;
  return typeof error.message === 'string' ? error.message : String(err);
}

function isTokenPair(value: unknown): value is TokenPair {
  const pair = value as Partial<TokenPair> | null;
  return (
    typeof pair === 'object' &&
    pair !== null &&
    typeof pair.access_token === 'string' &&
    typeof pair.refresh_token === 'string' &&
    typeof pair.expires_in === 'number'
  );
}

/** The keep-alive race: the pooled socket the request went out on was being closed by the server at that moment. */
function isStaleSocket(err: unknown): boolean {
  const code = reason(err);
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

async function post(url: URL, body: Record<string, unknown>, timeoutMs: number): Promise<[number, string]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return [response.status, await response.text()];
}

/**
 * POSTs for a token pair. `retryStaleSocket`: a request that failed on a stale keep-alive socket (the HTTP client
 * reused a connection the server was closing as idle, likelier on a loaded machine) is sent once more on a new one.
 * Only where a second request is harmless: issuing a dev token is; a refresh is not (its token is single-use).
 */
async function postForTokens(
  url: URL,
  body: Record<string, unknown>,
  timeoutMs = 5_000,
  retryStaleSocket = false,
): Promise<TokenPair> {
  let status: number;
  let text: string;
  try {
    [status, text] = await post(url, body, timeoutMs).catch((err: unknown) => {
      if (retryStaleSocket && isStaleSocket(err)) return post(url, body, timeoutMs);
      throw err;
    });
  } catch (err) {
    throw new AuthError('AUTH_UNAVAILABLE', `auth service at ${url.origin} is unreachable (${reason(err)})`, {
      cause: err,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (status === 200 && isTokenPair(parsed)) {
    return { access_token: parsed.access_token, refresh_token: parsed.refresh_token, expires_in: parsed.expires_in };
  }
  const error = parsed as { error_code?: unknown; error_message?: unknown } | undefined;
  if (status !== 200 && typeof error?.error_code === 'string') {
    const message = typeof error.error_message === 'string' ? error.error_message.slice(0, 500) : `HTTP ${status}`;
    // A code we do not know (another service) is kept in the message; the error's code stays typed.
    const code = isAuthCode(error.error_code) ? error.error_code : 'AUTH_FAILED';
    const named = code === error.error_code ? '' : `${JSON.stringify(error.error_code.slice(0, 64))}: `;
    throw new AuthError(code, `auth service refused ${url.pathname}: ${named}${message}`, { httpStatus: status });
  }
  if (status >= 500) {
    throw new AuthError('AUTH_UNAVAILABLE', `auth service answered HTTP ${status} to ${url.pathname}`, {
      httpStatus: status,
    });
  }
  throw new AuthError(
    'AUTH_FAILED',
    `auth service answered ${url.pathname} with an unexpected HTTP ${status} response`,
    {
      httpStatus: status,
    },
  );
}

/**
 * Asks the auth service for a development token pair (`POST <authUrl>/auth/token`). Used by `chat`, `record` and
 * the load tool. A request lost to a stale keep-alive socket is sent once more. Throws AuthError `AUTH_UNAVAILABLE` when the service cannot be reached (or answers 5xx without an
 * error body), and otherwise an AuthError whose code is the service's `error_code` (e.g. `INVALID_REQUEST`,
 * `DEV_TOKENS_DISABLED`) and whose `httpStatus` is its status.
 *
 * @example
 * const { access_token, refresh_token, expires_in } = await fetchDevToken('http://127.0.0.1:8001', 'alice');
 * const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${access_token}` } });
 */
export async function fetchDevToken(authUrl: string, sub: string, opts: DevTokenOptions = {}): Promise<TokenPair> {
  const body: Record<string, unknown> = { sub };
  if (opts.permissions !== undefined) body.permissions = opts.permissions;
  if (opts.ttlS !== undefined) body.ttl_s = opts.ttlS;
  return postForTokens(endpoint(authUrl, 'auth/token'), body, opts.timeoutMs, true);
}

/**
 * Exchanges a refresh token for a new pair (`POST <authUrl>/auth/refresh`). Refresh tokens are single-use: keep the
 * new `refresh_token`. Errors as {@link fetchDevToken}; a bad refresh token gives `TOKEN_EXPIRED`, `TOKEN_INVALID`
 * or `TOKEN_WRONG_TYPE` (httpStatus 401).
 *
 * @example
 * let pair = await fetchDevToken(authUrl, 'alice');
 * pair = await refreshDevToken(authUrl, pair.refresh_token);
 * ws.send(JSON.stringify({ type: 'auth_refresh', token: pair.access_token }));
 */
export async function refreshDevToken(
  authUrl: string,
  refreshToken: string,
  opts: RefreshOptions = {},
): Promise<TokenPair> {
  const body: Record<string, unknown> = { refresh_token: refreshToken };
  if (opts.ttlS !== undefined) body.ttl_s = opts.ttlS;
  return postForTokens(endpoint(authUrl, 'auth/refresh'), body, opts.timeoutMs);
}
