import { startFaultProxy, type ChaosEvent, type FaultProxy } from '../../../src/chaos';
import { sleep } from '../../support/util';
import { connectClient, numberedStream, startEchoServer, type Client, type TestServer } from './helpers';

describe('chaos stall toxic', () => {
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
      logger: (event) => events.push(event),
    });
    proxies.push(proxy);
    const client = (await connectClient(proxy.port)).read();
    clients.push(client);
    return { proxy, client };
  }

  it('forwards afterBytes bytes, then holds data for durationMs, then delivers it in order', async () => {
    const events: ChaosEvent[] = [];
    const { proxy, client } = await through([{ kind: 'stall', afterBytes: 100, durationMs: 500 }], events);
    const payload = numberedStream(100); // 400 bytes
    client.socket.write(payload.subarray(0, 100));
    await client.waitFor(100);
    const started = performance.now();
    const resumedAt = firstArrivalPast(client, 100);
    client.socket.write(payload.subarray(100));
    await client.waitFor(payload.length);
    // Nothing while stalled, judged by the clock (a sleep inside the window can itself outlast it on a loaded machine):
    // the first byte past the 100 arrived no earlier than the stall's end.
    expect(resumedAt()).toBeGreaterThanOrEqual(started + 490);
    expect(client.received.equals(payload)).toBe(true);
    expect(proxy.stats().stalls).toBe(1);
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'stall', toxic: 'stall_downstream', direction: 'downstream', durationMs: 500 }),
    );
    // A one-shot stall does not come back: counted, not timed (a loaded machine can take 450 ms to echo 4 bytes).
    client.socket.write('more');
    await client.waitFor(payload.length + 4);
    expect(proxy.stats().stalls).toBe(1);
    expect(events.filter((event) => event.event === 'stall')).toHaveLength(1);
  });

  it('stalls forever with durationMs Infinity until the toxic is removed', async () => {
    const { proxy, client } = await through([{ kind: 'stall', durationMs: Infinity, name: 'freeze' }]);
    client.socket.write('held');
    await sleep(300);
    expect(client.received.length).toBe(0);
    expect(proxy.removeToxic('freeze')).toBe(true);
    await client.waitFor(4);
    expect(client.received.toString()).toBe('held');
  });

  it('stalls periodically: data sent inside [every, every + duration) waits for the window to end', async () => {
    const { client } = await through([{ kind: 'stall', everyMs: 400, durationMs: 300 }]);
    const opened = performance.now(); // the proxy's connection opens a little after this
    client.socket.write('early'); // before the first window: immediate
    await client.waitFor(5);
    await sleep(550 - (performance.now() - opened));
    client.socket.write('late!');
    await client.waitFor(10);
    expect(performance.now() - opened).toBeGreaterThanOrEqual(690);
    expect(client.received.toString()).toBe('earlylate!');
  });

  it('pauses the reader while stalled and delivers everything intact afterwards (backpressure)', async () => {
    const { proxy, client } = await through([{ kind: 'stall', durationMs: 600 }]);
    const payload = numberedStream(256 * 1024); // 1 MiB
    const started = performance.now();
    const resumedAt = firstArrivalPast(client, 0);
    client.socket.write(payload);
    await client.waitFor(payload.length);
    // Nothing forwarded while stalled, judged by the clock rather than by a sleep that may outlast the stall.
    expect(resumedAt()).toBeGreaterThanOrEqual(started + 590);
    expect(proxy.stats().bytesDown).toBe(payload.length);
    expect(client.received.equals(payload)).toBe(true);
  });
});

/** Returns a reader of the moment `client` first held more than `bytes` bytes (0 while it has not). */
function firstArrivalPast(client: Client, bytes: number): () => number {
  let at = 0;
  client.socket.on('data', () => {
    if (at === 0 && client.received.length > bytes) at = performance.now();
  });
  return () => at;
}
