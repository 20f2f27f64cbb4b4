import { isIP } from 'node:net';
import { isLoopback as isLoopbackHost } from '../../util/loopback';
import { LoadError } from './errors';

/**
 * Parses a URL and refuses anything whose host is not loopback (127.0.0.0/8, ::1, localhost): the `--url` shorthand
 * stays on this machine (a remote target must be declared with `remote: true` in a targets file). Throws LoadError LOAD_USAGE (not a URL / wrong scheme) or NOT_LOOPBACK.
 *
 * @example
 * assertLoopbackUrl('ws://127.0.0.1:8000/ws', '--url');      // URL
 * assertLoopbackUrl('ws://example.com/ws', '--url');         // throws NOT_LOOPBACK
 */
export function assertLoopbackUrl(raw: string, option: string, schemes: readonly string[] = ['ws:', 'wss:']): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LoadError('LOAD_USAGE', `${option} is not a URL: ${JSON.stringify(raw)}`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new LoadError(
      'LOAD_USAGE',
      `${option} must be ${schemes.map((s) => `${s}//`).join(' or ')}, got ${url.protocol}//`,
    );
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new LoadError(
      'NOT_LOOPBACK',
      `${option} host '${url.hostname}' is not loopback: load traffic only goes to 127.0.0.0/8, ::1 or localhost`,
    );
  }
  return url;
}

/**
 * The auth service next to a WebSocket URL: same host, port 8001 (where `serve` puts it by default).
 *
 * @example
 * defaultAuthUrl(new URL('ws://127.0.0.1:8000/ws')); // 'http://127.0.0.1:8001'
 */
export function defaultAuthUrl(ws: URL): string {
  const host = ws.hostname.includes(':') && !ws.hostname.startsWith('[') ? `[${ws.hostname}]` : ws.hostname;
  return `${ws.protocol === 'wss:' ? 'https' : 'http'}://${host}:8001`;
}

/**
 * Source addresses for client sockets. Linux routes all of 127.0.0.0/8 to `lo`, and each source address has its own
 * ephemeral port range (~28k ports), so spreading connections over 127.0.0.2..127.0.0.254 lifts the ~28k limit of
 * one address pair. Only for IPv4 loopback targets (an IPv6 or named target keeps the default source).
 *
 * @example
 * const next = sourceAddressPool('127.0.0.1');
 * next(); // '127.0.0.2', then '127.0.0.3', ... wrapping after '127.0.0.254'
 */
export function sourceAddressPool(targetHost: string): () => string | undefined {
  if (isIP(targetHost) !== 4 || !targetHost.startsWith('127.')) return () => undefined;
  let next = 0;
  return () => {
    const address = `127.0.0.${2 + (next % 253)}`;
    next++;
    return address;
  };
}
