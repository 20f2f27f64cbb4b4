import type { LogFields, Logger } from '../../../src/util/logger';

// Small real-HTTP helpers for the auth tests (global fetch against the service on 127.0.0.1).

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** POSTs `body` (an object is JSON-encoded; a string or bytes go as they are) and parses the JSON answer. */
export async function post(url: string, body: unknown): Promise<JsonResponse> {
  const payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
  });
  return { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) };
}

/** Sends `method` without a body and parses the JSON answer. */
export async function request(url: string, method = 'GET'): Promise<JsonResponse> {
  const response = await fetch(url, { method });
  return { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) };
}

/** The claims of a compact JWS, decoded without verification (tests only). */
export function payloadOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** The protected header of a compact JWS, decoded without verification (tests only). */
export function headerOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A util/logger Logger that keeps every line as `{ level, msg, ...fields }`, for asserting on what was (not) logged. */
export function collectingLogger(): Logger & { entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const keep = (level: string) => (msg: string, fields?: LogFields) => entries.push({ level, msg, ...fields });
  return { entries, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}
