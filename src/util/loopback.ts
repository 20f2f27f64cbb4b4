import { isIP } from 'node:net';

/**
 * True for an address or host name of this machine's loopback interface: 127.0.0.0/8, ::1, an IPv4-mapped
 * 127.x address, or `localhost` (no DNS lookup: any other name is not loopback). The one check used for peer
 * addresses, the interfaces services bind, and the hosts load and chaos traffic may go to.
 *
 * @example
 * isLoopback(req.socket.remoteAddress); // '::ffff:127.0.0.1' -> true, '192.0.2.7' -> false
 */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const lower = bare.toLowerCase();
  if (lower === 'localhost') return true;
  const family = isIP(lower);
  if (family === 4) return lower.startsWith('127.');
  if (family !== 6) return false;
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped !== null && mapped[1].startsWith('127.');
}
