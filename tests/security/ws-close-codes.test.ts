// Issue 12, item 9: the `ws` library's own protocol limits must not close with 1008, which asyncapi.yaml reserves for
// authentication and policy. Each is provoked for real over a raw TCP socket, and every close code the provider sent
// must be one the spec documents (x-netra-close-codes, read through src/protocol).
import type { Stack } from '../../src/provider';
import { loadProtocol } from '../../src/protocol';
import { afterEachCheck, connectAs, startTestStack } from '../support/provider-harness';
import { sleep } from '../support/util';
import { frame, OP, rawConnect, type RawClient } from './raw-ws';

let stack: Stack;
const raws: RawClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({ sendBufferBytes: 256 * 1024, slowCloseGraceMs: 30_000 });
});
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
  await afterEachCheck();
});
afterAll(async () => {
  await stack.close();
});

async function rawUser(user: string): Promise<RawClient> {
  const { access_token } = await stack.auth.issueTokens(user);
  const raw = await rawConnect(stack.wsUrl, access_token);
  raws.push(raw);
  return raw;
}

/** The bystander is still served: a fresh connection runs an agent to the end. */
async function bystanderServed(): Promise<void> {
  const bob = await connectAs(stack, 'bob');
  const run = await bob.start(`bystander-${Date.now()}`);
  expect((await bob.waitForTerminal(String(run.run_id))).type).toBe('agent_completed');
}

test('a message in more than 16,384 fragments: closed 1009 (message too big), not 1008', async () => {
  const raw = await rawUser('mallory');
  const parts = [frame(OP.text, Buffer.from('{'), { fin: false })];
  for (let i = 0; i < 16_400; i++) parts.push(frame(OP.continuation, Buffer.alloc(0), { fin: false }));
  raw.socket.write(Buffer.concat(parts));
  await raw.ended;
  expect(raw.closeCode()).toBe(1009);
  expect(loadProtocol().closeCodes.has(1009)).toBe(true);
  await bystanderServed();
});

test('a frame that breaks RFC 6455 (unmasked client frame): closed 1002, a documented code', async () => {
  const raw = await rawUser('mallory');
  raw.socket.write(frame(OP.text, Buffer.from('{"type":"resume"}'), { masked: false }));
  await raw.ended;
  expect(raw.closeCode()).toBe(1002);
  expect(loadProtocol().closeCodes.has(1002)).toBe(true);
  await bystanderServed();
});

test('a client that pings without reading the pongs: closed 1013 (slow consumer), like one that reads nothing', async () => {
  const raw = await rawUser('mallory');
  raw.socket.pause(); // reads nothing: the server's pongs pile up
  const ping = frame(OP.ping, Buffer.alloc(125, 0x61));
  for (let batch = 0; batch < 200 && raw.socket.writable; batch++) {
    raw.socket.write(Buffer.concat(Array.from({ length: 500 }, () => ping)));
    await sleep(5);
    if (stack.provider.stats().slowConsumerCloses > 0) break;
  }
  expect(stack.provider.stats().slowConsumerCloses).toBeGreaterThan(0);
  raw.socket.resume();
  expect(await raw.closed()).toBe(1013);
  await bystanderServed();
}, 60_000);

test('every close code the spec lists is documented with a meaning; 1008 is only policy', () => {
  const codes = loadProtocol().closeCodes;
  for (const code of [1000, 1001, 1002, 1007, 1008, 1009, 1011, 1013]) expect(codes.get(code)).toMatch(/\w/);
  expect(codes.get(1008)).toMatch(/authentication|policy/i);
  expect(codes.get(1008)).not.toMatch(/fragment|ping/i);
});
