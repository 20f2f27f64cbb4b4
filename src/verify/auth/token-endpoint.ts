import { redactText } from '../../util/redact';
import { TokenSourceError } from './errors';

/** A successful RFC 6749 section 5.1 (or RFC 8693 section 2.2.1) token response. */
export interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  issued_token_type?: string;
}

/** One request to a token endpoint. */
export interface TokenEndpointCall {
  url: string;
  /** Form parameters (`grant_type`, ...), sent as application/x-www-form-urlencoded. */
  form: Record<string, string>;
  /** Client authentication: HTTP Basic (RFC 6749 section 2.3.1) or the body. */
  client: { id: string; secret?: string; method: 'basic' | 'post' };
  /** For messages: "the client_credentials grant", "the token exchange". */
  what: string;
  timeoutMs: number;
  /** Secrets to scrub from anything the server says back. */
  secrets: readonly string[];
}

const MAX_RESPONSE_BYTES = 64 * 1024;

// RFC 6749 appendix B: Basic credentials are form-urlencoded before base64.
function formEncode(text: string): string {
  return new URLSearchParams({ v: text }).toString().slice(2);
}

/**
 * POSTs to an OAuth 2.0 token endpoint and returns its token response. Throws TokenSourceError `AUTH_UNAVAILABLE`
 * (unreachable, timeout, 5xx), `AUTH_REFUSED` (an error response: its `error` code and, redacted and truncated, its
 * `error_description`) or `AUTH_RESPONSE_INVALID` (200 without an `access_token`). Messages never contain the
 * client secret, a password or a token.
 *
 * @example
 * const response = await callTokenEndpoint({ url, form: { grant_type: 'client_credentials' },
 *   client: { id: 'load', secret, method: 'basic' }, what: 'the client_credentials grant', timeoutMs: 5000, secrets: [secret] });
 */
export async function callTokenEndpoint(call: TokenEndpointCall): Promise<TokenResponse> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const form = { ...call.form };
  if (call.client.method === 'basic' && call.client.secret !== undefined) {
    const pair = `${formEncode(call.client.id)}:${formEncode(call.client.secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.client_id = call.client.id;
    if (call.client.secret !== undefined) form.client_secret = call.client.secret;
  }
  let status: number;
  let text: string;
  try {
    const response = await fetch(call.url, {
      method: 'POST',
      headers,
      body: new URLSearchParams(form).toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    status = response.status;
    text = (await response.text()).slice(0, MAX_RESPONSE_BYTES);
  } catch (err) {
    throw new TokenSourceError('AUTH_UNAVAILABLE', `token endpoint ${call.url} is unreachable (${reason(err)})`);
  }
  return interpret(call, status, text);
}

function interpret(call: TokenEndpointCall, status: number, text: string): TokenResponse {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (status === 200 && body !== undefined && typeof body.access_token === 'string' && body.access_token !== '') {
    const out: TokenResponse = { access_token: body.access_token };
    if (typeof body.expires_in === 'number' && Number.isFinite(body.expires_in)) out.expires_in = body.expires_in;
    if (typeof body.refresh_token === 'string') out.refresh_token = body.refresh_token;
    if (typeof body.issued_token_type === 'string') out.issued_token_type = body.issued_token_type;
    return out;
  }
  if (status >= 500) {
    throw new TokenSourceError(
      'AUTH_UNAVAILABLE',
      `token endpoint ${call.url} answered HTTP ${status} to ${call.what}`,
    );
  }
  if (body !== undefined && typeof body.error === 'string') {
    const description =
      typeof body.error_description === 'string'
        ? `: ${redactText(body.error_description.slice(0, 200), call.secrets)}`
        : '';
    const code = redactText(body.error.slice(0, 64), call.secrets);
    throw new TokenSourceError(
      'AUTH_REFUSED',
      `token endpoint ${call.url} refused ${call.what} (HTTP ${status}): ${code}${description}`,
    );
  }
  throw new TokenSourceError(
    'AUTH_RESPONSE_INVALID',
    `token endpoint ${call.url} answered ${call.what} with HTTP ${status} and no ${status === 200 ? 'access_token' : 'OAuth error'}`,
  );
}

// fetch's errors may come from another realm (jest): duck-typed.
function reason(err: unknown): string {
  const error = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; cause?: unknown };
  if (error.name === 'TimeoutError') return 'timed out';
  const cause = (typeof error.cause === 'object' && error.cause !== null ? error.cause : {}) as {
    code?: unknown;
    message?: unknown;
  };
  if (typeof cause.code === 'string') return cause.code;
  // undici's own refusals (e.g. "bad port") carry only a message, which never holds the request's body.
  if (typeof cause.message === 'string') return cause.message.slice(0, 100);
  return typeof error.name === 'string' ? error.name : 'error';
}
