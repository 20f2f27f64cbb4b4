// Deliberately bad tokens made from a valid one, with no signing key: what any strategy can offer for a JWT.

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS: three base64url segments (the last may be empty). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * True when a token is a compact JWS whose header and payload decode to JSON objects (a JWT we can derive from).
 *
 * @example
 * isCompactJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig'); // true
 * isCompactJwt('opaque-token'); // false
 */
export function isCompactJwt(token: string): boolean {
  if (!COMPACT_JWS.test(token)) return false;
  const [header, payload] = token.split('.');
  return decodeSegment(header) !== undefined && decodeSegment(payload) !== undefined;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The claims of a compact JWT, read WITHOUT verification (for `exp` of tokens a strategy did not mint).
 *
 * @example
 * unverifiedClaims(token)?.exp; // 1767225600
 */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  return isCompactJwt(token) ? decodeSegment(token.split('.')[1]) : undefined;
}

/**
 * A tampered copy: the payload is edited (a claim is added, as an attacker would raise their own permissions) and
 * the original signature kept. Well-formed, but the signature no longer matches: only a verifier that skips the
 * signature accepts it.
 *
 * @example
 * tamperedCopy(valid).split('.')[2] === valid.split('.')[2]; // true: same signature, other payload
 */
export function tamperedCopy(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = decodeSegment(payload) ?? {};
  return `${header}.${base64url({ ...claims, tampered: true })}.${signature}`;
}

/**
 * An unsigned copy (`alg: none`, empty signature) with the same claims: a provider that accepts it accepts anything
 * anyone writes.
 *
 * @example
 * algNoneCopy(valid).endsWith('.'); // true
 */
export function algNoneCopy(token: string): string {
  const [header, payload] = token.split('.');
  const kept = decodeSegment(header) ?? {};
  const { alg: _alg, ...rest } = kept;
  return `${base64url({ ...rest, alg: 'none' })}.${payload}.`;
}

/**
 * A token that is not a JWT at all: three dot-separated segments whose first two are not base64url JSON.
 *
 * @example
 * malformedToken(); // 'not-a-jwt.not-json.AAAA'
 */
export function malformedToken(): string {
  return 'not-a-jwt.not-json.AAAA';
}
