import { readFileSync } from 'fs';
import { CLOCK_TOLERANCE_S, type AuthService } from '../auth';
import { startStack, type Stack, type StackOptions } from '../provider';
import { projectPath } from '../util/paths';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource } from '../verify/auth/types';
import { NetraError } from '../util/errors';
import { algNoneCopy, MALFORMED_TOKEN, shorthandTarget, tamperSignature } from '../verify/dev-target';
import type { Target } from '../verify/targets/types';

/**
 * Provider settings of the embedded reference provider that recordings are made on (and that the contract tests
 * replay them on): model and tool latencies of a few hundred ms, so that a run lasts a few seconds as a real one
 * does and a drop, a refresh or an expiry lands in the middle of it; a 100 ms expiry sweep so an expired token is
 * noticed promptly.
 */
export const RECORDING_PROVIDER_OPTIONS: NonNullable<StackOptions['provider']> = {
  thinkMs: 250,
  toolMs: 300,
  jitter: 0.2,
  sweepMs: 100,
};

function packageVersion(): string {
  try {
    return String(JSON.parse(readFileSync(projectPath('package.json'), 'utf8')).version);
  } catch {
    return '0.0.0';
  }
}

/** `netra-reference@<package version>`: the target (and session `provider`) name of the embedded provider. */
export const REFERENCE_PROVIDER = `netra-reference@${packageVersion()}`;

/**
 * Every kind of token, signed by an in-process auth service: real tokens via `issueTokens`, the deliberately bad
 * ones via `signForTesting` (another audience or issuer, expired, not yet valid) or made from a real one (broken
 * signature, `alg: none`, a refresh token).
 *
 * @example
 * const tokens = authServiceTokens(stack.auth);
 * const { token } = await tokens.token({ user: 'alice', kind: 'wrong_audience' });
 */
export function authServiceTokens(auth: AuthService): TokenSource {
  const handedOut: string[] = [];
  const claims = (user: string, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000);
    const base = { sub: user, iat: now, exp: now + 900, iss: auth.issuer, aud: auth.audience, token_type: 'access' };
    return { ...base, permissions: ['chat'], ...extra };
  };
  const issue = async (request: TokenRequest, permissions?: string[]): Promise<IssuedToken> => {
    const ttl = request.ttlS !== undefined ? { ttlS: request.ttlS } : {};
    const pair = await auth.issueTokens(request.user, { ...ttl, ...(permissions ? { permissions } : {}) });
    return {
      token: pair.access_token,
      refreshToken: pair.refresh_token,
      expiresAt: Date.now() + pair.expires_in * 1000,
    };
  };
  const signed = async (user: string, extra: Record<string, unknown>): Promise<IssuedToken> => ({
    token: await auth.signForTesting(claims(user, extra)),
  });
  const now = (): number => Math.floor(Date.now() / 1000);
  const makers: Record<TokenKind, (request: TokenRequest) => Promise<IssuedToken>> = {
    valid: (r) => issue(r),
    expired: (r) => signed(r.user, { iat: now() - 3600, exp: now() - 600 }),
    not_yet_valid: (r) => signed(r.user, { nbf: now() + 3600 }),
    wrong_audience: (r) => signed(r.user, { aud: 'someone-elses-api' }),
    wrong_issuer: (r) => signed(r.user, { iss: 'https://issuer.example.invalid' }),
    bad_signature: async (r) => ({ token: tamperSignature((await issue(r)).token) }),
    alg_none: async (r) => ({ token: algNoneCopy((await issue(r)).token) }),
    malformed: async () => ({ token: MALFORMED_TOKEN }),
    missing_permission: (r) => issue(r, ['profile']),
    wrong_type: async (r) => ({ token: (await issue(r)).refreshToken ?? '' }),
  };
  return {
    kind: 'embedded',
    supports: () => true,
    async token(request) {
      const issued = await makers[request.kind ?? 'valid'](request);
      handedOut.push(issued.token);
      return issued;
    },
    async refresh(user) {
      const issued = await issue({ user });
      handedOut.push(issued.token);
      return issued;
    },
    secrets: () => handedOut,
  };
}

/** The embedded reference provider as a verification target. */
export interface EmbeddedTarget {
  target: Target;
  stack: Stack;
  /** Drains the provider, then stops the auth service. */
  close(): Promise<void>;
}

/**
 * Starts the reference provider and its auth service on free 127.0.0.1 ports and hands it to verification as a
 * {@link Target} (tokens of every kind, signed by its auth service): `verify/` never starts the reference provider
 * itself. Recordings use {@link RECORDING_PROVIDER_OPTIONS}; pass them as `provider`.
 *
 * @example
 * const embedded = await startEmbeddedTarget({ provider: RECORDING_PROVIDER_OPTIONS });
 * await recordScenario(scenario, embedded.target, 'out/first-message.session.jsonl', { userPrefix: '' });
 * await embedded.close();
 */
export async function startEmbeddedTarget(opts: Pick<StackOptions, 'provider' | 'auth'> = {}): Promise<EmbeddedTarget> {
  const stack = await startStack(opts);
  const target: Target = {
    name: REFERENCE_PROVIDER,
    url: stack.wsUrl,
    urls: [stack.wsUrl],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: CLOCK_TOLERANCE_S,
    auth: authServiceTokens(stack.auth),
  };
  return { target, stack, close: () => stack.close() };
}

/** The target flags every live command takes. */
export interface TargetFlags {
  /** A targets-file entry, or `reference` for the embedded reference provider. */
  target?: string;
  targets?: string;
  url?: string;
  authUrl?: string;
}

/** A target opened for one command, and whether it is the embedded provider this command started. */
export interface OpenedTarget {
  target: Target;
  /** True for the embedded reference provider started for this command (nobody else uses it). */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * The target of a live command: `--url/--auth-url` (a loopback target with development tokens), `--target
 * reference` or nothing (the embedded reference provider, started here on free ports), or `--target NAME` of a
 * targets file. Throws NetraError `TARGET_UNKNOWN` (exit 2) for a name it cannot resolve.
 *
 * @example
 * const opened = await openTarget({ url: 'ws://127.0.0.1:8000/ws', authUrl: 'http://127.0.0.1:8001' });
 * try { ... } finally { await opened.close(); }
 */
export async function openTarget(flags: TargetFlags, provider: StackOptions['provider'] = {}): Promise<OpenedTarget> {
  if (flags.url !== undefined) {
    if (flags.target !== undefined)
      throw new NetraError('USAGE', 'give --url/--auth-url or --target, not both', { exitCode: 2 });
    return { target: shorthandTarget(flags.url, flags.authUrl), embedded: false, close: async () => undefined };
  }
  if (flags.target === undefined || flags.target === 'reference') {
    const embedded = await startEmbeddedTarget({ provider: { ...RECORDING_PROVIDER_OPTIONS, ...provider } });
    return { target: embedded.target, embedded: true, close: embedded.close };
  }
  throw new NetraError(
    'TARGET_UNKNOWN',
    `no target ${JSON.stringify(flags.target)}: targets files (--targets) are resolved by src/verify/targets; use --target reference or --url/--auth-url`,
    { exitCode: 2 },
  );
}
