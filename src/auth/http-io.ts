import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthError, type AuthErrorOptions } from './errors';

/**
 * Largest request body the auth service reads (bytes); a larger one gets 400 `BODY_TOO_LARGE`. Its requests are a
 * few hundred bytes.
 *
 * @example
 * await fetch(`${auth.url}/auth/token`, { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) }); // 400
 */
export const MAX_BODY_BYTES = 8 * 1024;
// Past this much an oversized body is not drained any more: answer and drop the connection.
const MAX_DRAIN_BYTES = 1024 * 1024;

/** Reading the body failed; `closeConnection` asks the caller to drop the connection after answering. */
export class BodyError extends AuthError {
  readonly closeConnection: boolean;

  constructor(
    code: 'INVALID_JSON' | 'BODY_TOO_LARGE',
    message: string,
    options: AuthErrorOptions & { closeConnection?: boolean } = {},
  ) {
    super(code, message, { ...options, httpStatus: options.httpStatus ?? 400 });
    this.closeConnection = options.closeConnection ?? false;
  }
}

/** Reads and parses a JSON request body of at most {@link MAX_BODY_BYTES}. Rejects with a BodyError. */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      action();
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (received > MAX_DRAIN_BYTES) {
        req.pause();
        settle(() => reject(new BodyError('BODY_TOO_LARGE', tooLarge(), { closeConnection: true })));
      }
      // Between the two limits the body is drained, so the client reads our 400 instead of a reset connection.
    });
    req.on('end', () => {
      settle(() => {
        if (received > MAX_BODY_BYTES) return reject(new BodyError('BODY_TOO_LARGE', tooLarge()));
        try {
          resolve(parseJson(Buffer.concat(chunks)));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', (err) => settle(() => reject(err)));
  });
}

function tooLarge(): string {
  return `the body is larger than ${MAX_BODY_BYTES} bytes`;
}

function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new BodyError('INVALID_JSON', 'the body is empty; expected a JSON object');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BodyError('INVALID_JSON', 'the body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError('INVALID_JSON', 'the body is not valid JSON');
  }
}

/** Sends `body` as JSON with `status`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Sends the service's error body `{ error_code, error_message }`. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error_code: code, error_message: message }, { 'cache-control': 'no-store', ...headers });
}
