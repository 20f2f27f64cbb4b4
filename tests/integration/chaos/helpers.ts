import { connect, createServer, type Server, type Socket } from 'node:net';

/** A real TCP server on 127.0.0.1:0 that tracks its sockets so tests can close everything. */
export interface TestServer {
  port: number;
  sockets: Set<Socket>;
  errors: string[];
  close(): Promise<void>;
}

export async function startServer(onConnection: (socket: Socket) => void, allowHalfOpen = false): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const errors: string[] = [];
  const server: Server = createServer({ allowHalfOpen }, (socket) => {
    sockets.add(socket);
    socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    port: address.port,
    sockets,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echo upstream: writes back whatever it reads, ends when the client ends. */
export function startEchoServer(): Promise<TestServer> {
  return startServer((socket) => socket.pipe(socket));
}

/** Connects a client and waits for the connection; errors are recorded on `client.errorCode`. */
export async function connectClient(port: number): Promise<Client> {
  const socket = connect({ host: '127.0.0.1', port });
  const client = new Client(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return client;
}

/** A client socket that accumulates what it receives and how (data events), and how it ended. */
export class Client {
  received = Buffer.alloc(0);
  dataEvents = 0;
  errorCode: string | undefined;
  readonly closed: Promise<void>;
  private waiters: { bytes: number; resolve: () => void }[] = [];

  constructor(readonly socket: Socket) {
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.errorCode = err.code ?? err.message;
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Starts reading (kept separate so backpressure tests can leave the socket unread). */
  read(): this {
    this.socket.on('data', (data: Buffer) => {
      this.received = Buffer.concat([this.received, data]);
      this.dataEvents += 1;
      this.waiters = this.waiters.filter((waiter) => {
        if (this.received.length < waiter.bytes) return true;
        waiter.resolve();
        return false;
      });
    });
    return this;
  }

  /** Resolves once `bytes` bytes in total have been received; rejects after `timeoutMs`. */
  waitFor(bytes: number, timeoutMs = 10_000): Promise<void> {
    if (this.received.length >= bytes) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`received ${this.received.length} of ${bytes} bytes within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        bytes,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Resolves when the socket closed; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.closed.finally(() => clearTimeout(timer)),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Bytes 0..n-1 as big-endian uint32 sequence numbers: any loss, duplication or reordering shows. */
export function numberedStream(records: number): Buffer {
  const buffer = Buffer.alloc(records * 4);
  for (let i = 0; i < records; i += 1) buffer.writeUInt32BE(i, i * 4);
  return buffer;
}
