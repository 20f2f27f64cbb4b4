// The stack tier tests run against: the real auth service and the real provider on 127.0.0.1, optionally with a
// chaos proxy between clients and the provider and/or between the provider and the auth service, and a provider
// that can be stopped and started again on the same port with the same durable event log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAuthService, type AuthService, type AuthServiceOptions } from '../../src/auth';
import { startFaultProxy, type FaultProxy, type Toxic } from '../../src/chaos';
import { startProvider, startStack, type Provider, type ProviderOptions } from '../../src/provider';
import type { ConnectTarget } from './client';

/** Provider options a test may set (the auth wiring is the stack's). */
export type TestProviderOptions = Omit<ProviderOptions, 'host' | 'port' | 'jwksUrl' | 'issuer' | 'audience'>;

/** Latencies that keep a run (~10-16 events) in the low hundreds of milliseconds. */
export const QUICK = { thinkMs: 15, toolMs: 15, jitter: 0.3 } as const;

export interface ProxyOptions {
  toxics?: Toxic[];
  seed?: number;
}

export interface TestStackOptions {
  provider?: TestProviderOptions;
  auth?: Omit<AuthServiceOptions, 'host' | 'port'>;
  /** A chaos proxy in front of the provider: clients connect through it (`stack.wsUrl`). */
  clientProxy?: boolean | ProxyOptions;
  /** A chaos proxy in front of the auth service: the provider fetches its JWKS through it, clients their tokens. */
  authProxy?: boolean | ProxyOptions;
  /** Give the provider a durable event log in a fresh temporary folder (removed by close()). */
  eventLog?: boolean;
}

/** A running test stack; `wsUrl` and `authUrl` are what clients use. */
export interface TestStack extends ConnectTarget {
  auth: AuthService;
  /** The provider running now (replaced by startProvider()). */
  provider: Provider;
  /** The provider's own URL, past any client proxy. */
  readonly providerUrl: string;
  /** The port the provider listens on, kept across restarts. */
  readonly providerPort: number;
  clientProxy?: FaultProxy;
  authProxy?: FaultProxy;
  eventLogFile?: string;
  /** Stops the provider: drain(0), i.e. runs in flight end with agent_error PROVIDER_RESTARTED, sockets close 1001. */
  stopProvider(): Promise<void>;
  /** Starts a provider again on the same port, with the same options and event log. */
  startProvider(overrides?: TestProviderOptions): Promise<Provider>;
  close(): Promise<void>;
}

function proxyOptions(value: boolean | ProxyOptions | undefined): ProxyOptions | undefined {
  if (!value) return undefined;
  return value === true ? {} : value;
}

/**
 * Starts the auth service, the provider and any chaos proxies asked for. Without an auth proxy this is
 * `startStack` itself; with one, the same wiring is done by hand because the provider's `jwksUrl` must name the
 * proxy (startStack always points it at the auth service).
 *
 * @example
 * const stack = await startTestStack({ provider: QUICK, clientProxy: { toxics: [{ kind: 'latency', ms: 20 }] } });
 * const alice = await connectUser(session, stack, 'alice');
 * await stack.close();
 */
export async function startTestStack(opts: TestStackOptions = {}): Promise<TestStack> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // keep tearing down
      }
    }
  };
  try {
    let eventLogFile: string | undefined;
    if (opts.eventLog) {
      const dir = mkdtempSync(path.join(tmpdir(), 'netra-tiers-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      eventLogFile = path.join(dir, 'events.jsonl');
    }
    const providerBase: TestProviderOptions = { ...QUICK, ...opts.provider, ...(eventLogFile ? { eventLogFile } : {}) };
    const authProxyOptions = proxyOptions(opts.authProxy);

    let auth: AuthService;
    let provider: Provider;
    let authProxy: FaultProxy | undefined;
    let jwksUrl: string;
    if (!authProxyOptions) {
      const stack = await startStack({ auth: opts.auth, provider: providerBase });
      auth = stack.auth;
      provider = stack.provider;
      cleanups.push(() => auth.close());
      jwksUrl = auth.jwksUrl;
    } else {
      auth = await startAuthService({ ...opts.auth });
      cleanups.push(() => auth.close());
      authProxy = await startFaultProxy({ upstreamHost: '127.0.0.1', upstreamPort: auth.port, ...authProxyOptions });
      cleanups.push(() => authProxy!.close());
      jwksUrl = authProxy.url('http', '/.well-known/jwks.json');
      provider = await startProvider({ ...providerBase, jwksUrl, issuer: auth.issuer, audience: auth.audience });
    }
    const providerPort = provider.port;
    const providerUrl = provider.url;
    let current: Provider | undefined = provider;
    cleanups.push(() => current?.close());

    const clientProxyOptions = proxyOptions(opts.clientProxy);
    let clientProxy: FaultProxy | undefined;
    if (clientProxyOptions) {
      clientProxy = await startFaultProxy({
        upstreamHost: '127.0.0.1',
        upstreamPort: providerPort,
        ...clientProxyOptions,
      });
      cleanups.push(() => clientProxy!.close());
    }

    const stack: TestStack = {
      auth,
      provider,
      providerUrl,
      providerPort,
      wsUrl: clientProxy ? clientProxy.url('ws', new URL(providerUrl).pathname) : providerUrl,
      // With an auth proxy, clients fetch their tokens through it too: cutting it takes the auth service away from
      // everyone, as an outage would.
      authUrl: authProxy ? authProxy.url('http') : auth.url,
      eventLogFile,
      ...(clientProxy ? { clientProxy } : {}),
      ...(authProxy ? { authProxy } : {}),
      async stopProvider() {
        const running = current;
        current = undefined;
        await running?.close();
      },
      async startProvider(overrides = {}) {
        if (current) throw new Error('the provider is still running; stopProvider() first');
        current = await startProvider({
          ...providerBase,
          ...overrides,
          port: providerPort,
          jwksUrl,
          issuer: auth.issuer,
          audience: auth.audience,
        });
        stack.provider = current;
        return current;
      },
      close: cleanup,
    };
    return stack;
  } catch (err) {
    await cleanup();
    throw err;
  }
}
