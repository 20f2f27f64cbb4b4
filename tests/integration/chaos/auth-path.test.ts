import { createAccessVerifier, startAuthService, type AuthService } from '../../../src/auth';
import { fetchDevToken } from '../../../src/verify/auth';
import { startFaultProxy, type FaultProxy } from '../../../src/chaos';

// The proxy between a token consumer (what the provider does) and the real auth service: HTTP through the faults.
describe('chaos proxy between the provider side and the auth service', () => {
  let auth: AuthService;
  let proxy: FaultProxy;
  const warnings: Record<string, unknown>[] = [];

  beforeAll(async () => {
    auth = await startAuthService();
    proxy = await startFaultProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: auth.port,
      seed: 5,
      toxics: [
        { kind: 'latency', ms: 100 },
        { kind: 'slicer', averageSize: 64, sizeVariation: 32, delayMs: 1 },
      ],
      logger: { info: () => undefined, warn: (entry) => warnings.push(entry) },
    });
  });

  afterAll(async () => {
    await proxy.close();
    await auth.close();
  });

  function verifierThroughProxy() {
    return createAccessVerifier({
      jwksUrl: `${proxy.url('http')}/.well-known/jwks.json`,
      issuer: auth.issuer,
      audience: auth.audience,
      timeoutMs: 2_000,
    });
  }

  it('issues and verifies tokens through latency and slicing', async () => {
    const started = performance.now();
    const pair = await fetchDevToken(proxy.url('http'), 'alice');
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    await expect(verifierThroughProxy()(pair.access_token)).resolves.toMatchObject({ sub: 'alice' });
    expect(proxy.stats().bytesDown).toBeGreaterThan(0);
  });

  it('makes the auth service unavailable while cut, and available again after restore', async () => {
    const pair = await auth.issueTokens('bob');
    await proxy.cut();
    await expect(verifierThroughProxy()(pair.access_token)).rejects.toMatchObject({ code: 'AUTH_UNAVAILABLE' });
    await proxy.restore();
    await expect(verifierThroughProxy()(pair.access_token)).resolves.toMatchObject({ sub: 'bob' });
  });

  it('surfaces a reset mid-response as a failed fetch, logged as a warning', async () => {
    proxy.setToxics([{ kind: 'reset', afterBytes: 20 }]);
    await expect(fetchDevToken(proxy.url('http'), 'carol')).rejects.toMatchObject({ name: 'AuthError' });
    expect(warnings).toContainEqual(expect.objectContaining({ event: 'reset', toxic: 'reset_downstream' }));
    proxy.setToxics([]);
  });
});
