import { CLOCK_TOLERANCE_S, type AuthService } from '../../auth';
import { fetchDevToken } from '../auth';
import { RecordError } from './errors';
import type { TokenSpec } from './scenario';

/**
 * Makes the tokens a scenario (or a replay) presents. `undefined` means "present no token" (kind `none`).
 * Two implementations: {@link embeddedTokens} (an in-process auth service: every kind) and {@link devTokens}
 * (a live auth service's `POST /auth/token`: every kind but `wrong_audience` and `wrong_issuer`).
 */
export interface TokenSource {
  readonly kind: 'embedded' | 'external';
  token(user: string, spec: TokenSpec): Promise<string | undefined>;
}

const FOREIGN_AUDIENCE = 'someone-elses-api';
const FOREIGN_ISSUER = 'https://issuer.example.invalid';

// Changes the first signature character: still a well-formed compact JWS, but the signature no longer verifies.
// (Not the last one: its low bits are padding, so changing it may leave the decoded signature as it was.)
function tamper(token: string): string {
  const at = token.lastIndexOf('.') + 1;
  const changed = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${changed}${token.slice(at + 1)}`;
}

const MALFORMED = 'not-a-jwt';

/**
 * Tokens signed by an in-process auth service (the embedded stack): real access tokens via `issueTokens`, and every
 * deliberately bad kind via `signForTesting`.
 *
 * @example
 * const stack = await startStack();
 * const tokens = embeddedTokens(stack.auth);
 * const expired = await tokens.token('alice', { kind: 'expired' });
 */
export function embeddedTokens(auth: AuthService): TokenSource {
  const claims = (user: string, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: user,
      iat: now,
      exp: now + 900,
      iss: auth.issuer,
      aud: auth.audience,
      token_type: 'access',
      permissions: ['chat'],
      ...extra,
    };
  };
  return {
    kind: 'embedded',
    async token(user, spec) {
      const issue = (permissions = spec.permissions): ReturnType<AuthService['issueTokens']> =>
        auth.issueTokens(user, { ...(permissions ? { permissions } : {}), ...(spec.ttlS ? { ttlS: spec.ttlS } : {}) });
      switch (spec.kind) {
        case 'valid':
          return (await issue()).access_token;
        case 'none':
          return undefined;
        case 'expired': {
          const now = Math.floor(Date.now() / 1000);
          return auth.signForTesting(claims(user, { iat: now - 3600, exp: now - 600 }));
        }
        case 'refresh':
          return (await issue()).refresh_token;
        case 'wrong_audience':
          return auth.signForTesting(claims(user, { aud: FOREIGN_AUDIENCE }));
        case 'wrong_issuer':
          return auth.signForTesting(claims(user, { iss: FOREIGN_ISSUER }));
        case 'tampered':
          return tamper((await issue()).access_token);
        case 'malformed':
          return MALFORMED;
        case 'no_permission':
          return (await issue(spec.permissions ?? ['profile'])).access_token;
      }
    },
  };
}

/**
 * Development tokens from a live auth service (`POST <authUrl>/auth/token`), for recording or replaying against an
 * external provider. An `expired` token is a 1-second token waited out (plus the verifiers' clock tolerance).
 * `wrong_audience` and `wrong_issuer` cannot be made this way: `RecordError` `RECORD_TOKEN_UNAVAILABLE`.
 *
 * @example
 * const tokens = devTokens('http://127.0.0.1:8001');
 * const token = await tokens.token('alice', { kind: 'valid', ttlS: 60 });
 */
export function devTokens(authUrl: string): TokenSource {
  return {
    kind: 'external',
    async token(user, spec) {
      const fetchPair = (permissions = spec.permissions, ttlS = spec.ttlS): ReturnType<typeof fetchDevToken> =>
        fetchDevToken(authUrl, user, { ...(permissions ? { permissions } : {}), ...(ttlS ? { ttlS } : {}) });
      switch (spec.kind) {
        case 'valid':
          return (await fetchPair()).access_token;
        case 'none':
          return undefined;
        case 'expired': {
          const { access_token } = await fetchPair(undefined, 1);
          await new Promise((resolve) => setTimeout(resolve, (1 + CLOCK_TOLERANCE_S + 1) * 1000));
          return access_token;
        }
        case 'refresh':
          return (await fetchPair()).refresh_token;
        case 'tampered':
          return tamper((await fetchPair()).access_token);
        case 'malformed':
          return MALFORMED;
        case 'no_permission':
          return (await fetchPair(spec.permissions ?? ['profile'])).access_token;
        case 'wrong_audience':
        case 'wrong_issuer':
          throw new RecordError(
            'RECORD_TOKEN_UNAVAILABLE',
            `a ${spec.kind} token can only be made by the embedded stack (record without --url)`,
          );
      }
    },
  };
}
