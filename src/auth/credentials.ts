import type { IncomingHttpHeaders } from 'node:http';
import { AuthError } from './errors';

/**
 * The credentials a WebSocket handshake presents, as asyncapi.yaml's security schemes describe them.
 *
 * @example
 * const found: UpgradeCredentials = credentialsFromUpgrade(req); // { token: 'eyJ...', source: 'subprotocol', subprotocol: 'jwt.eyJ...' }
 */
export interface UpgradeCredentials {
  /** The access token to verify; undefined when none was presented (or the credentials are refused). */
  token?: string;
  /** Where the token came from. */
  source?: 'header' | 'subprotocol';
  /**
   * The exact `jwt.` entry to echo in the handshake response. With a token, the entry that carries it (never another
   * token's); with a refusal, the first `jwt.` entry offered, so that a browser (which fails a handshake whose offered
   * protocols get no answer) can open the socket and read why it was refused.
   */
  subprotocol?: string;
  /** Set when the handshake is refused before any verification (TOKEN_INVALID): malformed or conflicting. */
  refusal?: AuthError;
}

// RFC 6750: `Bearer` (case-insensitive) then one token68 value; nothing else on the line.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SUBPROTOCOL_PREFIX = 'jwt.';
// The token part of a subprotocol: base64url segments separated by dots (only RFC 7230 token characters anyway).
const SUBPROTOCOL_TOKEN = /^[A-Za-z0-9_.-]+$/;

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function refused(message: string, echo: string | undefined): UpgradeCredentials {
  return { refusal: new AuthError('TOKEN_INVALID', message), ...(echo !== undefined ? { subprotocol: echo } : {}) };
}

interface Offered {
  /** Each well-formed entry's token -> the entry. */
  entries: Map<string, string>;
  /** Whether a malformed `jwt.` entry was seen. */
  malformed: boolean;
  /** The first `jwt.` entry, well-formed or not (echoed on a refusal). */
  first?: string;
}

function offeredSubprotocols(headers: IncomingHttpHeaders): Offered {
  const entries = new Map<string, string>();
  let malformed = false;
  let first: string | undefined;
  const protocols = joined(headers['sec-websocket-protocol']);
  for (const entry of protocols === undefined ? [] : protocols.split(',').map((p) => p.trim())) {
    if (!entry.startsWith(SUBPROTOCOL_PREFIX)) continue;
    first ??= entry;
    const token = entry.slice(SUBPROTOCOL_PREFIX.length);
    if (token.length > 0 && SUBPROTOCOL_TOKEN.test(token)) entries.set(token, entry);
    else malformed = true;
  }
  return { entries, malformed, ...(first !== undefined ? { first } : {}) };
}

/**
 * Reads the credentials of a WebSocket upgrade request: `Authorization: Bearer <token>` (servers, CLIs, mobile apps)
 * or a `Sec-WebSocket-Protocol` entry `jwt.<token>` (browsers, which cannot set headers). Both may be present only
 * when they carry the same token. Refused before verification, with AuthError `TOKEN_INVALID`:
 *
 * - conflicting credentials: a Bearer token and a `jwt.` subprotocol with another token, or two `jwt.` subprotocols
 *   with different tokens (the server would authenticate one and echo the other);
 * - a malformed `Authorization` header (anything but `Bearer <token68>`), or only malformed `jwt.` entries.
 *
 * The token's own shape is the verifier's business, not this function's.
 *
 * @example
 * const { token, subprotocol, refusal } = credentialsFromUpgrade(req);
 * // Authorization: Bearer eyJ...                       -> { token: 'eyJ...', source: 'header' }
 * // Sec-WebSocket-Protocol: jwt.eyJ...                 -> { token: 'eyJ...', source: 'subprotocol', subprotocol: 'jwt.eyJ...' }
 * // Authorization: Bearer A + Sec-WebSocket-Protocol: jwt.B -> { refusal: AuthError TOKEN_INVALID }
 */
export function credentialsFromUpgrade(req: { headers: IncomingHttpHeaders }): UpgradeCredentials {
  const { entries, malformed, first } = offeredSubprotocols(req.headers);
  if (entries.size > 1) return refused('conflicting credentials: the jwt. subprotocols carry different tokens', first);
  const [offered] = [...entries];
  const authorization = joined(req.headers.authorization);
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization);
    if (!match) return refused('the Authorization header is malformed: expected "Bearer <token>"', first);
    const token = match[1];
    if (offered !== undefined && offered[0] !== token) {
      return refused(
        'conflicting credentials: the Authorization header and the jwt. subprotocol carry different tokens',
        first,
      );
    }
    return { token, source: 'header', ...(offered !== undefined ? { subprotocol: offered[1] } : {}) };
  }
  if (offered !== undefined) return { token: offered[0], source: 'subprotocol', subprotocol: offered[1] };
  if (malformed) return refused('the jwt. subprotocol is malformed: expected "jwt.<token>"', first);
  return {};
}
