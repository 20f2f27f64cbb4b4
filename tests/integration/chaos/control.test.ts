import { startFaultProxy, ChaosError, type ChaosEvent, type FaultProxy } from '../../../src/chaos';
import { sleep } from '../../support/util';
import { connectClient, startEchoServer, type Client, type TestServer } from './helpers';

describe('chaos proxy control: runtime toxics, enable, cut/restore, close', () => {
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

  async function start(events: ChaosEvent[] = []): Promise<FaultProxy> {
    const proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: echo.port,
      logger: (event) => events.push(event),
    });
    proxies.push(proxy);
    return proxy;
  }

  async function client(proxy: FaultProxy): Promise<Client> {
    const connected = (await connectClient(proxy.port)).read();
    clients.push(connected);
    return connected;
  }

  async function roundTripMs(connected: Client): Promise<number> {
    const started = performance.now();
    const expected = connected.received.length + 4;
    connected.socket.write('ping');
    await connected.waitFor(expected);
    return performance.now() - started;
  }

  it('applies setToxics to a live connection at once', async () => {
    const proxy = await start();
    const connected = await client(proxy);
    await roundTripMs(connected);
    proxy.setToxics([{ kind: 'latency', ms: 200 }]);
    expect(await roundTripMs(connected)).toBeGreaterThanOrEqual(195);
    proxy.addToxic({ kind: 'latency', ms: 100, stream: 'upstream' });
    expect(proxy.toxics.map((toxic) => toxic.name)).toEqual(['latency_downstream', 'latency_upstream']);
    expect(await roundTripMs(connected)).toBeGreaterThanOrEqual(295);
  });

  it('releases held data when a stall is replaced at runtime, and when the proxy is disabled', async () => {
    const proxy = await start();
    const connected = await client(proxy);
    proxy.setToxics([{ kind: 'stall', durationMs: Infinity }]);
    connected.socket.write('one');
    await sleep(200);
    expect(connected.received.length).toBe(0);
    proxy.setToxics([]);
    await connected.waitFor(3);

    proxy.addToxic({ kind: 'stall', durationMs: Infinity, stream: 'both', name: 'freeze' });
    connected.socket.write('two');
    await sleep(200);
    expect(connected.received.toString()).toBe('one');
    proxy.enabled = false; // plain pass-through, toxics kept
    await connected.waitFor(6);
    expect(connected.received.toString()).toBe('onetwo');
    expect(proxy.toxics).toHaveLength(1);
    expect(proxy.stats().enabled).toBe(false);
  });

  it('rejects a bad toxic list and keeps the old one', async () => {
    const proxy = await start();
    proxy.setToxics([{ kind: 'latency', ms: 10 }]);
    expect(() => proxy.setToxics([{ kind: 'latency', ms: -1 }])).toThrow(ChaosError);
    expect(() => proxy.addToxic({ kind: 'latency', ms: 20 })).toThrow(/duplicate name/);
    expect(proxy.toxics).toEqual([
      { kind: 'latency', name: 'latency_downstream', stream: 'downstream', ms: 10, jitterMs: 0 },
    ]);
    expect(proxy.removeToxic('nope')).toBe(false);
    expect(proxy.removeToxic('latency_downstream')).toBe(true);
    expect(proxy.toxics).toEqual([]);
  });

  it('cut() resets open connections and refuses new ones; restore() listens again on the same port', async () => {
    const events: ChaosEvent[] = [];
    const proxy = await start(events);
    const port = proxy.port;
    const open = await client(proxy);
    await roundTripMs(open);
    await proxy.cut();
    await open.waitClosed();
    expect(open.errorCode).toBe('ECONNRESET');
    await expect(connectClient(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(proxy.stats()).toMatchObject({ cut: true, active: 0 });

    await proxy.restore();
    expect(proxy.port).toBe(port);
    const again = await client(proxy);
    await roundTripMs(again);
    expect(again.received.toString()).toBe('ping');
    expect(events.map((event) => event.event)).toEqual(
      expect.arrayContaining(['listening', 'open', 'cut', 'close', 'restore']),
    );
    expect(events).toContainEqual(expect.objectContaining({ event: 'close', conn: 1, reason: 'cut' }));
  });

  it('close() destroys active connections and stops listening; it is idempotent', async () => {
    const proxy = await start();
    const first = await client(proxy);
    const second = await client(proxy);
    await roundTripMs(first);
    proxy.setToxics([
      { kind: 'stall', durationMs: Infinity },
      { kind: 'latency', ms: 60_000, stream: 'upstream' },
    ]);
    second.socket.write('pending');
    await proxy.close();
    await Promise.all([first.waitClosed(), second.waitClosed()]);
    expect(proxy.stats()).toMatchObject({ active: 0, connections: 2 });
    expect(proxy.stats().closed.proxy_closed).toBe(2);
    await expect(connectClient(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await proxy.close();
    await expect(proxy.cut()).rejects.toMatchObject({ code: 'PROXY_CLOSED' });
  });

  it('counts connections and bytes in stats()', async () => {
    const proxy = await start();
    const connected = await client(proxy);
    await roundTripMs(connected);
    await roundTripMs(connected);
    connected.socket.end();
    await connected.waitClosed();
    for (let i = 0; i < 100 && proxy.stats().active > 0; i += 1) await sleep(10);
    expect(proxy.stats()).toMatchObject({ connections: 1, active: 0, bytesUp: 8, bytesDown: 8, resets: 0 });
    expect(proxy.stats().closed.closed).toBe(1);
  });
});
