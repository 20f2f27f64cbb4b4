import { startFaultProxy, type FaultProxy } from '../../../src/chaos';
import { connectClient, numberedStream, startEchoServer, type Client, type TestServer } from './helpers';

describe('chaos bandwidth toxic', () => {
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

  it('limits throughput: 16 KiB at 16 KiB/s takes about a second, and arrives intact', async () => {
    const proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: echo.port,
      toxics: [{ kind: 'bandwidth', bytesPerSecond: 16 * 1024 }],
    });
    proxies.push(proxy);
    const client = (await connectClient(proxy.port)).read();
    clients.push(client);
    const payload = numberedStream(4096);
    const started = performance.now();
    client.socket.write(payload);
    await client.waitFor(payload.length);
    // Pieces of 1/20 s each pause after being sent, so the last piece's pause is not in the measurement: >= 0.95 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(client.received.equals(payload)).toBe(true);
    expect(proxy.stats().bytesDown).toBe(payload.length);
  });

  it('leaves the other direction alone', async () => {
    const proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: echo.port,
      toxics: [{ kind: 'bandwidth', bytesPerSecond: 16 * 1024, stream: 'upstream' }],
    });
    proxies.push(proxy);
    const client = (await connectClient(proxy.port)).read();
    clients.push(client);
    const payload = numberedStream(2048); // 8 KiB up at 16 KiB/s: >= 0.45 s
    const started = performance.now();
    client.socket.write(payload);
    await client.waitFor(payload.length);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
    expect(client.received.equals(payload)).toBe(true);
    expect(proxy.stats().bytesUp).toBe(payload.length);
  });
});
