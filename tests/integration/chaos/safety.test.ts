import { startFaultProxy, type FaultProxy } from '../../../src/chaos';
import { startEchoServer, type TestServer } from './helpers';

describe('chaos proxy refuses anything but loopback', () => {
  let echo: TestServer;
  const proxies: FaultProxy[] = [];

  beforeAll(async () => {
    echo = await startEchoServer();
  });
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await echo.close();
  });

  it.each(['10.0.0.1', '192.168.1.10', '8.8.8.8', 'example.com', '::', '0.0.0.0', '128.0.0.1', '::ffff:10.0.0.1'])(
    'refuses upstream host %s with NOT_LOOPBACK',
    async (host) => {
      await expect(startFaultProxy({ upstreamHost: host, upstreamPort: 80 })).rejects.toMatchObject({
        name: 'ChaosError',
        code: 'NOT_LOOPBACK',
        exitCode: 2,
      });
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.1', 'my-laptop'])('refuses listen host %s with NOT_LOOPBACK', async (host) => {
    await expect(
      startFaultProxy({ listenHost: host, upstreamHost: '127.0.0.1', upstreamPort: echo.port }),
    ).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
  });

  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1'])('accepts listen host %s', async (host) => {
    const proxy = await startFaultProxy({ listenHost: host, upstreamHost: '127.0.0.1', upstreamPort: echo.port });
    proxies.push(proxy);
    expect(proxy.port).toBeGreaterThan(0);
    expect(proxy.url('ws', '/ws')).toBe(`ws://${host.includes(':') ? `[${host}]` : host}:${proxy.port}/ws`);
  });

  it('refuses bad ports and a busy listen port with typed errors', async () => {
    await expect(startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: 0 })).rejects.toMatchObject({
      code: 'BAD_ADDRESS',
    });
    await expect(
      startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: echo.port, listenPort: 70_000 }),
    ).rejects.toMatchObject({ code: 'BAD_ADDRESS' });
    await expect(
      startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: echo.port, listenPort: echo.port }),
    ).rejects.toMatchObject({ code: 'LISTEN_FAILED' });
    await expect(
      startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: echo.port, toxics: [{ kind: 'latency', ms: NaN }] }),
    ).rejects.toMatchObject({ code: 'BAD_TOXIC' });
  });
});
