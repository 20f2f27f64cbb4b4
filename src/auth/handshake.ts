import type { IncomingMessage } from 'node:http';
import { silentLogger, type Logger } from '../util/logger';
import { authenticatedUntilMs, type AccessClaims } from './claims';
import { credentialsFromUpgrade } from './credentials';
import { AuthError } from './errors';
import type { AccessVerifier } from './verifier';

/** Close code of a refused handshake (asyncapi.yaml: 1008, policy: authentication failed). */
export const AUTH_CLOSE_CODE = 1008;

/**
 * The result of {@link WebSocketHandshake.authenticate}: the verified claims, or the refusal to send.
 *
 * @example
 * const outcome: HandshakeOutcome = await handshake.authenticate(req);
 * if (outcome.ok) attach(outcome.claims.sub, outcome.authenticatedUntilMs);
 */
export type HandshakeOutcome =
  | {
      ok: true;
      claims: AccessClaims;
      /** The `jwt.<token>` entry echoed, when the token came (also) as a subprotocol. */
      subprotocol?: string;
      /** When the connection's authentication ends: `exp` plus the verifier's clock tolerance (ms since the epoch). */
      authenticatedUntilMs: number;
    }
  | { ok: false; error: AuthError };

/** A socket a refusal can be written to (`ws`'s WebSocket fits). */
export interface RefusableSocket {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/**
 * The shared WebSocket handshake layer of every server that authenticates a token (the reference provider, the
 * replay server): credential extraction ({@link credentialsFromUpgrade}: Bearer header or `jwt.<token>`,
 * conflicting or malformed credentials refused), verification, the echo of the subprotocol, and the refusal (one
 * `error_message`, then close 1008). `authenticate` never rejects: an unexpected verifier failure is logged and
 * answered AUTH_FAILED.
 *
 * @example
 * const handshake = new WebSocketHandshake({ verify, logger });
 * const wss = new WebSocketServer({ noServer: true, handleProtocols: handshake.handleProtocols });
 * server.on('upgrade', async (req, socket, head) => {
 *   const outcome = await handshake.authenticate(req);
 *   wss.handleUpgrade(req, socket, head, (ws) =>
 *     outcome.ok ? attach(ws, outcome.claims) : refuseSocket(ws, outcome.error, refusalFrame(outcome.error)));
 * });
 */
export class WebSocketHandshake {
  private readonly verify: AccessVerifier;
  private readonly logger: Logger;
  /** The subprotocol to echo, per request, from `authenticate` until `handleProtocols`. */
  private readonly echoes = new WeakMap<IncomingMessage, string>();

  constructor(opts: { verify: AccessVerifier; logger?: Logger }) {
    this.verify = opts.verify;
    this.logger = opts.logger ?? silentLogger;
  }

  /**
   * For `WebSocketServer`'s `handleProtocols`: the `jwt.` entry that carried the request's token, or on a refusal the
   * first one offered (a socket that is refused authenticates nobody; the echo only lets the client read why).
   */
  readonly handleProtocols = (_protocols: Set<string>, req: IncomingMessage): string | false =>
    this.echoes.get(req) ?? false;

  /** Reads and verifies the request's credentials. Never rejects. */
  async authenticate(req: IncomingMessage): Promise<HandshakeOutcome> {
    const credentials = credentialsFromUpgrade(req);
    if (credentials.subprotocol !== undefined) this.echoes.set(req, credentials.subprotocol);
    if (credentials.refusal !== undefined) return { ok: false, error: credentials.refusal };
    try {
      const claims = await this.verify(credentials.token);
      return {
        ok: true,
        claims,
        ...(credentials.subprotocol !== undefined ? { subprotocol: credentials.subprotocol } : {}),
        authenticatedUntilMs: authenticatedUntilMs(claims.exp, this.verify.clockToleranceS),
      };
    } catch (err) {
      if (err instanceof AuthError) return { ok: false, error: err };
      this.logger.error('token verification failed unexpectedly', { component: 'auth', error: err });
      return {
        ok: false,
        error: new AuthError('AUTH_FAILED', 'the access token could not be verified', { cause: err }),
      };
    }
  }
}

/**
 * The `error_message` of a refused handshake, as asyncapi.yaml defines it (a server that validates its outgoing
 * messages may build its own).
 *
 * @example
 * refuseSocket(ws, error, refusalFrame(error));
 */
export function refusalFrame(error: AuthError): string {
  return JSON.stringify({
    type: 'error_message',
    error_code: error.code,
    error_message: error.message.slice(0, 2000) || 'authentication failed',
    timestamp: new Date().toISOString(),
  });
}

/**
 * Refuses an upgraded socket: exactly one `error_message` (`frame`), then close 1008 with the code as the reason.
 *
 * @example
 * refuseSocket(ws, outcome.error, refusalFrame(outcome.error));
 */
export function refuseSocket(ws: RefusableSocket, error: AuthError, frame: string): void {
  ws.send(frame);
  ws.close(AUTH_CLOSE_CODE, error.code);
}
