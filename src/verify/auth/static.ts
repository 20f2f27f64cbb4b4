import { parse as parseYaml } from 'yaml';
import { isRecord } from '../../util/records';
import { algNoneCopy, isCompactJwt, malformedToken, tamperedCopy, unverifiedClaims } from './derive';
import { TokenSourceError } from './errors';
import { readSecretFile, SecretBook } from './secrets';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from './types';

/** The `static` entry of a target's `auth` (snake_case, as in the targets file). */
export interface StaticAuthConfig {
  kind: 'static';
  /** A YAML or JSON map of user name to token (`alice: eyJ...`), kept out of the repository. */
  file: string;
}

/**
 * The `static` strategy, for read-only smoke runs against a deployment whose tokens someone handed over: tokens per
 * user from a file. A run's user gets the token of the same name when the file has one, else the next token not yet
 * given to another user (so distinct users stay distinct principals); past the last one, TokenSourceError
 * `STATIC_TOKENS_EXHAUSTED`. It makes `valid` and `malformed` tokens and, from JWTs, `bad_signature` and `alg_none`
 * copies; no refresh. The file's tokens are secrets: they never appear in messages.
 *
 * @example
 * const auth = createStaticSource({ kind: 'static', file: '/run/secrets/netra-tokens.yaml' });
 * const { token } = await auth.token({ user: 'alice' });
 */
export function createStaticSource(config: StaticAuthConfig): TokenSource {
  const book = new SecretBook();
  const tokens = readTokens(config.file, book);
  const assigned = new Map<string, string>();
  const free = [...tokens.keys()];
  const tokenOf = (user: string): string => {
    const known = assigned.get(user);
    if (known !== undefined) return known;
    const name = tokens.has(user) && free.includes(user) ? user : free[0];
    if (name === undefined) {
      throw new TokenSourceError(
        'STATIC_TOKENS_EXHAUSTED',
        `${config.file} holds ${tokens.size} token(s), all given to other users; this run needs more users`,
      );
    }
    free.splice(free.indexOf(name), 1);
    const token = tokens.get(name) as string;
    assigned.set(user, token);
    return token;
  };
  const supports = (kind: TokenKind): true | Unsupported => {
    if (kind === 'valid' || kind === 'malformed') return true;
    if (kind === 'bad_signature' || kind === 'alg_none') {
      const allJwt = [...tokens.values()].every(isCompactJwt);
      return allJwt ? true : { reason: `${kind}: the static tokens are not all JWTs` };
    }
    return { reason: `${kind}: static tokens are fixed; a ${kind} token needs the issuer's key (use a jwt target)` };
  };
  return {
    kind: 'static',
    supports,
    async token(request: TokenRequest): Promise<IssuedToken> {
      const kind = request.kind ?? 'valid';
      const why = supports(kind);
      if (why !== true) throw new TokenSourceError('TOKEN_KIND_UNSUPPORTED', why.reason);
      if (kind === 'malformed') return { token: malformedToken() };
      const token = tokenOf(request.user);
      if (kind === 'alg_none') return { token: algNoneCopy(token) };
      if (kind === 'bad_signature') return { token: tamperedCopy(token) };
      const exp = unverifiedClaims(token)?.exp;
      return typeof exp === 'number' && Number.isFinite(exp) ? { token, expiresAt: exp * 1000 } : { token };
    },
    secrets: () => book.list(),
  };
}

function readTokens(file: string, book: SecretBook): Map<string, string> {
  const text = readSecretFile(file, 'static tokens');
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 0 });
  } catch {
    // The parser's message may quote the file: never show it.
    throw new TokenSourceError('AUTH_CONFIG_INVALID', `${file} is not YAML or JSON (a map of user name to token)`);
  }
  if (!isRecord(parsed) || Object.keys(parsed).length === 0) {
    throw new TokenSourceError('AUTH_CONFIG_INVALID', `${file} must be a non-empty map of user name to token`);
  }
  const tokens = new Map<string, string>();
  for (const [user, token] of Object.entries(parsed)) {
    if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
      throw new TokenSourceError(
        'AUTH_CONFIG_INVALID',
        `${file}: the token of ${JSON.stringify(user.slice(0, 64))} must be a non-empty string without spaces`,
      );
    }
    book.hold(token);
    tokens.set(user, token);
  }
  return tokens;
}
