import type { IncomingHttpHeaders } from 'node:http';

/**
 * What {@link tokenFromUpgrade} found in a WebSocket handshake.
 *
 * @example
 * const found: UpgradeToken = tokenFromUpgrade(req); // { token: 'eyJ...', subprotocol: 'jwt.eyJ...' }
 */
export interface UpgradeToken {
  /** The access token, when one was presented in a well-formed way. */
  token?: string;
  /** The exact `jwt.<token>` subprotocol the client offered; the server must echo it in its handshake response. */
  subprotocol?: string;
  /** True when an `Authorization` header or a `jwt.` subprotocol was present but malformed (no token is returned). */
  malformed?: boolean;
}

// RFC 6750: `Bearer` (case-insensitive) then one token68 value; nothing else on the line.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SUBPROTOCOL_PREFIX = 'jwt.';
// The token part of a subprotocol: base64url segments separated by dots (only RFC 7230 token characters anyway).
const SUBPROTOCOL_TOKEN = /^[A-Za-z0-9_.-]+$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Extracts the access token from a WebSocket upgrade request, as asyncapi.yaml's security schemes describe:
 * `Authorization: Bearer <token>` (servers, CLIs, mobile apps) or a `Sec-WebSocket-Protocol` entry `jwt.<token>`
 * (browsers, which cannot set headers). The header wins when both are present. `subprotocol` is returned whenever a
 * `jwt.` entry was offered, so the server can echo exactly that string.
 * A malformed `Authorization` header yields no token (and `malformed: true`), whatever the subprotocols say; the
 * caller then answers TOKEN_MISSING or TOKEN_INVALID. The token's own shape is checked by the verifier, not here.
 *
 * @example
 * const { token, subprotocol } = tokenFromUpgrade(req);
 * // Authorization: Bearer eyJ...      -> { token: 'eyJ...' }
 * // Sec-WebSocket-Protocol: jwt.eyJ... -> { token: 'eyJ...', subprotocol: 'jwt.eyJ...' }
 * const claims = await verify(token); // TOKEN_MISSING when token is undefined
 * wss.handleUpgrade(req, socket, head, (ws) => ...); // with handleProtocols returning `subprotocol`
 */
export function tokenFromUpgrade(req: { headers: IncomingHttpHeaders }): UpgradeToken {
  const result: UpgradeToken = {};
  let offeredMalformed = false;
  const protocols = single(req.headers['sec-websocket-protocol']);
  if (protocols !== undefined) {
    for (const entry of protocols.split(',').map((p) => p.trim())) {
      if (!entry.startsWith(SUBPROTOCOL_PREFIX)) continue;
      const candidate = entry.slice(SUBPROTOCOL_PREFIX.length);
      if (candidate.length > 0 && SUBPROTOCOL_TOKEN.test(candidate)) {
        result.subprotocol = entry;
        result.token = candidate;
        break;
      }
      offeredMalformed = true;
    }
  }
  const authorization = single(req.headers.authorization);
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization);
    if (!match) {
      delete result.token;
      result.malformed = true;
      return result;
    }
    result.token = match[1];
    return result;
  }
  if (result.token === undefined && offeredMalformed) result.malformed = true;
  return result;
}
