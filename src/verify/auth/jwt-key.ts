import { createPrivateKey, createSecretKey, type KeyObject } from 'node:crypto';
import { TokenSourceError } from './errors';
import { readSecret, readSecretFile, type SecretBook } from './secrets';

/** Signing algorithms the `jwt` strategy mints with. */
export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** One of {@link JWT_ALGORITHMS}. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Where the `jwt` strategy's key comes from (snake_case, as in the targets file). */
export interface JwtKeyConfig {
  alg: JwtAlgorithm;
  /** HS*: environment variable holding the shared secret. */
  secret_env?: string;
  /** HS*: file holding the shared secret (a trailing newline is dropped). */
  secret_file?: string;
  /** HS*: how the secret's text encodes its bytes. Default `utf8` (the text itself is the key). */
  secret_encoding?: 'utf8' | 'base64' | 'base64url' | 'hex';
  /** Asymmetric algs: a PEM (PKCS#8, PKCS#1 or SEC1) or a JWK (JSON) private key. */
  private_key_file?: string;
  /** `kid` header of minted tokens (default: the JWK's own `kid`, else none). */
  kid?: string;
}

/** A loaded signing key. */
export interface SigningKey {
  alg: JwtAlgorithm;
  key: KeyObject;
  kid?: string;
}

/**
 * Loads the signing key of a `jwt` auth entry, holding every secret it reads in `book` (for redaction). Throws
 * TokenSourceError `AUTH_CONFIG_INVALID` (secret for an asymmetric alg, key file for HS*, both or neither),
 * `SECRET_MISSING`/`SECRET_UNREADABLE`, or `KEY_INVALID` (not a private key, or one that does not fit the alg).
 * No message contains key material.
 *
 * @example
 * const key = loadSigningKey({ alg: 'HS256', secret_env: 'NETRA_JWT_SECRET' }, book);
 */
export function loadSigningKey(config: JwtKeyConfig, book: SecretBook): SigningKey {
  const symmetric = config.alg.startsWith('HS');
  const hasSecret = config.secret_env !== undefined || config.secret_file !== undefined;
  if (symmetric) {
    if (config.private_key_file !== undefined)
      invalid(`${config.alg} signs with a shared secret, not private_key_file`);
    if (!hasSecret || (config.secret_env !== undefined && config.secret_file !== undefined)) {
      invalid(`${config.alg} needs exactly one of secret_env or secret_file`);
    }
    const text = readSecret({ env: config.secret_env, file: config.secret_file }, 'HMAC secret');
    book.hold(text);
    const bytes = Buffer.from(text, config.secret_encoding ?? 'utf8');
    if (bytes.length === 0) throw new TokenSourceError('KEY_INVALID', `the ${config.alg} secret decodes to no bytes`);
    return { alg: config.alg, key: createSecretKey(bytes), ...(config.kid ? { kid: config.kid } : {}) };
  }
  if (hasSecret) invalid(`${config.alg} signs with private_key_file, not a shared secret`);
  if (config.private_key_file === undefined) invalid(`${config.alg} needs private_key_file (PEM or JWK)`);
  const file = config.private_key_file as string;
  const text = readSecretFile(file, 'private key');
  book.hold(text);
  book.hold(text.trim());
  const { key, jwkKid } = parsePrivateKey(text, file, book);
  checkKeyFitsAlg(key, config.alg, file);
  const kid = config.kid ?? jwkKid;
  return { alg: config.alg, key, ...(kid ? { kid } : {}) };
}

function invalid(message: string): never {
  throw new TokenSourceError('AUTH_CONFIG_INVALID', message);
}

function parsePrivateKey(text: string, file: string, book: SecretBook): { key: KeyObject; jwkKid?: string } {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as Record<string, unknown>;
      for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        if (typeof jwk[part] === 'string') book.hold(jwk[part]);
      const key = createPrivateKey({ key: jwk as never, format: 'jwk' });
      return { key, ...(typeof jwk.kid === 'string' ? { jwkKid: jwk.kid } : {}) };
    }
    return { key: createPrivateKey({ key: trimmed, format: 'pem' }) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TokenSourceError(
      'KEY_INVALID',
      `${file} is not a PEM or JWK private key${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
}

const CURVES: Partial<Record<JwtAlgorithm, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

function checkKeyFitsAlg(key: KeyObject, alg: JwtAlgorithm, file: string): void {
  const type = key.asymmetricKeyType;
  const fits = alg.startsWith('RS')
    ? type === 'rsa'
    : alg.startsWith('PS')
      ? type === 'rsa' || type === 'rsa-pss'
      : alg.startsWith('ES')
        ? type === 'ec' && key.asymmetricKeyDetails?.namedCurve === CURVES[alg]
        : type === 'ed25519' || type === 'ed448';
  if (!fits) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    throw new TokenSourceError(
      'KEY_INVALID',
      `the key in ${file} is ${type ?? 'unknown'}${curve ? ` (${curve})` : ''}, which cannot sign ${alg}`,
    );
  }
}
