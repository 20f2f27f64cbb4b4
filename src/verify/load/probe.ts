import WebSocket from 'ws';
import { fetchDevToken } from '../auth';
import { LoadError } from './errors';

/**
 * Before any load: one development token and one connection up to `connection_established`, so that a wrong URL or
 * a provider that is not running fails in seconds (LoadError TARGET_UNAVAILABLE, exit 2) instead of after the whole
 * duration.
 *
 * @example
 * await probeTarget('ws://127.0.0.1:8000/ws', 'http://127.0.0.1:8001', 'load-probe');
 */
export async function probeTarget(wsUrl: string, authUrl: string, user: string, timeoutMs = 10_000): Promise<void> {
  let token: string;
  try {
    token = (await fetchDevToken(authUrl, user, { timeoutMs })).access_token;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'AUTH_FAILED';
    throw new LoadError(
      'TARGET_UNAVAILABLE',
      `cannot get a development token from ${authUrl} (${code}: ${(err as Error).message}); is 'netra-contracts serve' running?`,
      {
        cause: err,
      },
    );
  }
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(wsUrl, {
      headers: { Authorization: `Bearer ${token}` },
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
    });
    const fail = (why: string): void => {
      clearTimeout(timer);
      ws.terminate();
      reject(new LoadError('TARGET_UNAVAILABLE', `cannot open a connection to ${wsUrl}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no connection_established within ${timeoutMs} ms`), timeoutMs);
    ws.once('message', (data: Buffer) => {
      const text = data.toString();
      if (!text.includes('"connection_established"'))
        return fail(`the first frame was not connection_established: ${text.slice(0, 200)}`);
      clearTimeout(timer);
      ws.once('close', () => resolve());
      ws.close(1000, 'probe');
    });
    ws.once('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode ?? '?'} to the upgrade`));
    ws.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}
