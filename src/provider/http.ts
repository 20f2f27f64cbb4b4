import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { loadProtocol } from '../protocol';
import { ProviderError } from './errors';

/**
 * The provider's HTTP server: `GET /healthz` (200 ok, 503 while draining), 426 on the WebSocket path without an
 * upgrade, 404 elsewhere; upgrades go to `onUpgrade`. Resolves once listening; PROVIDER_LISTEN_FAILED otherwise.
 */
export async function listenHttp(opts: {
  host: string;
  port: number;
  draining: () => boolean;
  onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  onError: (err: Error) => void;
}): Promise<Server> {
  const address = loadProtocol().address;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && req.method === 'GET') {
      res.writeHead(opts.draining() ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: opts.draining() ? 'draining' : 'ok' }));
      return;
    }
    res.writeHead(path === address ? 426 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: path === address ? 'use a WebSocket upgrade' : 'not found' }));
  };
  const server = createServer(onRequest);
  server.on('upgrade', opts.onUpgrade);
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code ?? err.message;
      reject(
        new ProviderError('PROVIDER_LISTEN_FAILED', `cannot listen on ${opts.host}:${opts.port}: ${why}`, {
          cause: err,
        }),
      );
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', opts.onError);
  return server;
}
