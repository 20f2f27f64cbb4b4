import { WebSocket, WebSocketServer } from 'ws';
import { startFaultProxy, type FaultProxy } from '../../../src/chaos';

describe('chaos proxy under a real WebSocket', () => {
  let server: WebSocketServer;
  let proxy: FaultProxy;
  let client: WebSocket;
  let serverReads = 0;

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (socket, request) => {
      // Counts TCP reads beside ws's own listener: evidence that frames arrive in slices.
      request.socket.on('data', () => (serverReads += 1));
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: address.port,
      seed: 11,
      toxics: [
        { kind: 'latency', ms: 20, jitterMs: 15, stream: 'both' },
        { kind: 'slicer', averageSize: 16, sizeVariation: 8, delayMs: 0.5, stream: 'both' },
      ],
    });
  });

  afterAll(async () => {
    client?.terminate();
    await proxy?.close();
    for (const socket of server?.clients ?? []) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers every message intact and in order through latency + slicer', async () => {
    client = new WebSocket(proxy.url('ws', '/ws'));
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => resolve());
      client.once('error', reject);
    });
    const count = 40;
    const sent = Array.from({ length: count }, (_, seq) => ({
      type: 'start_agent',
      seq,
      payload: { user_request: `optimise workload ${seq} `.repeat(1 + (seq % 7)), unicode: 'ünïcødé ✓' },
    }));
    const received: unknown[] = [];
    const allReceived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count}`)), 30_000);
      client.on('message', (data) => {
        received.push(JSON.parse(data.toString()));
        if (received.length === count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    for (const message of sent) client.send(JSON.stringify(message));
    await allReceived;
    expect(received).toEqual(sent);
    // The frames really went through the slicer: the server read them in many more pieces than messages.
    expect(serverReads).toBeGreaterThan(count * 2);
    const stats = proxy.stats();
    expect(stats.bytesUp).toBeGreaterThan(stats.bytesDown); // client frames are masked: 4 extra bytes each
  }, 40_000);
});
