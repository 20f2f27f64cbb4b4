import { fetchDevToken, refreshDevToken } from '../auth';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from '../auth/types';
import { algNoneCopy, MALFORMED_TOKEN, tamperSignature } from './bad-tokens';
import { DevTargetError } from './errors';

const UNSIGNABLE: ReadonlySet<TokenKind> = new Set(['wrong_audience', 'wrong_issuer', 'not_yet_valid']);

/**
 * Tokens from a development auth service (`POST <authUrl>/auth/token`, `/auth/refresh`): every kind that needs no
 * signing key. `expired` is a 1-second token waited out past the target's clock leeway. Interim: the targets file's
 * `dev` strategy (src/verify/auth) replaces it.
 *
 * @example
 * const tokens = devTokenSource('http://127.0.0.1:8001', { clockLeewayS: 5 });
 * const { token } = await tokens.token({ user: 'alice', kind: 'alg_none' });
 */
export function devTokenSource(authUrl: string, options: { clockLeewayS: number }): TokenSource {
  const handedOut: string[] = [];
  const keep = (issued: IssuedToken): IssuedToken => {
    handedOut.push(issued.token);
    if (issued.refreshToken !== undefined) handedOut.push(issued.refreshToken);
    return issued;
  };
  const fetchPair = async (user: string, ttlS?: number, permissions?: string[]): Promise<IssuedToken> => {
    const pair = await fetchDevToken(authUrl, user, {
      ...(ttlS ? { ttlS } : {}),
      ...(permissions ? { permissions } : {}),
    });
    return {
      token: pair.access_token,
      refreshToken: pair.refresh_token,
      expiresAt: Date.now() + pair.expires_in * 1000,
    };
  };
  const make = async (request: TokenRequest): Promise<IssuedToken> => {
    switch (request.kind ?? 'valid') {
      case 'valid':
        return fetchPair(request.user, request.ttlS);
      case 'expired': {
        const issued = await fetchPair(request.user, 1);
        await new Promise((resolve) => setTimeout(resolve, (2 + options.clockLeewayS) * 1000));
        return issued;
      }
      case 'wrong_type': {
        const pair = await fetchPair(request.user);
        return { token: pair.refreshToken ?? '' };
      }
      case 'bad_signature':
        return { token: tamperSignature((await fetchPair(request.user)).token) };
      case 'alg_none':
        return { token: algNoneCopy((await fetchPair(request.user)).token) };
      case 'malformed':
        return { token: MALFORMED_TOKEN };
      case 'missing_permission':
        return fetchPair(request.user, undefined, ['profile']);
      default:
        throw new DevTargetError(
          'TARGET_TOKEN_UNSUPPORTED',
          `the dev token endpoint cannot make a ${String(request.kind)} token`,
        );
    }
  };
  return {
    kind: 'dev',
    supports(kind: TokenKind): true | Unsupported {
      if (!UNSIGNABLE.has(kind)) return true;
      return {
        reason: `the dev token endpoint cannot make a ${kind} token (it signs only valid claims of its own issuer)`,
      };
    },
    token: async (request) => keep(await make(request)),
    async refresh(_user, previous) {
      const pair = await refreshDevToken(authUrl, previous.refreshToken ?? '');
      return keep({
        token: pair.access_token,
        refreshToken: pair.refresh_token,
        expiresAt: Date.now() + pair.expires_in * 1000,
      });
    },
    secrets: () => handedOut,
  };
}
