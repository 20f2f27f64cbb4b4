// Real providers for the verify tests: the reference provider (in process, on free ports) and the Python provider
// (interop/python-provider, a child process on a free port, HS256 tokens minted here with jose), each as a Target.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { SignJWT } from 'jose';
import { startEmbeddedTarget, type EmbeddedTarget } from '../../../../src/pipeline/embedded';
import type { StackOptions } from '../../../../src/provider';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource } from '../../../../src/verify/auth/types';
import { algNoneCopy, MALFORMED_TOKEN, tamperSignature } from '../../../../src/verify/dev-target';
import type { Target } from '../../../../src/verify/targets/types';

export const ROOT = path.resolve(__dirname, '../../../..');
export const CLI = path.join(ROOT, 'bin', 'netra-contracts.js');
const PYTHON = process.env.NETRA_INTEROP_PYTHON ?? '/usr/bin/python3';
const PROVIDER = path.join(ROOT, 'interop/python-provider/provider.py');

/** Short latencies: runs of a few hundred ms. */
export const FAST: NonNullable<StackOptions['provider']> = { thinkMs: 20, toolMs: 30, jitter: 0, sweepMs: 50 };

/** The reference provider on free ports, as a target. */
export function startReference(provider: StackOptions['provider'] = FAST): Promise<EmbeddedTarget> {
  return startEmbeddedTarget({ provider });
}

/**
 * Netra backend conventions: HS256 shared-secret tokens, `iss: netra-auth-service`, `aud: netra-platform`,
 * `token_type`, `permissions`. Every deliberately bad kind is minted here (a test helper in the spirit of the test
 * plan's JWT helper; the targets file's `jwt` strategy does the same for users).
 */
export function hs256Tokens(secret: string, issuer = 'netra-auth-service', audience = 'netra-platform'): TokenSource {
  const key = new TextEncoder().encode(secret);
  const minted: string[] = [];
  const sign = async (user: string, claims: Record<string, unknown> = {}, ttlS = 900): Promise<IssuedToken> => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { token_type: 'access', permissions: ['chat'], iat: now, exp: now + ttlS, ...claims };
    const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(user);
    const token = await jwt
      .setIssuer(String(claims.iss ?? issuer))
      .setAudience(String(claims.aud ?? audience))
      .sign(key);
    minted.push(token);
    return { token, expiresAt: (Number(payload.exp) || now + ttlS) * 1000 };
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  const makers: Record<TokenKind, (r: TokenRequest) => Promise<IssuedToken>> = {
    valid: (r) => sign(r.user, {}, r.ttlS ?? 900),
    expired: (r) => sign(r.user, { iat: now() - 7200, exp: now() - 3600 }),
    not_yet_valid: (r) => sign(r.user, { nbf: now() + 3600 }),
    wrong_audience: (r) => sign(r.user, { aud: 'someone-elses-api' }),
    wrong_issuer: (r) => sign(r.user, { iss: 'https://issuer.example.invalid' }),
    bad_signature: async (r) => ({ token: tamperSignature((await sign(r.user)).token) }),
    alg_none: async (r) => ({ token: algNoneCopy((await sign(r.user)).token) }),
    malformed: async () => ({ token: MALFORMED_TOKEN }),
    missing_permission: (r) => sign(r.user, { permissions: ['profile'] }),
    wrong_type: (r) => sign(r.user, { token_type: 'refresh' }),
  };
  return {
    kind: 'jwt',
    supports: () => true,
    token: (r) => makers[r.kind ?? 'valid'](r),
    refresh: (user) => sign(user),
    secrets: () => [secret, ...minted],
  };
}

export interface PythonProvider {
  target: Target;
  url: string;
  proc: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts interop/python-provider on a free loopback port (with `args`), and its target (HS256 tokens). */
export async function startPython(args: string[] = [], leewayS = 5): Promise<PythonProvider> {
  const secret = randomBytes(32).toString('base64url');
  const proc = spawn(PYTHON, [PROVIDER, '--host', '127.0.0.1', '--port', '0', '--leeway-s', String(leewayS), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NETRA_JWT_SECRET: secret, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`python provider did not listen in 20 s: ${stderr}`)), 20_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; url?: string };
        if (event.event === 'listening' && typeof event.url === 'string') {
          clearTimeout(timer);
          resolve(event.url);
        }
      } catch {
        // not the listening line
      }
    });
    proc.once('exit', (code) => reject(new Error(`python provider exited (${code}): ${stderr}`)));
  });
  const target: Target = {
    name: 'python',
    url,
    urls: [url],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: leewayS,
    auth: hs256Tokens(secret),
  };
  return {
    target,
    url,
    proc,
    stderr: () => stderr,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
