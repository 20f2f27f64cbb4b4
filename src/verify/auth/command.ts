import { spawn } from 'node:child_process';
import { redactText } from '../../util/redact';
import { algNoneCopy, isCompactJwt, malformedToken, tamperedCopy } from './derive';
import { TokenSourceError } from './errors';
import { SecretBook } from './secrets';
import { fillText, mentions } from './template';
import type { IssuedToken, TokenKind, TokenRequest, TokenSource, Unsupported } from './types';

/** The `command` entry of a target's `auth` (snake_case, as in the targets file). */
export interface CommandAuthConfig {
  kind: 'command';
  /**
   * The executable and its arguments (no shell). `{user}` is substituted; so are `{kind}` (a {@link TokenKind}: the
   * command then makes every kind itself, and exits 3 for one it cannot) and `{ttl_s}` (the wanted lifetime, or '').
   */
  argv: string[];
  /** Default 10000 ms; the command (and its process group) is killed past it. */
  timeout_ms?: number;
  /** Extra environment variables (not secrets: those come from the inherited environment). */
  env?: Record<string, string>;
  /** Working directory. Default: the targets file's folder. */
  cwd?: string;
  /** Show the command's stderr (redacted) when it fails. Default false: stderr may hold secrets. */
  echo_stderr?: boolean;
  /** Whether the tokens are JWTs (default) or opaque. */
  token_format?: 'jwt' | 'opaque';
}

/** Exit status by which a `{kind}` command says it cannot make the kind asked for. */
export const COMMAND_KIND_UNSUPPORTED_EXIT = 3;
const MAX_OUTPUT_BYTES = 64 * 1024;
const DERIVABLE: ReadonlySet<TokenKind> = new Set(['valid', 'bad_signature', 'alg_none', 'malformed']);

/**
 * The `command` strategy, in the manner of kubectl's exec credential plugins: runs an executable per token (a cloud
 * CLI, a vault client, a company SSO script) and reads from its stdout either the token alone, or JSON
 * `{"access_token","expires_in"}`, or a Kubernetes `ExecCredential` (`status.token`, `status.expirationTimestamp`).
 * Without `{kind}` in argv it makes `valid`, `malformed`, and for JWTs `bad_signature` and `alg_none` copies.
 * Failures are TokenSourceError `COMMAND_FAILED` (cannot start, non-zero exit), `COMMAND_TIMEOUT`,
 * `COMMAND_OUTPUT_INVALID` or `TOKEN_KIND_UNSUPPORTED` (exit 3 for a `{kind}`); the command's stdout and stderr never
 * appear in them unless `echo_stderr` asks for its stderr, redacted: JWT-shaped strings, every token handed out, and
 * the values of environment variables named like secrets (`*SECRET*`, `*TOKEN*`, `*PASSWORD*`, `*API_KEY*` ...).
 *
 * @example
 * const auth = createCommandSource({ kind: 'command', argv: ['vault', 'read', '-field=token', 'netra/tokens/{user}'] },
 *   { cwd: process.cwd() });
 * const { token } = await auth.token({ user: 'alice' });
 */
export function createCommandSource(config: CommandAuthConfig, opts: { cwd: string }): TokenSource {
  if (config.argv.length === 0 || config.argv[0] === '') {
    throw new TokenSourceError('AUTH_CONFIG_INVALID', 'command argv must name an executable');
  }
  const book = new SecretBook();
  const makesKinds = mentions(config.argv, 'kind');
  const jwt = (config.token_format ?? 'jwt') === 'jwt';
  const run = (user: string, kind: TokenKind, ttlS?: number): Promise<IssuedToken> =>
    runCommand(config, opts.cwd, { user, kind, ttl_s: ttlS === undefined ? '' : String(ttlS) }, book);
  const supports = (kind: TokenKind): true | Unsupported => {
    if (makesKinds || kind === 'valid' || kind === 'malformed') return true;
    if (!DERIVABLE.has(kind))
      return { reason: `${kind}: the command makes valid tokens only (add {kind} to its argv to make the others)` };
    return jwt ? true : { reason: `${kind}: this target's tokens are opaque (token_format: opaque)` };
  };
  return {
    kind: 'command',
    supports,
    async token(request: TokenRequest): Promise<IssuedToken> {
      const kind = request.kind ?? 'valid';
      const why = supports(kind);
      if (why !== true) throw new TokenSourceError('TOKEN_KIND_UNSUPPORTED', why.reason);
      if (makesKinds) return run(request.user, kind, request.ttlS);
      if (kind === 'malformed') return { token: malformedToken() };
      const issued = await run(request.user, 'valid', request.ttlS);
      if (kind === 'valid') return issued;
      if (!isCompactJwt(issued.token)) {
        throw new TokenSourceError(
          'TOKEN_KIND_UNSUPPORTED',
          `${kind}: the command's token is not a JWT (set token_format: opaque)`,
        );
      }
      return { token: kind === 'alg_none' ? algNoneCopy(issued.token) : tamperedCopy(issued.token) };
    },
    refresh: (user: string) => run(user, 'valid'),
    secrets: () => book.list(),
  };
}

function runCommand(
  config: CommandAuthConfig,
  cwd: string,
  vars: Record<string, string>,
  book: SecretBook,
): Promise<IssuedToken> {
  const argv = config.argv.map((arg) => fillText(arg, vars));
  const name = argv[0];
  const timeoutMs = config.timeout_ms ?? 10_000;
  return new Promise((resolve, reject) => {
    const child = spawn(name, argv.slice(1), {
      cwd: config.cwd ?? cwd,
      env: { ...process.env, ...config.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
      detached: true,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      killGroup();
      settle(() =>
        reject(
          new TokenSourceError('COMMAND_TIMEOUT', `command ${name} did not finish within ${timeoutMs} ms (killed)`),
        ),
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes <= MAX_OUTPUT_BYTES) stdout.push(chunk);
      else {
        killGroup();
        settle(() =>
          reject(
            new TokenSourceError(
              'COMMAND_OUTPUT_INVALID',
              `command ${name} printed more than ${MAX_OUTPUT_BYTES} bytes`,
            ),
          ),
        );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errBytes += chunk.length;
      if (errBytes <= MAX_OUTPUT_BYTES) stderr.push(chunk);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      settle(() =>
        reject(new TokenSourceError('COMMAND_FAILED', `cannot run command ${name} (${err.code ?? err.name})`)),
      );
    });
    child.on('close', (code, signal) => {
      settle(() => {
        try {
          const output = Buffer.concat(stdout).toString('utf8');
          // Whatever the outcome, anything it printed may be a secret.
          book.handOut(output.trim());
          if (code !== 0)
            throw failure(config, name, vars.kind, code, signal, Buffer.concat(stderr).toString('utf8'), book);
          const issued = parseOutput(output, name);
          book.handOut(issued.token);
          resolve(issued);
        } catch (err) {
          reject(err);
        }
      });
    });
  });
}

function failure(
  config: CommandAuthConfig,
  name: string,
  kind: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  book: SecretBook,
): TokenSourceError {
  if (code === COMMAND_KIND_UNSUPPORTED_EXIT && mentions(config.argv, 'kind')) {
    return new TokenSourceError(
      'TOKEN_KIND_UNSUPPORTED',
      `${kind}: command ${name} cannot make this kind (exit ${code})`,
    );
  }
  const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
  const shown = config.echo_stderr
    ? `: ${redactText(stderr.trim().slice(-500), [...book.list(), ...secretLookingEnv()]) || '(no stderr)'}`
    : ` (stderr, ${Buffer.byteLength(stderr)} bytes, is not shown: it may hold secrets; echo_stderr: true shows it redacted)`;
  return new TokenSourceError('COMMAND_FAILED', `command ${name} ${how}${shown}`);
}

// The command inherits the environment, where its own secrets live: their values are scrubbed from what it says.
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_?KEY/i;

function secretLookingEnv(): string[] {
  return Object.entries(process.env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= 8)
    .map(([, value]) => value as string);
}

function parseOutput(output: string, name: string): IssuedToken {
  const text = output.trim();
  const invalid = (): TokenSourceError =>
    new TokenSourceError(
      'COMMAND_OUTPUT_INVALID',
      `command ${name} printed ${Buffer.byteLength(text)} bytes that are neither a token nor JSON with access_token ` +
        `(or an ExecCredential status.token)`,
    );
  if (text === '') throw invalid();
  if (!text.startsWith('{')) {
    if (/\s/.test(text)) throw invalid();
    return { token: text };
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw invalid();
  }
  const status =
    typeof json.status === 'object' && json.status !== null ? (json.status as Record<string, unknown>) : undefined;
  const token = typeof json.access_token === 'string' ? json.access_token : status?.token;
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) throw invalid();
  const issued: IssuedToken = { token };
  if (typeof json.expires_in === 'number' && Number.isFinite(json.expires_in)) {
    issued.expiresAt = Date.now() + json.expires_in * 1000;
  } else if (typeof status?.expirationTimestamp === 'string') {
    const at = Date.parse(status.expirationTimestamp);
    if (Number.isFinite(at)) issued.expiresAt = at;
  }
  return issued;
}
