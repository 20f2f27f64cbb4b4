import type { Socket } from 'node:net';
import { startFaultProxy, type ChaosEvent, type FaultProxy } from '../../../src/chaos';
import { freePort, sleep } from '../../support/util';
import { connectClient, startServer, type Client, type TestServer } from './helpers';

describe('chaos proxy transport: half-close, errors, backpressure', () => {
  const proxies: FaultProxy[] = [];
  const clients: Client[] = [];
  const servers: TestServer[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function setup(onConnection: (socket: Socket) => void, allowHalfOpen = false, events: ChaosEvent[] = []) {
    const upstream = await startServer(onConnection, allowHalfOpen);
    servers.push(upstream);
    const proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: upstream.port,
      logger: (event) => events.push(event),
    });
    proxies.push(proxy);
    const client = await connectClient(proxy.port);
    clients.push(client);
    return { upstream, proxy, client };
  }

  it('forwards a half-close: the client ends, the upstream still answers, then ends', async () => {
    const events: ChaosEvent[] = [];
    const { client } = await setup(
      (socket) => {
        const parts: Buffer[] = [];
        socket.on('data', (data: Buffer) => parts.push(data));
        socket.on('end', () => socket.end(`got ${Buffer.concat(parts).toString()}, bye`));
      },
      true,
      events,
    );
    client.read();
    let ended = false;
    client.socket.on('end', () => (ended = true));
    client.socket.end('hello');
    await client.waitClosed();
    expect(client.received.toString()).toBe('got hello, bye');
    expect(ended).toBe(true);
    expect(client.errorCode).toBeUndefined();
    expect(events).toContainEqual(
      expect.objectContaining({ event: 'close', conn: 1, reason: 'closed', bytesUp: 5, bytesDown: 14 }),
    );
  });

  it('propagates an upstream reset to the client', async () => {
    const { client } = await setup((socket) => socket.on('data', () => socket.resetAndDestroy()));
    client.read();
    client.socket.write('boom');
    await client.waitClosed();
    expect(client.errorCode).toBe('ECONNRESET');
  });

  it('propagates a client reset to the upstream', async () => {
    const { upstream, proxy, client } = await setup(() => undefined);
    client.read();
    for (let i = 0; i < 100 && upstream.sockets.size === 0; i += 1) await sleep(10);
    const [upstreamSocket] = upstream.sockets;
    const upstreamClosed = new Promise<void>((resolve) => upstreamSocket.once('close', () => resolve()));
    client.socket.resetAndDestroy();
    await upstreamClosed;
    expect(upstream.errors).toContain('ECONNRESET');
    for (let i = 0; i < 100 && proxy.stats().active > 0; i += 1) await sleep(10);
    expect(proxy.stats().closed.client_error).toBe(1);
  });

  it('resets the client when the upstream is unreachable, and logs why', async () => {
    const events: ChaosEvent[] = [];
    const proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: await freePort(),
      logger: (event) => events.push(event),
    });
    proxies.push(proxy);
    const client = (await connectClient(proxy.port)).read();
    clients.push(client);
    await client.waitClosed();
    expect(client.errorCode).toBe('ECONNRESET');
    expect(proxy.stats().upstreamErrors).toBe(1);
    expect(events).toContainEqual(expect.objectContaining({ event: 'upstream_error', conn: 1, code: 'ECONNREFUSED' }));
    expect(events).toContainEqual(expect.objectContaining({ event: 'close', conn: 1, reason: 'upstream_error' }));
  });

  it('applies backpressure: stops reading the upstream while the client does not read, loses nothing', async () => {
    const total = 48 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024);
    for (let i = 0; i < block.length; i += 1) block[i] = i % 251;
    let written = 0;
    const { proxy, client } = await setup((socket) => {
      const pump = () => {
        while (written < total) {
          written += block.length;
          if (!socket.write(block)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    // The client does not read yet: buffers fill up and the proxy must stop forwarding. "Stopped" is three samples in
    // a row without progress, each taken after the event loop has handled pending I/O (after a stall on a loaded
    // machine a timer fires before the socket reads that were waiting, so one quiet sample proves nothing).
    let previous = -1;
    for (let i = 0, quiet = 0; i < 100 && quiet < 3; i += 1) {
      await sleep(100);
      await new Promise((resolve) => setImmediate(resolve));
      quiet = proxy.stats().bytesDown === previous ? quiet + 1 : 0;
      previous = proxy.stats().bytesDown;
    }
    const stuckAt = proxy.stats().bytesDown;
    expect(stuckAt).toBeLessThan(total);
    expect(written).toBeLessThan(total);
    await sleep(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(proxy.stats().bytesDown).toBe(stuckAt);

    let received = 0;
    let intact = true;
    client.socket.on('data', (data: Buffer) => {
      for (let i = 0; i < data.length && intact; i += 997) intact = data[i] === ((received + i) % 65536) % 251;
      received += data.length;
    });
    await client.waitClosed(30_000);
    expect(received).toBe(total);
    expect(intact).toBe(true);
  }, 60_000);
});
