import type { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

/**
 * Close codes of the `ws` library's own limits, mapped to what asyncapi.yaml documents. `ws` closes with 1008 for "too
 * many message fragments" (more than 16,384 parts of one message) and "too many buffered chunks"; 1008 is the spec's
 * policy code (authentication, token expiry, the connection limit), which a client following the spec treats as an
 * auth failure. Both are a message too big for the server: 1009.
 */
const LIBRARY_CODES: Readonly<Record<string, number>> = { WS_ERR_TOO_MANY_BUFFERED_PARTS: 1009 };

/**
 * The status code `ws` puts on a receiver error lives under a module-private symbol (`ws/lib/constants` is not an
 * exported path): found by its description on the error itself.
 */
function remap(err: Error & { code?: unknown }): void {
  const mapped = typeof err.code === 'string' ? LIBRARY_CODES[err.code] : undefined;
  if (mapped === undefined) return;
  const key = Object.getOwnPropertySymbols(err).find((s) => s.description === 'status-code');
  if (key !== undefined) (err as unknown as Record<symbol, unknown>)[key] = mapped;
}

/**
 * Makes `ws`'s receiver errors on this socket close with the documented codes: runs before `ws`'s own listener (which
 * sends the close frame). False when the socket has no receiver (`ws` internals changed: the close-code test fails).
 */
export function mapLibraryCloseCodes(ws: WebSocket): boolean {
  const receiver = (ws as unknown as { _receiver?: EventEmitter })._receiver;
  if (receiver === undefined || typeof receiver.prependListener !== 'function') return false;
  receiver.prependListener('error', remap);
  return true;
}
