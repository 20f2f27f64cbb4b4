import { readFileSync, statSync } from 'node:fs';
import { TokenSourceError } from './errors';

/** Where a secret comes from: an environment variable or a file, never the targets file itself. */
export interface SecretRef {
  /** Name of the environment variable that holds it. */
  env?: string;
  /** Path of a file that holds it (a trailing newline is dropped). */
  file?: string;
}

// Secrets, keys and token files are small; a huge file is a wrong path, not a secret.
const MAX_SECRET_FILE_BYTES = 1024 * 1024;

/**
 * Reads a secret from its environment variable or file. `what` names it in errors (`client secret`, `HMAC secret`);
 * the value never appears in any message. Throws TokenSourceError `SECRET_MISSING` (variable unset or empty, file
 * absent) or `SECRET_UNREADABLE` (not a regular file, too large, unreadable).
 *
 * @example
 * const secret = readSecret({ env: 'NETRA_JWT_SECRET' }, 'HMAC secret'); // process.env.NETRA_JWT_SECRET
 */
export function readSecret(ref: SecretRef, what: string): string {
  if (ref.env !== undefined) {
    const value = process.env[ref.env];
    if (value === undefined || value === '') {
      throw new TokenSourceError(
        'SECRET_MISSING',
        `the ${what} comes from environment variable ${ref.env}, which is not set`,
      );
    }
    return value;
  }
  if (ref.file !== undefined) return readSecretFile(ref.file, what).replace(/\r?\n$/, '');
  throw new TokenSourceError(
    'AUTH_CONFIG_INVALID',
    `no source for the ${what}: give an environment variable or a file`,
  );
}

/**
 * The whole text of a secret-bearing file (a key, a token list), with the checks of {@link readSecret}.
 *
 * @example
 * const pem = readSecretFile('/etc/netra/signing-key.pem', 'private key');
 */
export function readSecretFile(file: string, what: string): string {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile())
      throw new TokenSourceError('SECRET_UNREADABLE', `the ${what} file ${file} is not a regular file`);
    size = stat.size;
  } catch (err) {
    if (err instanceof TokenSourceError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TokenSourceError('SECRET_MISSING', `the ${what} file ${file} does not exist`);
    throw new TokenSourceError('SECRET_UNREADABLE', `cannot read the ${what} file ${file} (${code ?? 'error'})`);
  }
  if (size > MAX_SECRET_FILE_BYTES) {
    throw new TokenSourceError(
      'SECRET_UNREADABLE',
      `the ${what} file ${file} is ${size} bytes; at most ${MAX_SECRET_FILE_BYTES}`,
    );
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TokenSourceError('SECRET_UNREADABLE', `cannot read the ${what} file ${file} (${code ?? 'error'})`);
  }
}

// A load run hands out one token per virtual user and refresh: keep the most recent ones, bounded.
const MAX_KEPT_TOKENS = 10_000;

/**
 * The secrets a token source holds (configured ones, kept for its lifetime) and the tokens it handed out (the most
 * recent {@link MAX_KEPT_TOKENS}), for `TokenSource.secrets()` and redaction.
 *
 * @example
 * const book = new SecretBook();
 * book.hold(clientSecret);
 * book.handOut(accessToken);
 * redactText(line, book.list());
 */
export class SecretBook {
  private readonly held = new Set<string>();
  private readonly tokens = new Set<string>();

  /** A configured secret (kept for the source's lifetime). Empty strings are ignored. */
  hold(secret: string | undefined): void {
    if (secret) this.held.add(secret);
  }

  /** A token handed out; the oldest ones are forgotten past the bound. */
  handOut(token: string | undefined): void {
    if (!token) return;
    this.tokens.delete(token);
    this.tokens.add(token);
    if (this.tokens.size > MAX_KEPT_TOKENS) this.tokens.delete(this.tokens.values().next().value as string);
  }

  list(): readonly string[] {
    return [...this.held, ...this.tokens];
  }
}
