import { startFaultProxy, type FaultProxy } from '../../../src/chaos';
import { sleep } from '../../support/util';
import { connectClient, numberedStream, startEchoServer, type Client, type TestServer } from './helpers';

describe('chaos latency toxic', () => {
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

  async function through(toxics: Parameters<typeof startFaultProxy>[0]['toxics']): Promise<Client> {
    const proxy = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: echo.port, toxics, seed: 1 });
    proxies.push(proxy);
    const client = (await connectClient(proxy.port)).read();
    clients.push(client);
    return client;
  }

  async function roundTripMs(client: Client, bytes: number): Promise<number> {
    const started = performance.now();
    const expected = client.received.length + bytes;
    client.socket.write(Buffer.alloc(bytes, 7));
    await client.waitFor(expected);
    return performance.now() - started;
  }

  it('delays each round trip by at least the downstream latency', async () => {
    const client = await through([{ kind: 'latency', ms: 150 }]);
    expect(await roundTripMs(client, 10)).toBeGreaterThanOrEqual(145);
    expect(await roundTripMs(client, 10)).toBeGreaterThanOrEqual(145);
  });

  it("adds the latency in both directions with stream 'both'", async () => {
    const client = await through([{ kind: 'latency', ms: 100, stream: 'both' }]);
    expect(await roundTripMs(client, 10)).toBeGreaterThanOrEqual(195);
  });

  it('delays from arrival, not cumulatively: a burst takes about one latency, not one per chunk', async () => {
    const client = await through([{ kind: 'latency', ms: 200 }]);
    const started = performance.now();
    for (let i = 0; i < 5; i += 1) {
      client.socket.write(Buffer.alloc(10, i));
      await sleep(5);
    }
    await client.waitFor(50);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(195);
    // Five sequential 200 ms delays would need >= 1000 ms; this bound leaves 700 ms of slack for a loaded machine.
    expect(elapsed).toBeLessThan(900);
  });

  it('never reorders bytes, however large the jitter', async () => {
    const client = await through([{ kind: 'latency', ms: 20, jitterMs: 20, stream: 'both' }]);
    const records = 300;
    const stream = numberedStream(records);
    // Separate writes spaced in time become separate chunks, each with its own jitter draw.
    for (let i = 0; i < records; i += 10) {
      client.socket.write(stream.subarray(i * 4, (i + 10) * 4));
      await sleep(1);
    }
    await client.waitFor(stream.length);
    expect(client.received.equals(stream)).toBe(true);
  });
});
