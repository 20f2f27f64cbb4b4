import * as path from 'node:path';
import { createCommandSource, type CommandAuthConfig } from './command';
import { createDevSource, type DevSigner } from './dev';
import { createJwtSource, type JwtAuthConfig } from './jwt';
import { createOAuth2Source, type OAuth2AuthConfig } from './oauth2';
import { createStaticSource, type StaticAuthConfig } from './static';
import type { TokenSource } from './types';

/** The `dev` entry of a target's `auth`: the reference auth service's development endpoints. */
export interface DevAuthConfig {
  kind: 'dev';
  /** Base URL of the auth service, e.g. `http://127.0.0.1:8001`. */
  url: string;
  /** Permissions of valid tokens. Default the service's (`['chat']`). */
  permissions?: string[];
  /** Timeout of each request. Default 5000 ms. */
  timeout_ms?: number;
}

/**
 * A target's `auth` entry, one shape per `kind` (snake_case, as in the targets file; see
 * `contracts/targets.schema.json`).
 */
export type AuthConfig = DevAuthConfig | JwtAuthConfig | OAuth2AuthConfig | CommandAuthConfig | StaticAuthConfig;

/** Every `auth.kind`. */
export const AUTH_KINDS = ['dev', 'jwt', 'oauth2', 'command', 'static'] as const;

/** What a strategy needs from its target besides its own entry. */
export interface TokenSourceContext {
  /** Folder that relative file paths (`secret_file`, `private_key_file`, `file`, a `./` command) are relative to. */
  baseDir: string;
  /** The target's clock leeway (s): bad-by-time tokens lie beyond it. */
  clockLeewayS: number;
  /** `dev` only: an in-process signer that makes every kind (the embedded reference provider). */
  signer?: DevSigner;
  /** `dev` only: the flag the URL was assumed from (named when the service is unreachable). */
  assumedFrom?: string;
}

/**
 * Builds the token source of an `auth` entry, reading its secrets (from the environment or files) and keys now, so a
 * missing secret or a bad key fails before any traffic. Throws TokenSourceError (see its codes).
 *
 * @example
 * const auth = await createTokenSource(
 *   { kind: 'jwt', alg: 'HS256', secret_env: 'NETRA_JWT_SECRET', claims: { aud: 'netra-platform' } },
 *   { baseDir: process.cwd(), clockLeewayS: 30 },
 * );
 */
export async function createTokenSource(config: AuthConfig, ctx: TokenSourceContext): Promise<TokenSource> {
  const file = (value: string | undefined): string | undefined =>
    value === undefined ? undefined : path.resolve(ctx.baseDir, value);
  switch (config.kind) {
    case 'dev':
      return createDevSource({
        url: config.url,
        clockLeewayS: ctx.clockLeewayS,
        ...(config.permissions ? { permissions: config.permissions } : {}),
        ...(config.timeout_ms !== undefined ? { timeoutMs: config.timeout_ms } : {}),
        ...(ctx.signer ? { signer: ctx.signer } : {}),
        ...(ctx.assumedFrom ? { assumedFrom: ctx.assumedFrom } : {}),
      });
    case 'jwt':
      return createJwtSource(
        { ...config, secret_file: file(config.secret_file), private_key_file: file(config.private_key_file) },
        { clockLeewayS: ctx.clockLeewayS },
      );
    case 'oauth2':
      return createOAuth2Source({
        ...config,
        client_secret_file: file(config.client_secret_file),
        password_file: file(config.password_file),
        refresh_token_file: file(config.refresh_token_file),
      });
    case 'command': {
      const [program, ...args] = config.argv;
      const local = program !== undefined && program.includes('/') && !path.isAbsolute(program);
      const argv = local ? [path.resolve(ctx.baseDir, program), ...args] : config.argv;
      return createCommandSource({ ...config, argv, cwd: file(config.cwd) }, { cwd: ctx.baseDir });
    }
    case 'static':
      return createStaticSource({ ...config, file: file(config.file) as string });
  }
}
