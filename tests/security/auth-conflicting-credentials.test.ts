// Attack: a handshake with `Authorization: Bearer <A>` and the subprotocol `jwt.<B>` was authenticated as A while the
// server echoed B (a proxy or log that trusts the echoed protocol sees another user). Conflicting credentials are now
// refused in the shared handshake layer: one error_message TOKEN_INVALID, close 1008, nobody authenticated. (An offered
// jwt. entry is still echoed on the refusal, or browsers and `ws` would fail the handshake without reading why.)
import WebSocket from 'ws';
import { startStack, type Stack } from '../../src/provider';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

interface Outcome {
  frames: Record<string, unknown>[];
  protocol: string;
  close: { code: number; reason: string };
}

function connect(headers: Record<string, string>, protocols: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(stack.wsUrl, protocols, { headers });
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)) as Record<string, unknown>);
      if (frames[0]?.type === 'connection_established') ws.close(1000);
    });
    ws.on('error', reject);
    ws.on('close', (code, reason) =>
      resolve({ frames, protocol: ws.protocol, close: { code, reason: reason.toString() } }),
    );
  });
}

test('Bearer <alice> with jwt.<mallory>: refused TOKEN_INVALID, close 1008, neither authenticated', async () => {
  const alice = (await stack.auth.issueTokens('alice')).access_token;
  const mallory = (await stack.auth.issueTokens('mallory')).access_token;
  const outcome = await connect({ authorization: `Bearer ${alice}` }, [`jwt.${mallory}`]);
  expect(outcome.frames).toEqual([expect.objectContaining({ type: 'error_message', error_code: 'TOKEN_INVALID' })]);
  expect(outcome.close.code).toBe(1008);
  expect(outcome.frames.some((frame) => frame.type === 'connection_established')).toBe(false);
});

test('two different jwt.<token> subprotocols: refused the same way', async () => {
  const alice = (await stack.auth.issueTokens('alice')).access_token;
  const bob = (await stack.auth.issueTokens('bob')).access_token;
  const outcome = await connect({}, [`jwt.${alice}`, `jwt.${bob}`]);
  expect(outcome.frames).toEqual([expect.objectContaining({ type: 'error_message', error_code: 'TOKEN_INVALID' })]);
  expect(outcome.close.code).toBe(1008);
});

test('the same token both ways is not a conflict: accepted, and the subprotocol echoed', async () => {
  const alice = (await stack.auth.issueTokens('alice')).access_token;
  const outcome = await connect({ authorization: `Bearer ${alice}` }, [`jwt.${alice}`]);
  expect(outcome.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'alice' });
  expect(outcome.protocol).toBe(`jwt.${alice}`);
});
