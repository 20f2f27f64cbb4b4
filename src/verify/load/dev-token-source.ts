import { fetchDevToken, refreshDevToken } from '../auth';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from '../auth/types';

/**
 * The reference auth service's development tokens (`POST /auth/token`, `POST /auth/refresh`) as a {@link TokenSource}:
 * what `--url/--auth-url` mean. A stand-in kept small on purpose: the `dev` strategy of `src/verify/auth` replaces it.
 * Refresh tokens are single-use; a refresh asks for the lifetime the first token was asked with.
 *
 * @example
 * const source = devTokenSource('http://127.0.0.1:8001');
 * const { token, expiresAt } = await source.token({ user: 'load-u1', ttlS: 900 });
 */
export function devTokenSource(authUrl: string, timeoutMs = 10_000): TokenSource {
  const handedOut = new Set<string>();
  const askedTtl = new WeakMap<IssuedToken, number | undefined>();
  const issue = (pair: { access_token: string; refresh_token: string; expires_in: number }, ttlS?: number) => {
    handedOut.add(pair.access_token);
    handedOut.add(pair.refresh_token);
    const issued: IssuedToken = {
      token: pair.access_token,
      expiresAt: Date.now() + pair.expires_in * 1000,
      refreshToken: pair.refresh_token,
    };
    askedTtl.set(issued, ttlS);
    return issued;
  };
  return {
    kind: 'dev',
    supports(kind: TokenKind): true | Unsupported {
      return kind === 'valid' ? true : { reason: 'the development token endpoint only issues valid tokens' };
    },
    async token(request: TokenRequest): Promise<IssuedToken> {
      const pair = await fetchDevToken(authUrl, request.user, {
        timeoutMs,
        ...(request.ttlS !== undefined ? { ttlS: request.ttlS } : {}),
      });
      return issue(pair, request.ttlS);
    },
    async refresh(user: string, previous: IssuedToken): Promise<IssuedToken> {
      const ttlS = askedTtl.get(previous);
      if (previous.refreshToken === undefined) return this.token({ user, ...(ttlS !== undefined ? { ttlS } : {}) });
      const pair = await refreshDevToken(authUrl, previous.refreshToken, {
        timeoutMs,
        ...(ttlS !== undefined ? { ttlS } : {}),
      });
      return issue(pair, ttlS);
    },
    secrets: () => [...handedOut],
  };
}
