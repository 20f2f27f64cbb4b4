import type { IncomingHttpHeaders } from 'node:http';
import { credentialsFromUpgrade } from './credentials';

/**
 * What {@link tokenFromUpgrade} found in a WebSocket handshake.
 *
 * @example
 * const found: UpgradeToken = tokenFromUpgrade(req); // { token: 'eyJ...', subprotocol: 'jwt.eyJ...' }
 */
export interface UpgradeToken {
  /** The access token, when one was presented in a well-formed, consistent way. */
  token?: string;
  /**
   * The exact `jwt.` entry to echo in the handshake response: the one that carries `token`, or, when `malformed`,
   * the first one offered (so the client can read its refusal).
   */
  subprotocol?: string;
  /** True when the credentials are malformed or conflicting (no token is returned): refuse with TOKEN_INVALID. */
  malformed?: boolean;
}

/**
 * The older form of {@link credentialsFromUpgrade}, kept until every server uses {@link WebSocketHandshake}: the
 * same reading, with a refusal (malformed or conflicting credentials) reported as `malformed: true`.
 *
 * @example
 * const { token, subprotocol, malformed } = tokenFromUpgrade(req);
 * if (malformed) refuse('TOKEN_INVALID');
 * else await verify(token); // TOKEN_MISSING when token is undefined
 */
export function tokenFromUpgrade(req: { headers: IncomingHttpHeaders }): UpgradeToken {
  const found = credentialsFromUpgrade(req);
  if (found.refusal !== undefined) {
    return { malformed: true, ...(found.subprotocol !== undefined ? { subprotocol: found.subprotocol } : {}) };
  }
  return {
    ...(found.token !== undefined ? { token: found.token } : {}),
    ...(found.subprotocol !== undefined ? { subprotocol: found.subprotocol } : {}),
  };
}
