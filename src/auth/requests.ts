import { checkPermissions, checkSubject, checkTtl } from './claims';
import { AuthError } from './errors';

/** A validated `POST /auth/token` body. */
export interface TokenRequest {
  sub: string;
  permissions?: string[];
  ttlS?: number;
}

/** A validated `POST /auth/refresh` body. */
export interface RefreshRequest {
  refreshToken: string;
  ttlS?: number;
}

// A refresh token is a few hundred bytes; anything much longer is not one of ours.
const MAX_REFRESH_TOKEN_LENGTH = 4096;

function invalid(message: string): AuthError {
  return new AuthError('INVALID_REQUEST', message, { httpStatus: 400 });
}

// Closed bodies, like the client messages of the spec: a misspelt field fails loudly instead of being ignored.
function checkObject(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('the body must be a JSON object');
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw invalid(`unknown field ${JSON.stringify(key.slice(0, 64))} (allowed: ${allowed.join(', ')})`);
    }
  }
  return record;
}

/**
 * Validates the parsed JSON body of `POST /auth/token`: `{ sub, permissions?, ttl_s? }`.
 * Throws AuthError `INVALID_REQUEST` (httpStatus 400) naming the first bad field.
 */
export function parseTokenRequest(body: unknown): TokenRequest {
  const record = checkObject(body, ['sub', 'permissions', 'ttl_s']);
  if (!('sub' in record)) throw invalid('"sub" is required');
  const request: TokenRequest = { sub: checkSubject(record.sub) };
  if (record.permissions !== undefined) request.permissions = checkPermissions(record.permissions);
  if (record.ttl_s !== undefined) request.ttlS = checkTtl(record.ttl_s);
  return request;
}

/**
 * Validates the parsed JSON body of `POST /auth/refresh`: `{ refresh_token, ttl_s? }`.
 * Throws AuthError `INVALID_REQUEST` (httpStatus 400) naming the first bad field.
 */
export function parseRefreshRequest(body: unknown): RefreshRequest {
  const record = checkObject(body, ['refresh_token', 'ttl_s']);
  const token = record.refresh_token;
  if (token === undefined) throw invalid('"refresh_token" is required');
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_REFRESH_TOKEN_LENGTH) {
    throw invalid(`"refresh_token" must be a non-empty string of at most ${MAX_REFRESH_TOKEN_LENGTH} characters`);
  }
  const request: RefreshRequest = { refreshToken: token };
  if (record.ttl_s !== undefined) request.ttlS = checkTtl(record.ttl_s);
  return request;
}
