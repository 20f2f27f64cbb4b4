import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import {
  AUTH_CLOSE_CODE,
  createAccessVerifier,
  refusalFrame,
  refuseSocket,
  startAuthService,
  WebSocketHandshake,
  type AccessVerifier,
  type AuthService,
  type HandshakeOutcome,
} from '../../../src/auth';
import { nowS } from '../../support/auth';
import { payloadOf } from './http';

// A real HTTP server upgrading real `ws` connections through the shared handshake layer, as the provider and the
// replay server do: authenticated sockets get {user, until}; refused ones get one error_message and close 1008.
describe('WebSocketHandshake over real handshakes', () => {
  let auth: AuthService;
  let server: Server;
  let wsUrl: string;
  let verify: AccessVerifier;
  const outcomes: HandshakeOutcome[] = [];

  beforeAll(async () => {
    auth = await startAuthService();
    verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    const handshake = new WebSocketHandshake({ verify });
    const wss = new WebSocketServer({ noServer: true, handleProtocols: handshake.handleProtocols });
    server = createServer((_req, res) => res.writeHead(426).end());
    server.on('upgrade', (req, socket, head) => {
      void handshake.authenticate(req).then((outcome) => {
        outcomes.push(outcome);
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (!outcome.ok) return refuseSocket(ws, outcome.error, refusalFrame(outcome.error));
          ws.send(JSON.stringify({ user: outcome.claims.sub, until: outcome.authenticatedUntilMs }));
          ws.close(1000);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await auth.close();
  });

  function connect(protocols: string[], headers: Record<string, string> = {}) {
    return new Promise<{ frames: Record<string, unknown>[]; protocol: string; code: number; reason: string }>(
      (resolve, reject) => {
        const ws = new WebSocket(wsUrl, protocols, { headers });
        const frames: Record<string, unknown>[] = [];
        ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
        ws.on('error', reject);
        ws.on('close', (code, reason) => resolve({ frames, protocol: ws.protocol, code, reason: String(reason) }));
      },
    );
  }

  test("Bearer: authenticated until exp plus the verifier's clock tolerance", async () => {
    const { access_token } = await auth.issueTokens('alice', { ttlS: 60 });
    const result = await connect([], { authorization: `Bearer ${access_token}` });
    expect(result.frames).toEqual([
      { user: 'alice', until: (payloadOf(access_token).exp + verify.clockToleranceS) * 1000 },
    ]);
    expect(result.code).toBe(1000);
  });

  test('jwt.<token>: authenticated, and exactly that entry echoed', async () => {
    const { access_token } = await auth.issueTokens('bob');
    const result = await connect(['chat.v1', `jwt.${access_token}`]);
    expect(result.frames[0]).toMatchObject({ user: 'bob' });
    expect(result.protocol).toBe(`jwt.${access_token}`);
  });

  test.each([
    [
      'Bearer A with jwt.B',
      'conflicting credentials: the Authorization header and the jwt. subprotocol carry different tokens',
    ],
    ['two jwt. entries', 'conflicting credentials: the jwt. subprotocols carry different tokens'],
  ])(
    '%s: one error_message TOKEN_INVALID naming the conflict, close 1008, nobody authenticated',
    async (name, message) => {
      const a = (await auth.issueTokens('alice')).access_token;
      const b = (await auth.issueTokens('mallory')).access_token;
      const before = outcomes.length;
      const result =
        name === 'two jwt. entries'
          ? await connect([`jwt.${a}`, `jwt.${b}`])
          : await connect([`jwt.${b}`], { authorization: `Bearer ${a}` });
      expect(result.frames).toEqual([
        { type: 'error_message', error_code: 'TOKEN_INVALID', error_message: message, timestamp: expect.any(String) },
      ]);
      expect([result.code, result.reason]).toEqual([AUTH_CLOSE_CODE, 'TOKEN_INVALID']);
      expect(outcomes.slice(before)).toEqual([
        { ok: false, error: expect.objectContaining({ code: 'TOKEN_INVALID' }) },
      ]);
    },
  );

  test('no token, a malformed header, an expired token: each refused with its code', async () => {
    const now = nowS();
    const expired = await auth.signForTesting({
      sub: 'carol',
      iss: auth.issuer,
      aud: auth.audience,
      iat: now - 600,
      exp: now - 60,
      token_type: 'access',
      permissions: ['chat'],
    });
    const codes = [];
    for (const [protocols, headers] of [
      [[], {}],
      [[], { authorization: 'Basic abc' }],
      [[`jwt.${expired}`], {}],
    ] as [string[], Record<string, string>][]) {
      const result = await connect(protocols, headers);
      expect(result.code).toBe(1008);
      codes.push(result.frames.map((f) => f.error_code));
    }
    expect(codes).toEqual([['TOKEN_MISSING'], ['TOKEN_INVALID'], ['TOKEN_EXPIRED']]);
  });

  test('a verifier that fails unexpectedly gives AUTH_FAILED, never a rejection', async () => {
    const broken = Object.assign(
      async () => {
        throw new TypeError('boom');
      },
      { clockToleranceS: 5, maxTokenLifetimeS: 60, jwksPolicy: verify.jwksPolicy },
    );
    const handshake = new WebSocketHandshake({ verify: broken });
    const outcome = await handshake.authenticate({ headers: { authorization: 'Bearer abc' } } as never);
    expect(outcome).toEqual({ ok: false, error: expect.objectContaining({ code: 'AUTH_FAILED' }) });
  });
});
