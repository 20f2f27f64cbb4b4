// Real providers for the verify tests: the reference provider (in process, on free ports) and the Python provider
// (interop/python-provider, a child process on a free port, HS256 tokens minted here with jose), each as a Target.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startEmbeddedTarget, type EmbeddedTarget } from '../../../../src/pipeline/embedded';
import type { StackOptions } from '../../../../src/provider';
import { createJwtSource, type TokenSource } from '../../../../src/verify/auth';
import type { Target } from '../../../../src/verify/targets/types';
import { spawnPython } from '../../../support/python';

export const ROOT = path.resolve(__dirname, '../../../..');
export const CLI = path.join(ROOT, 'bin', 'netra-contracts.js');

/** Short latencies: runs of a few hundred ms. */
export const FAST: NonNullable<StackOptions['provider']> = { thinkMs: 20, toolMs: 30, jitter: 0, sweepMs: 50 };

/** The reference provider on free ports, as a target. */
export function startReference(provider: StackOptions['provider'] = FAST): Promise<EmbeddedTarget> {
  return startEmbeddedTarget({ provider });
}

let secrets = 0;

/**
 * Netra backend conventions, through the targets file's `jwt` strategy: HS256 shared-secret tokens with
 * `iss: netra-auth-service`, `aud: netra-platform`, `token_type`, `permissions` (every deliberately bad kind too).
 */
export function hs256Tokens(secret: string, clockLeewayS: number): Promise<TokenSource> {
  const env = `NETRA_TEST_JWT_SECRET_${++secrets}`;
  process.env[env] = secret;
  const claims = { iss: 'netra-auth-service', aud: 'netra-platform', token_type: 'access', permissions: ['chat'] };
  // The source reads the secret once, when it is made: the variable goes at once, so no child process inherits it.
  return createJwtSource({ kind: 'jwt', alg: 'HS256', secret_env: env, claims }, { clockLeewayS }).finally(() => {
    delete process.env[env];
  });
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
  const py = await spawnPython(secret, ['--leeway-s', String(leewayS), ...args]);
  const target: Target = {
    name: 'python',
    url: py.url,
    urls: [py.url],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: leewayS,
    auth: await hs256Tokens(secret, leewayS),
  };
  return {
    target,
    url: py.url,
    proc: py.proc,
    stderr: py.stderr,
    stop: async () => void (await py.stop(10_000)),
  };
}
