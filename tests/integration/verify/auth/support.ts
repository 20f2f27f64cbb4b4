// Shared by the token-strategy tests: starting the real authorization server. (Judging tokens: tests/support/auth.ts.)
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

/** A running oidc-provider authorization server (tests/integration/verify/auth/oidc-server.js). */
export interface OidcServer {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  stderr: () => string;
  close(): Promise<void>;
}

/**
 * Starts the authorization server in a child process on 127.0.0.1 (ephemeral port) with the given client secret and
 * resource-owner password, and resolves once it listens.
 */
export async function startOidcServer(clientSecret: string, password: string): Promise<OidcServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-server.js')], {
    env: { ...process.env, OIDC_CLIENT_SECRET: clientSecret, OIDC_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`oidc-server exited ${code}: ${stderr}`)));
  });
  const info = JSON.parse(first) as { issuer: string; jwks_uri: string; token_endpoint: string };
  return {
    issuer: info.issuer,
    jwksUri: info.jwks_uri,
    tokenEndpoint: info.token_endpoint,
    stderr: () => stderr,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
}
