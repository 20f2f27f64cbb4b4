import { isLoopback } from '../util/loopback';
import { ChaosError } from './errors';

/** True for a loopback host (util/loopback); kept under this name for the chaos module's callers. */
export const isLoopbackHost = (host: string): boolean => isLoopback(host);

/** Throws ChaosError NOT_LOOPBACK unless `host` is a loopback host; `role` names it in the message. */
export function assertLoopback(host: string, role: 'listen' | 'upstream'): void {
  if (!isLoopbackHost(host)) {
    throw new ChaosError(
      'NOT_LOOPBACK',
      `${role} host '${host}' is not loopback (allowed: 127.0.0.0/8, ::1, localhost)`,
    );
  }
}

/** Throws ChaosError BAD_ADDRESS unless `port` is an integer in [min, 65535]. */
export function assertPort(port: number, role: 'listen' | 'upstream', min = 0): void {
  if (!Number.isInteger(port) || port < min || port > 65535) {
    throw new ChaosError('BAD_ADDRESS', `${role} port ${String(port)} is not an integer in ${min}..65535`);
  }
}

/**
 * Parses 'host:port' or '[v6]:port' (used by the CLI) into a loopback-checked address.
 *
 * @example
 * parseHostPort('127.0.0.1:9000', 'listen'); // { host: '127.0.0.1', port: 9000 }
 * parseHostPort('[::1]:8000', 'upstream');   // { host: '::1', port: 8000 }
 */
export function parseHostPort(text: string, role: 'listen' | 'upstream'): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  if (!match) throw new ChaosError('BAD_ADDRESS', `${role} address '${text}' is not host:port (IPv6 as [::1]:port)`);
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  assertPort(port, role, role === 'upstream' ? 1 : 0);
  assertLoopback(host, role);
  return { host, port };
}
