// Deliberately bad tokens that need no signing key: made from a valid token.

/** A string that is not a JWT at all. */
export const MALFORMED_TOKEN = 'not-a-jwt';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The same token with its signature broken: still a well-formed compact JWS, but the signature no longer verifies.
 * (The first signature character changes, not the last: its low bits are padding, so changing it may leave the
 * decoded signature as it was.)
 *
 * @example
 * tamperSignature('aaaa.bbbb.cccc'); // 'aaaa.bbbb.Accc'
 */
export function tamperSignature(token: string): string {
  const at = token.lastIndexOf('.') + 1;
  const changed = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${changed}${token.slice(at + 1)}`;
}

/**
 * An unsigned copy of a token (`alg: none`, empty signature) with the same claims: a provider that accepts it
 * accepts anything anyone writes.
 *
 * @example
 * algNoneCopy(valid).split('.')[2]; // ''
 */
export function algNoneCopy(token: string): string {
  const payload = token.split('.')[1] ?? base64url({});
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
}
