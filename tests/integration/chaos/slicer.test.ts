import { startFaultProxy, type FaultProxy } from '../../../src/chaos';
import { connectClient, numberedStream, startEchoServer, startServer, type Client, type TestServer } from './helpers';

describe('chaos slicer toxic', () => {
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

  async function echoThrough(toxics: Parameters<typeof startFaultProxy>[0]['toxics'], payload: Buffer) {
    const proxy = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: echo.port, toxics, seed: 3 });
    proxies.push(proxy);
    const client = (await connectClient(proxy.port)).read();
    clients.push(client);
    client.socket.setNoDelay(true);
    client.socket.write(payload);
    await client.waitFor(payload.length);
    return client;
  }

  it('delivers the same bytes in many small segments', async () => {
    const payload = numberedStream(512); // 2 KiB: about 128 slices of 8..24 bytes
    const sliced = await echoThrough([{ kind: 'slicer', averageSize: 16, sizeVariation: 8, delayMs: 1 }], payload);
    expect(sliced.received.equals(payload)).toBe(true);
    // Some slices may still be read together under load; a quarter of them as separate reads is plenty of evidence.
    expect(sliced.dataEvents).toBeGreaterThanOrEqual(32);
    const plain = await echoThrough([], payload);
    expect(plain.received.equals(payload)).toBe(true);
    expect(sliced.dataEvents).toBeGreaterThan(plain.dataEvents);
  });

  it('slices the upstream direction too', async () => {
    const upstreamReads: number[] = [];
    let upstreamBytes = 0;
    const counter = await startServer((socket) => {
      socket.on('data', (data: Buffer) => {
        upstreamReads.push(data.length);
        upstreamBytes += data.length;
        if (upstreamBytes >= 1024) socket.end('done');
      });
    });
    try {
      const proxy = await startFaultProxy({
        upstreamHost: '127.0.0.1',
        upstreamPort: counter.port,
        toxics: [{ kind: 'slicer', averageSize: 8, delayMs: 2, stream: 'upstream' }],
      });
      proxies.push(proxy);
      const client = (await connectClient(proxy.port)).read();
      clients.push(client);
      client.socket.write(numberedStream(256));
      await client.waitFor(4); // 'done' comes back once the upstream has all 1 KiB
      expect(upstreamBytes).toBe(1024);
      expect(upstreamReads.length).toBeGreaterThanOrEqual(16);
    } finally {
      await counter.close();
    }
  });
});
