import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { AuthError } from './errors';

const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Reads a signing key file (one private Ed25519 JWK as JSON) for `AuthServiceOptions.signingJwk`. Throws AuthError
 * `AUTH_CONFIG_INVALID` (exit 2) naming the file, never its content: the file holds a secret.
 *
 * @example
 * const auth = await startAuthService({ signingJwk: readSigningKeyFile('/run/secrets/netra-signing.jwk') });
 */
export function readSigningKeyFile(file: string): JWK {
  const bad = (why: string): AuthError =>
    new AuthError('AUTH_CONFIG_INVALID', `signing key file ${file}: ${why}`, { exitCode: 2 });
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_KEY_FILE_BYTES) throw bad(`over ${MAX_KEY_FILE_BYTES} bytes; not a JWK`);
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof AuthError) throw err;
    throw bad(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as JWK;
  } catch {
    throw bad('not a JSON object (a private Ed25519 JWK is expected)');
  }
}
