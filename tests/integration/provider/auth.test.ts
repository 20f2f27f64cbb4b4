import { base64url, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Stack } from '../../../src/provider';
import {
  afterEachCheck,
  connectAs,
  startTestStack,
  TestClient,
  tokenFor,
  type Msg,
} from '../../support/provider-harness';
import { sleep } from '../../support/util';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterEach(afterEachCheck);
afterAll(async () => {
  await stack.close();
});

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: 'alice',
    iss: stack.auth.issuer,
    aud: stack.auth.audience,
    iat: now,
    exp: now + 600,
    token_type: 'access',
    permissions: ['chat'],
    ...overrides,
  };
}

/** Connects with `token` (header or subprotocol) and collects everything until the server closes. */
async function refusal(opts: {
  token?: string;
  via?: 'header' | 'subprotocol';
  headers?: Record<string, string>;
}): Promise<{
  frames: Msg[];
  code: number;
}> {
  const client = new TestClient(stack.wsUrl, opts);
  await client.opened;
  // Try to slip a message in before the refusal: it must not produce any event.
  client.send({ type: 'start_agent', request_id: 'sneaky', user_request: 'Optimise my AI costs.' });
  const { code } = await client.closed;
  return { frames: client.frames, code };
}

async function expectRefused(opts: Parameters<typeof refusal>[0], errorCode: string): Promise<void> {
  const { frames, code } = await refusal(opts);
  expect(code).toBe(1008);
  expect(frames).toHaveLength(1);
  expect(frames[0]).toMatchObject({ type: 'error_message', error_code: errorCode });
  expect(JSON.stringify(frames[0])).not.toContain(opts.token ?? '<no token>');
}

describe('accepted tokens', () => {
  test('Authorization: Bearer -> connection_established first, with the contract limits', async () => {
    const token = await tokenFor(stack, 'alice');
    const client = await TestClient.connect(stack.wsUrl, { token });
    const first = client.frames[0];
    expect(first).toMatchObject({
      type: 'connection_established',
      user_id: 'alice',
      protocol_version: '1.0',
      heartbeat_interval_ms: 15000,
      max_frame_bytes: 65536,
    });
    const exp = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;
    expect(first.token_expires_at).toBe(new Date(exp * 1000).toISOString());
    expect(String(first.connection_id)).toMatch(/^conn_[A-Za-z0-9_-]{6,64}$/);
  });

  test('subprotocol jwt.<token> is accepted and echoed', async () => {
    const token = await tokenFor(stack, 'alice');
    const client = await TestClient.connect(stack.wsUrl, { token, via: 'subprotocol' });
    expect(client.ws.protocol).toBe(`jwt.${token}`);
    expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'alice' });
  });
});

describe('refused tokens: one error_message, then close 1008, nothing else', () => {
  test('no token at all', async () => {
    await expectRefused({}, 'TOKEN_MISSING');
  });

  test('a refresh token', async () => {
    const { refresh_token } = await stack.auth.issueTokens('alice');
    await expectRefused({ token: refresh_token }, 'TOKEN_WRONG_TYPE');
  });

  test('an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await stack.auth.signForTesting(claims({ iat: now - 120, exp: now - 60 }));
    await expectRefused({ token }, 'TOKEN_EXPIRED');
  });

  test('another audience', async () => {
    const token = await stack.auth.signForTesting(claims({ aud: 'some-other-service' }));
    await expectRefused({ token }, 'TOKEN_INVALID');
  });

  test('another issuer', async () => {
    const token = await stack.auth.signForTesting(claims({ iss: 'evil-auth' }));
    await expectRefused({ token }, 'TOKEN_INVALID');
  });

  test('alg none', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify(claims()));
    await expectRefused({ token: `${header}.${payload}.` }, 'TOKEN_INVALID');
  });

  test('HS256 signed with the public key', async () => {
    const jwks = (await (await fetch(stack.auth.jwksUrl)).json()) as { keys: { kid: string; x: string }[] };
    const publicKey = jwks.keys[0];
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: publicKey.kid })
      .sign(base64url.decode(publicKey.x));
    await expectRefused({ token }, 'TOKEN_INVALID');
  });

  test('a tampered payload', async () => {
    const [header, , signature] = (await tokenFor(stack, 'alice')).split('.');
    const forged = base64url.encode(JSON.stringify(claims({ sub: 'mallory' })));
    await expectRefused({ token: `${header}.${forged}.${signature}` }, 'TOKEN_INVALID');
  });

  test('a token without the chat permission', async () => {
    const { access_token } = await stack.auth.issueTokens('alice', { permissions: ['billing'] });
    await expectRefused({ token: access_token }, 'PERMISSION_DENIED');
  });

  test('a token not valid yet (nbf in the future)', async () => {
    const token = await stack.auth.signForTesting(claims({ nbf: Math.floor(Date.now() / 1000) + 600 }));
    await expectRefused({ token }, 'TOKEN_INVALID');
  });

  test('a token signed by a key the auth service never published', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const jwk = await exportJWK(privateKey);
    expect(jwk.kty).toBe('OKP');
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', kid: 'not-a-real-kid' })
      .sign(privateKey);
    await expectRefused({ token }, 'TOKEN_INVALID');
  });

  test('a malformed Authorization header', async () => {
    await expectRefused({ headers: { Authorization: 'Basic YWxpY2U6c2VjcmV0' } }, 'TOKEN_INVALID');
  });

  test('a refused token offered as subprotocol still gets its error_message (protocol echoed)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await stack.auth.signForTesting(claims({ iat: now - 120, exp: now - 60 }));
    await expectRefused({ token, via: 'subprotocol' }, 'TOKEN_EXPIRED');
  });

  test('a refused socket never sees events of the user named in its forged token', async () => {
    const alice = await connectAs(stack, 'alice');
    const started = await alice.start('alice-run');
    const [header, , signature] = (await tokenFor(stack, 'alice')).split('.');
    const forged = base64url.encode(JSON.stringify(claims({ exp: Math.floor(Date.now() / 1000) + 9999 })));
    const { frames } = await refusal({ token: `${header}.${forged}.${signature}` });
    await alice.waitForTerminal(String(started.run_id));
    await sleep(20);
    expect(frames.map((f) => f.type)).toEqual(['error_message']);
  });
});
