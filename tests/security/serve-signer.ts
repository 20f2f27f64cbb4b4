// The signing key of a `serve` child process, held by the test too: serve starts with --signing-key-file, so the test
// can sign tokens that are validly signed but hostile (times beyond the Date range, ten-year lifetimes, payloads that
// are not UTF-8), which only the real key can make.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  CompactSign,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
  type JWTHeaderParameters,
  type KeyLike,
} from 'jose';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../src/auth';

export interface ServeSigner {
  /** Pass to spawnServe: `args: ['--signing-key-file', signer.file]`. */
  file: string;
  kid: string;
  /** The public JWK as the server publishes it. */
  publicJwk: JWK;
  sign(claims: Record<string, unknown>, header?: Partial<JWTHeaderParameters>): Promise<string>;
  signBytes(payload: Uint8Array, header?: Partial<JWTHeaderParameters>): Promise<string>;
  /** Access claims serve would accept for `sub`, with `overrides`. */
  claims(sub: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  dispose(): void;
}

/** A key pair whose kid is its RFC 7638 thumbprint (as the auth service derives it). */
export async function ed25519Key(): Promise<{ privateKey: KeyLike; publicJwk: JWK; privateJwk: JWK; kid: string }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateKey, publicJwk: { ...publicJwk, kid }, privateJwk: await exportJWK(privateKey), kid };
}

export async function createServeSigner(): Promise<ServeSigner> {
  const key = await ed25519Key();
  const dir = mkdtempSync(path.join(tmpdir(), 'netra-signer-'));
  const file = path.join(dir, 'signing.jwk');
  writeFileSync(file, JSON.stringify(key.privateJwk), { mode: 0o600 });
  const nowS = (): number => Math.floor(Date.now() / 1000);
  return {
    file,
    kid: key.kid,
    publicJwk: key.publicJwk,
    sign: (claims, header = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ typ: 'JWT', kid: key.kid, ...header, alg: 'EdDSA' })
        .sign(key.privateKey),
    signBytes: (payload, header = {}) =>
      new CompactSign(payload)
        .setProtectedHeader({ typ: 'JWT', kid: key.kid, ...header, alg: 'EdDSA' })
        .sign(key.privateKey),
    claims: (sub, overrides = {}) => ({
      sub,
      iss: DEFAULT_ISSUER,
      aud: DEFAULT_AUDIENCE,
      iat: nowS(),
      exp: nowS() + 300,
      token_type: 'access',
      permissions: ['chat'],
      ...overrides,
    }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
