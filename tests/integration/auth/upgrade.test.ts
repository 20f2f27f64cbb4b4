import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import {
  AuthError,
  createAccessVerifier,
  startAuthService,
  tokenFromUpgrade,
  type AuthService,
} from '../../../src/auth';

// A real HTTP server upgrading real `ws` connections, authenticating them as the provider will.
describe('tokenFromUpgrade over a real WebSocket handshake', () => {
  let auth: AuthService;
  let server: Server;
  let wsUrl: string;
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (_protocols, req) => chosen.get(req) ?? false });
  const chosen = new WeakMap<object, string>();

  beforeAll(async () => {
    auth = await startAuthService();
    const verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    server = createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req, socket, head) => {
      const { token, subprotocol } = tokenFromUpgrade(req);
      verify(token).then(
        (claims) => {
          if (subprotocol) chosen.set(req, subprotocol);
          wss.handleUpgrade(req, socket, head, (ws) => {
            ws.send(JSON.stringify({ user: claims.sub }));
            ws.close(1000);
          });
        },
        (err: unknown) => {
          const code = err instanceof AuthError ? err.code : 'AUTH_FAILED';
          socket.end(`HTTP/1.1 401 Unauthorized\r\nx-error-code: ${code}\r\nconnection: close\r\n\r\n`);
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });

  afterAll(async () => {
    wss.close();
    await new Promise((resolve) => server.close(resolve));
    await auth.close();
  });

  function connect(protocols: string[], headers: Record<string, string> = {}) {
    return new Promise<{ protocol?: string; message?: unknown; status?: number; errorCode?: string }>((resolve) => {
      const ws = new WebSocket(wsUrl, protocols, { headers });
      ws.on('message', (data) => resolve({ protocol: ws.protocol, message: JSON.parse(String(data)) }));
      ws.on('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode, errorCode: String(res.headers['x-error-code']) });
        res.resume();
        ws.terminate();
      });
      ws.on('error', () => undefined);
    });
  }

  test('Authorization: Bearer authenticates', async () => {
    const { access_token } = await auth.issueTokens('alice');
    expect(await connect([], { authorization: `Bearer ${access_token}` })).toEqual({
      protocol: '',
      message: { user: 'alice' },
    });
  });

  test('the jwt.<token> subprotocol authenticates and is echoed', async () => {
    const { access_token } = await auth.issueTokens('bob');
    const outcome = await connect(['chat.v1', `jwt.${access_token}`]);
    expect(outcome).toEqual({ protocol: `jwt.${access_token}`, message: { user: 'bob' } });
  });

  test('no token, a malformed header and a refresh token are refused', async () => {
    expect(await connect([])).toEqual({ status: 401, errorCode: 'TOKEN_MISSING' });
    const { access_token, refresh_token } = await auth.issueTokens('carol');
    expect(await connect([`jwt.${access_token}`], { authorization: `Token ${access_token}` })).toEqual({
      status: 401,
      errorCode: 'TOKEN_MISSING',
    });
    expect(await connect([`jwt.${refresh_token}`])).toEqual({ status: 401, errorCode: 'TOKEN_WRONG_TYPE' });
  });
});
