import { startFaultProxy, type ChaosEvent, type FaultProxy } from '../../../src/chaos';
import { connectClient, startEchoServer, type Client, type TestServer } from './helpers';

describe('chaos reset toxic', () => {
  let echo: TestServer;
  const proxies: FaultProxy[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    echo = await startEchoServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  });
  afterAll(() => echo.close());

  async function through(toxics: Parameters<typeof startFaultProxy>[0]['toxics'], events: ChaosEvent[] = []) {
    const proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: echo.port,
      toxics,
      seed: 42,
      logger: (event) => events.push(event),
    });
    proxies.push(proxy);
    const client = (await connectClient(proxy.port)).read();
    clients.push(client);
    return { proxy, client };
  }

  it('resets the client with ECONNRESET once afterBytes bytes have passed, not before', async () => {
    const events: ChaosEvent[] = [];
    const { proxy, client } = await through([{ kind: 'reset', stream: 'upstream', afterBytes: 1000 }], events);
    client.socket.write(Buffer.alloc(600, 1));
    await client.waitFor(600); // below the threshold: the echo comes back
    expect(client.errorCode).toBeUndefined();
    client.socket.write(Buffer.alloc(1000, 2));
    await client.waitClosed();
    expect(client.errorCode).toBe('ECONNRESET');
    expect(proxy.stats().bytesUp).toBe(1000); // exactly up to the reset point
    expect(proxy.stats().resets).toBe(1);
    expect(events.filter((event) => event.event === 'reset')).toEqual([
      expect.objectContaining({ conn: 1, toxic: 'reset_upstream' }),
    ]);
    expect(events).toContainEqual(expect.objectContaining({ event: 'close', conn: 1, reason: 'toxic_reset' }));
  });

  it('resets on the first data when no trigger is given', async () => {
    const { proxy, client } = await through([{ kind: 'reset' }]);
    client.socket.write('hello');
    await client.waitClosed();
    expect(client.errorCode).toBe('ECONNRESET');
    expect(client.received.length).toBe(0);
    expect(proxy.stats().bytesDown).toBe(0);
  });

  it('resets with probability 1 and never with probability 0', async () => {
    const never = await through([{ kind: 'reset', probability: 0, stream: 'both' }]);
    never.client.socket.write(Buffer.alloc(3000, 3));
    await never.client.waitFor(3000);
    expect(never.proxy.stats().resets).toBe(0);
    const always = await through([{ kind: 'reset', probability: 1, stream: 'both' }]);
    always.client.socket.write('x');
    await always.client.waitClosed();
    expect(always.client.errorCode).toBe('ECONNRESET');
  });

  it('resets idle connections at a rate (exponential lifetimes from the seed)', async () => {
    const { proxy, client } = await through([{ kind: 'reset', ratePerSecond: 20 }]);
    const second = (await connectClient(proxy.port)).read();
    clients.push(second);
    await Promise.all([client.waitClosed(5000), second.waitClosed(5000)]);
    expect(client.errorCode).toBe('ECONNRESET');
    expect(second.errorCode).toBe('ECONNRESET');
    expect(proxy.stats().resets).toBe(2);
  });

  it('also resets the upstream side', async () => {
    const { proxy, client } = await through([{ kind: 'reset', afterBytes: 0, stream: 'upstream' }]);
    const upstreamErrorsBefore = echo.errors.length;
    client.socket.write('x');
    await client.waitClosed();
    // The echo server's socket was reset too (no graceful FIN).
    for (let i = 0; i < 100 && echo.errors.length === upstreamErrorsBefore; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(echo.errors.slice(upstreamErrorsBefore)).toContain('ECONNRESET');
    expect(proxy.stats().active).toBe(0);
  });
});
