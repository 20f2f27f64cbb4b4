import { createServer, type Server, type Socket } from 'node:net';
import { assertLoopback, assertPort } from './address';
import { ChaosError } from './errors';
import type { ChaosEvent, ChaosLogger, CloseReason } from './events';
import { Link, type LinkContext } from './link/connection';
import { resolveToxics, type ResolvedToxic, type Toxic } from './toxics';

export interface FaultProxyOptions {
  /** Loopback only. Default '127.0.0.1'. */
  listenHost?: string;
  /** Default 0 (an ephemeral port; read it back from `proxy.port`). */
  listenPort?: number;
  /** Loopback only. */
  upstreamHost: string;
  upstreamPort: number;
  toxics?: Toxic[];
  /** Seed of every random choice (jitter, slice sizes, reset draws). Default: random, reported by stats(). */
  seed?: number;
  logger?: ChaosLogger;
}

export interface FaultProxyStats {
  /** Connections accepted since start. */
  connections: number;
  /** Connections open now. */
  active: number;
  /** Bytes forwarded client -> upstream. */
  bytesUp: number;
  /** Bytes forwarded upstream -> client. */
  bytesDown: number;
  /** Connections ended by a reset toxic. */
  resets: number;
  /** Stalls started. */
  stalls: number;
  /** Connections ended because the upstream was unreachable or failed. */
  upstreamErrors: number;
  /** Connections ended by each reason. */
  closed: Record<CloseReason, number>;
  enabled: boolean;
  cut: boolean;
  seed: number;
  toxics: ResolvedToxic[];
}

/** A running fault-injection proxy; see {@link startFaultProxy}. */
export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** `scheme://host:port path`, e.g. proxy.url('ws', '/ws'). Default scheme 'tcp'. */
  url(scheme?: string, path?: string): string;
  /** The current toxics, validated, with defaults filled in. */
  readonly toxics: readonly ResolvedToxic[];
  /** Replaces all toxics; live connections switch at once. Throws BAD_TOXIC and keeps the old list on bad input. */
  setToxics(toxics: Toxic[]): void;
  addToxic(toxic: Toxic): void;
  /** Returns false when no toxic has that name. */
  removeToxic(name: string): boolean;
  /** false = plain pass-through (toxics kept but not applied). */
  enabled: boolean;
  /** Stops listening (new connections are refused) and resets every open connection. */
  cut(): Promise<void>;
  /** Listens again on the same host and port after cut(). Throws LISTEN_FAILED if the port was taken meanwhile. */
  restore(): Promise<void>;
  stats(): FaultProxyStats;
  /** Destroys every open connection, stops listening, releases every timer. Idempotent. */
  close(): Promise<void>;
}

class FaultProxyServer implements FaultProxy {
  readonly host: string;
  port = 0;
  private server: Server | undefined;
  private readonly closing: Promise<void>[] = [];
  private readonly links = new Set<Link>();
  private readonly startedAt = performance.now();
  private readonly context: LinkContext;
  private current: ResolvedToxic[];
  private isEnabled = true;
  private isCut = false;
  private isClosed = false;
  private nextId = 1;
  private readonly counters = { connections: 0, bytesUp: 0, bytesDown: 0, resets: 0, stalls: 0, upstreamErrors: 0 };
  private readonly closed: Record<CloseReason, number> = {
    closed: 0,
    toxic_reset: 0,
    client_error: 0,
    upstream_error: 0,
    cut: 0,
    proxy_closed: 0,
  };

  constructor(
    private readonly options: FaultProxyOptions & { listenHost: string; seed: number },
    toxics: ResolvedToxic[],
  ) {
    this.host = options.listenHost;
    this.current = toxics;
    this.context = {
      upstreamHost: options.upstreamHost,
      upstreamPort: options.upstreamPort,
      seed: options.seed,
      toxics: () => (this.isEnabled ? this.current : []),
      emit: (event) => this.emit(event),
      onForwarded: (direction, bytes) => {
        if (direction === 'upstream') this.counters.bytesUp += bytes;
        else this.counters.bytesDown += bytes;
      },
      onClosed: (link, reason) => {
        this.links.delete(link);
        this.closed[reason] += 1;
      },
    };
  }

  get toxics(): readonly ResolvedToxic[] {
    return this.current;
  }

  get enabled(): boolean {
    return this.isEnabled;
  }

  set enabled(value: boolean) {
    this.isEnabled = Boolean(value);
    this.refreshLinks();
  }

  url(scheme = 'tcp', path = ''): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${scheme}://${host}:${this.port}${path}`;
  }

  setToxics(toxics: Toxic[]): void {
    this.current = resolveToxics(toxics);
    this.refreshLinks();
  }

  addToxic(toxic: Toxic): void {
    this.setToxics([...this.current, toxic]);
  }

  removeToxic(name: string): boolean {
    const kept = this.current.filter((toxic) => toxic.name !== name);
    if (kept.length === this.current.length) return false;
    this.current = kept;
    this.refreshLinks();
    return true;
  }

  async listen(port: number): Promise<void> {
    if (this.isClosed) throw new ChaosError('PROXY_CLOSED', 'the fault proxy is closed');
    // Accept paused: nothing is read from a client before its upstream connection exists.
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, this.accept);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new ChaosError('LISTEN_FAILED', `cannot listen on ${this.host}:${port}: ${err.code ?? err.message}`, {
            cause: err,
          }),
        ),
      );
      server.listen(port, this.host, () => resolve());
    });
    server.on('error', () => undefined); // after listening, errors surface per connection
    this.server = server;
    const address = server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : port;
    if (!this.isCut) {
      const upstream = `${this.options.upstreamHost}:${this.options.upstreamPort}`;
      this.emit({ event: 'listening', host: this.host, port: this.port, upstream });
    }
  }

  async cut(): Promise<void> {
    if (this.isClosed) throw new ChaosError('PROXY_CLOSED', 'the fault proxy is closed');
    if (this.isCut) return;
    this.isCut = true;
    this.emit({ event: 'cut', connections: this.links.size });
    this.stopListening();
    for (const link of [...this.links]) link.abort('cut', 'both');
  }

  async restore(): Promise<void> {
    if (this.isClosed) throw new ChaosError('PROXY_CLOSED', 'the fault proxy is closed');
    if (!this.isCut) return;
    await this.listen(this.port);
    this.isCut = false;
    this.emit({ event: 'restore' });
  }

  stats(): FaultProxyStats {
    return {
      ...this.counters,
      active: this.links.size,
      closed: { ...this.closed },
      enabled: this.isEnabled,
      cut: this.isCut,
      seed: this.options.seed,
      toxics: [...this.current],
    };
  }

  async close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.stopListening();
      for (const link of [...this.links]) link.abort('proxy_closed', 'none');
    }
    await Promise.all(this.closing);
  }

  private readonly accept = (client: Socket): void => {
    if (this.isClosed || this.isCut) {
      client.destroy();
      return;
    }
    this.counters.connections += 1;
    this.links.add(new Link(this.nextId++, client, this.context));
  };

  private stopListening(): void {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // close() resolves once the listener and every connection it accepted are gone; links are destroyed by callers.
    this.closing.push(new Promise((resolve) => server.close(() => resolve())));
  }

  private refreshLinks(): void {
    for (const link of this.links) link.refresh();
  }

  private emit(event: ChaosEventWithoutTime): void {
    if (event.event === 'reset') this.counters.resets += 1;
    if (event.event === 'stall') this.counters.stalls += 1;
    if (event.event === 'upstream_error') this.counters.upstreamErrors += 1;
    const logger = this.options.logger;
    if (!logger) return;
    const { event: name, ...fields } = event;
    const entry = { event: name, t: Math.round(performance.now() - this.startedAt), ...fields } as ChaosEvent;
    try {
      if (typeof logger === 'function') logger(entry);
      else if (name === 'reset' || name === 'upstream_error') logger.warn(entry);
      else logger.info(entry);
    } catch {
      // A failing logger must not take the proxy (and every connection through it) down.
    }
  }
}

type ChaosEventWithoutTime = ChaosEvent extends infer E ? (E extends unknown ? Omit<E, 't'> : never) : never;

/**
 * Starts a TCP fault-injection proxy (a small Toxiproxy) between loopback clients and a loopback upstream.
 * Both hosts must be in 127.0.0.0/8, '::1' or 'localhost' (ChaosError NOT_LOOPBACK otherwise); bad toxics throw
 * BAD_TOXIC; a busy port throws LISTEN_FAILED.
 *
 * @example
 * const proxy = await startFaultProxy({
 *   upstreamHost: '127.0.0.1',
 *   upstreamPort: provider.port,
 *   toxics: [{ kind: 'latency', ms: 100, jitterMs: 20, stream: 'both' }],
 *   seed: 7,
 * });
 * const ws = new WebSocket(proxy.url('ws', '/ws'));
 * proxy.setToxics([{ kind: 'reset', afterBytes: 1024 }]);
 * await proxy.close();
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const listenHost = options.listenHost ?? '127.0.0.1';
  const listenPort = options.listenPort ?? 0;
  assertLoopback(listenHost, 'listen');
  assertLoopback(String(options.upstreamHost), 'upstream');
  assertPort(listenPort, 'listen');
  assertPort(options.upstreamPort, 'upstream', 1);
  const toxics = resolveToxics(options.toxics ?? []);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed)) throw new ChaosError('BAD_OPTION', `seed ${String(seed)} is not an integer`);
  const proxy = new FaultProxyServer({ ...options, listenHost, seed }, toxics);
  await proxy.listen(listenPort);
  return proxy;
}
