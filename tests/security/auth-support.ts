// Shared by the auth attack tests (tests/security/auth-*.test.ts): the claims the auth service signs, and requests
// from another interface. (The verdict a verifier gives a token is tests/support/auth.ts.)
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import type { AuthService } from '../../src/auth';
import { nowS } from '../support/auth';

/** Access claims the auth service would sign, with `overrides`. */
export function accessClaims(
  auth: AuthService,
  sub: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = nowS();
  return {
    sub,
    iss: auth.issuer,
    aud: auth.audience,
    iat: now,
    exp: now + 300,
    token_type: 'access',
    permissions: ['chat'],
    ...overrides,
  };
}

/** This machine's first non-loopback IPv4 address: a request from it is not from loopback. */
export function externalAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
  if (!found) throw new Error('this test needs a non-loopback IPv4 interface');
  return found.address;
}

/** `POST /auth/token {"sub":"alice"}` to host:port, sent from the local address `from` (default: host). */
export function postDevToken(
  host: string,
  port: number,
  from: string = host,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host,
        port,
        localAddress: from,
        method: 'POST',
        path: '/auth/token',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ sub: 'alice' }));
  });
}
