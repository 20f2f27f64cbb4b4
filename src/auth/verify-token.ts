import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isUserId, MAX_TIME_S, type AccessClaims, type TokenType } from './claims';
import { AuthError } from './errors';

/** What a token must satisfy beyond its signature. */
export interface TokenExpectations {
  issuer: string;
  audience: string;
  clockToleranceS: number;
  tokenType: TokenType;
  /** Permission the token must grant (`chat` for the WebSocket); none for refresh tokens. */
  requiredPermission?: string;
  /** Longest `exp - iat` accepted, seconds. */
  maxLifetimeS: number;
}

/** Claims of a verified token of either type. */
export type VerifiedClaims = Omit<AccessClaims, 'token_type'> & { token_type: TokenType };

// Generous: our tokens are ~400 bytes, and the spec caps auth_refresh.token at 8192.
const MAX_TOKEN_LENGTH = 8192;
// Third segment may be empty so that an unsecured (`alg: none`) JWT reaches jose and is refused as such.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// Only EdDSA: refuses `alg: none` and the HS256-keyed-with-the-public-key confusion before any key is looked up.
const ALGORITHMS = ['EdDSA'];

/**
 * Verifies a compact JWS against `getKey` and `expect`, returning its claims or throwing an AuthError whose code is
 * TOKEN_MISSING, TOKEN_EXPIRED, TOKEN_INVALID, TOKEN_WRONG_TYPE, PERMISSION_DENIED, AUTH_UNAVAILABLE (from `getKey`)
 * or AUTH_FAILED (anything unexpected). Messages never contain the token.
 */
export async function verifyToken(
  token: string | undefined,
  getKey: JWTVerifyGetKey,
  expect: TokenExpectations,
): Promise<VerifiedClaims> {
  const kind = expect.tokenType;
  if (token === undefined || token === '') {
    throw new AuthError(
      'TOKEN_MISSING',
      kind === 'access'
        ? 'no access token: send "Authorization: Bearer <token>" or offer the subprotocol "jwt.<token>"'
        : `no ${kind} token was presented`,
    );
  }
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new AuthError('TOKEN_INVALID', `${kind} token is malformed: not a compact JWS (header.payload.signature)`);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: ALGORITHMS,
      issuer: expect.issuer,
      audience: expect.audience,
      clockTolerance: expect.clockToleranceS,
      requiredClaims: ['sub', 'exp', 'iat', 'iss', 'aud'],
    }));
  } catch (err) {
    throw toAuthError(err, token, expect);
  }
  checkSegments(token, kind);
  checkTimes(payload, expect);
  return checkPayload(payload, expect);
}

const BOM = [0xef, 0xbb, 0xbf];
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// jose decodes header and payload leniently (a BOM is dropped, invalid UTF-8 becomes U+FFFD): two byte strings that
// are not the same text would verify as the same claims. Once the signature holds, only strict UTF-8 JSON objects
// without a BOM get through.
function checkSegments(token: string, kind: TokenType): void {
  const [header, payload] = token.split('.');
  for (const [name, segment] of [
    ['header', header],
    ['payload', payload],
  ] as const) {
    const bytes = Buffer.from(segment, 'base64url');
    if (BOM.every((byte, i) => bytes[i] === byte)) {
      throw new AuthError('TOKEN_INVALID', `${kind} token is malformed: its ${name} starts with a byte order mark`);
    }
    let text: string;
    try {
      text = STRICT_UTF8.decode(bytes);
    } catch {
      throw new AuthError('TOKEN_INVALID', `${kind} token is malformed: its ${name} is not valid UTF-8`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AuthError('TOKEN_INVALID', `${kind} token is malformed: its ${name} is not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new AuthError('TOKEN_INVALID', `${kind} token is malformed: its ${name} is not a JSON object`);
    }
  }
}

// After jose's own checks: times a Date can hold, no iat in the future, no lifetime past the maximum.
function checkTimes(payload: JWTPayload, expect: TokenExpectations): void {
  const kind = expect.tokenType;
  for (const claim of ['exp', 'iat', 'nbf'] as const) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_TIME_S) {
      throw new AuthError('TOKEN_INVALID', `${kind} token "${claim}" is out of range`);
    }
  }
  const exp = payload.exp as number;
  const iat = payload.iat as number;
  const nowS = Date.now() / 1000;
  if (iat > nowS + expect.clockToleranceS) {
    throw new AuthError('TOKEN_INVALID', `${kind} token was issued in the future (iat ${isoSeconds(iat)})`);
  }
  if (exp - iat > expect.maxLifetimeS) {
    throw new AuthError(
      'TOKEN_INVALID',
      `${kind} token lifetime (exp - iat = ${Math.round(exp - iat)} s) is longer than the ${expect.maxLifetimeS} s allowed`,
    );
  }
}

function checkPayload(payload: JWTPayload, expect: TokenExpectations): VerifiedClaims {
  const kind = expect.tokenType;
  if (!isUserId(payload.sub)) throw new AuthError('TOKEN_INVALID', `${kind} token "sub" is not a valid user id`);
  if (payload.jti !== undefined && typeof payload.jti !== 'string') {
    throw new AuthError('TOKEN_INVALID', `${kind} token "jti" claim must be a string`);
  }
  const tokenType = payload.token_type;
  if (tokenType !== kind) {
    const got =
      typeof tokenType === 'string' ? `token_type ${JSON.stringify(tokenType.slice(0, 32))}` : 'no token_type';
    throw new AuthError(
      'TOKEN_WRONG_TYPE',
      `expected ${kind === 'access' ? 'an' : 'a'} ${kind} token (token_type "${kind}"), got ${got}`,
    );
  }
  const permissions = payload.permissions ?? [];
  if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) {
    throw new AuthError('TOKEN_INVALID', `${kind} token "permissions" claim must be an array of strings`);
  }
  if (expect.requiredPermission !== undefined && !permissions.includes(expect.requiredPermission)) {
    throw new AuthError(
      'PERMISSION_DENIED',
      `${kind} token does not grant the "${expect.requiredPermission}" permission`,
    );
  }
  const claims: VerifiedClaims = {
    sub: payload.sub,
    exp: payload.exp as number,
    iat: payload.iat as number,
    iss: payload.iss as string,
    aud: payload.aud as string | string[],
    token_type: kind,
    permissions: permissions as string[],
  };
  if (payload.nbf !== undefined) claims.nbf = payload.nbf;
  if (payload.jti !== undefined) claims.jti = payload.jti;
  return claims;
}

function isoSeconds(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) && Math.abs(seconds) < 1e11
    ? new Date(seconds * 1000).toISOString()
    : 'an invalid time';
}

// Header values are attacker-chosen: quote and truncate them before they reach a message or a log.
function headerValue(token: string, name: 'alg' | 'kid'): string {
  try {
    const value = decodeProtectedHeader(token)[name];
    return typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : 'none';
  } catch {
    return 'unreadable';
  }
}

function toAuthError(err: unknown, token: string, expect: TokenExpectations): AuthError {
  const kind = expect.tokenType;
  if (err instanceof AuthError) return err;
  if (err instanceof errors.JWTExpired) {
    return new AuthError('TOKEN_EXPIRED', `${kind} token expired at ${isoSeconds(err.payload.exp)}`, { cause: err });
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    return new AuthError('TOKEN_INVALID', claimMessage(err, expect), { cause: err });
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return new AuthError(
      'TOKEN_INVALID',
      `${kind} token algorithm ${headerValue(token, 'alg')} is not allowed; only EdDSA is accepted`,
      { cause: err },
    );
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('TOKEN_INVALID', `${kind} token signature does not verify`, { cause: err });
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthError(
      'TOKEN_INVALID',
      `${kind} token was signed with an unknown key (kid ${headerValue(token, 'kid')})`,
      { cause: err },
    );
  }
  if (err instanceof errors.JOSEError) {
    // JWSInvalid, JWTInvalid, JOSENotSupported, ...: jose's own messages describe the shape, never the token.
    return new AuthError('TOKEN_INVALID', `${kind} token is malformed: ${err.message}`, { cause: err });
  }
  const name = err instanceof Error ? err.name : typeof err;
  return new AuthError('AUTH_FAILED', `${kind} token could not be verified (${name})`, { cause: err });
}

function claimMessage(err: InstanceType<typeof errors.JWTClaimValidationFailed>, expect: TokenExpectations): string {
  const kind = expect.tokenType;
  if (err.reason === 'missing') return `${kind} token has no "${err.claim}" claim`;
  switch (err.claim) {
    case 'iss':
      return `${kind} token issuer is not ${JSON.stringify(expect.issuer)}`;
    case 'aud':
      return `${kind} token audience is not ${JSON.stringify(expect.audience)}`;
    case 'nbf':
      return err.reason === 'check_failed'
        ? `${kind} token is not valid before ${isoSeconds(err.payload.nbf)}`
        : `${kind} token "nbf" claim must be a number`;
    default:
      return `${kind} token "${err.claim}" claim is invalid: ${err.message}`;
  }
}
