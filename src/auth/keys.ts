import {
  CompactSign,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { MAX_TIME_S } from './claims';
import { AuthError } from './errors';

/** A published verification key: an Ed25519 public JWK with its `kid`. */
export interface PublicSigningJwk extends JWK {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

interface SigningKey {
  kid: string;
  jwk: PublicSigningJwk;
  publicKey: KeyLike;
  /** Dropped when the key retires: a retired key only verifies. */
  privateKey?: KeyLike;
  /** Latest `exp` (seconds) of any token this key signed; a retired key is published until then (+ tolerance). */
  lastExp: number;
}

async function generateSigningKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const exported = await exportJWK(publicKey);
  // The RFC 7638 thumbprint is a stable, collision-free kid derived from the key itself.
  const kid = await calculateJwkThumbprint(exported);
  const jwk: PublicSigningJwk = { kty: 'OKP', crv: 'Ed25519', x: exported.x as string, kid, alg: 'EdDSA', use: 'sig' };
  return { kid, jwk, publicKey, privateKey, lastExp: 0 };
}

/**
 * A signing key from a private Ed25519 JWK (`kty: OKP`, `crv: Ed25519`, `x`, `d`): a deployment (or a test) that must
 * keep its key across restarts or share it with a token minter. Throws AuthError `AUTH_CONFIG_INVALID` (exit 2) for
 * anything else; the message never repeats the key material.
 */
async function importSigningKey(jwk: JWK): Promise<SigningKey> {
  const bad = (why: string): AuthError =>
    new AuthError('AUTH_CONFIG_INVALID', `the signing key must be a private Ed25519 JWK: ${why}`, { exitCode: 2 });
  if (jwk === null || typeof jwk !== 'object') throw bad('not a JSON object');
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw bad('kty must be "OKP" and crv "Ed25519"');
  if (typeof jwk.x !== 'string' || typeof jwk.d !== 'string') throw bad('"x" and "d" must be base64url strings');
  let privateKey: KeyLike;
  let publicKey: KeyLike;
  try {
    privateKey = (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, 'EdDSA')) as KeyLike;
    publicKey = (await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }, 'EdDSA')) as KeyLike;
  } catch {
    throw bad('"x"/"d" do not form an Ed25519 key');
  }
  // Same kid derivation as a generated key, so the kid never depends on what the file claims.
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
  return {
    kid,
    jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' },
    publicKey,
    privateKey,
    lastExp: 0,
  };
}

/**
 * The auth service's keys. One `current` key signs. The `next` key is already published so that verifiers whose JWKS
 * cache predates a rotation still know the new signing key. Retired keys stay published (public half only) until
 * the last token they signed has expired, so a rotation never invalidates a live token.
 */
export class KeyRing {
  private current: SigningKey;
  private next: SigningKey;
  private retired: SigningKey[] = [];

  private constructor(
    current: SigningKey,
    next: SigningKey,
    private readonly retentionGraceS: number,
  ) {
    this.current = current;
    this.next = next;
  }

  /** A ring whose first signing key is `signingJwk` (a private Ed25519 JWK) when given, else a fresh one. */
  static async create(retentionGraceS: number, signingJwk?: JWK): Promise<KeyRing> {
    const current = signingJwk === undefined ? await generateSigningKey() : await importSigningKey(signingJwk);
    return new KeyRing(current, await generateSigningKey(), retentionGraceS);
  }

  /** Kid of the key that signs now. */
  get currentKid(): string {
    return this.current.kid;
  }

  /** Promotes `next` to signing key, retires the old one, and publishes a fresh `next`. */
  async rotate(): Promise<{ retiredKid: string; currentKid: string }> {
    const fresh = await generateSigningKey();
    const old = this.current;
    delete old.privateKey;
    this.retired.unshift(old);
    this.current = this.next;
    this.next = fresh;
    this.prune();
    return { retiredKid: old.kid, currentKid: this.current.kid };
  }

  /** The public JWKS: current, next, then still-needed retired keys. */
  jwks(): { keys: PublicSigningJwk[] } {
    this.prune();
    return { keys: [this.current, this.next, ...this.retired].map((key) => ({ ...key.jwk })) };
  }

  /** Signs `payload` with the current key; `header` may add fields (e.g. a different `kid`) but `alg` stays EdDSA. */
  async sign(payload: JWTPayload, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
    const key = this.current;
    if (!key.privateKey) throw new AuthError('AUTH_FAILED', 'the signing key has no private half');
    const exp = payload.exp;
    // A time no Date can hold (tests sign such tokens) must not pin a retired key in the JWKS forever.
    if (typeof exp === 'number' && exp <= MAX_TIME_S && exp > key.lastExp) key.lastExp = exp;
    return new SignJWT(payload)
      .setProtectedHeader({ typ: 'JWT', kid: key.kid, ...header, alg: 'EdDSA' })
      .sign(key.privateKey);
  }

  /** Signs raw payload bytes with the current key (for tests of payloads that are not clean UTF-8 JSON). */
  async signBytes(payload: Uint8Array, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
    const key = this.current;
    if (!key.privateKey) throw new AuthError('AUTH_FAILED', 'the signing key has no private half');
    return new CompactSign(payload)
      .setProtectedHeader({ typ: 'JWT', kid: key.kid, ...header, alg: 'EdDSA' })
      .sign(key.privateKey);
  }

  /**
   * Withdraws a key from the JWKS at once (a leaked key): the signing key is first replaced (as by a rotation),
   * `next` is regenerated, a retired key is dropped. Throws AuthError `KEY_NOT_FOUND` for a kid it does not publish.
   */
  async revoke(kid: string): Promise<void> {
    if (kid === this.current.kid) {
      await this.rotate();
      this.retired = this.retired.filter((key) => key.kid !== kid);
      return;
    }
    if (kid === this.next.kid) {
      this.next = await generateSigningKey();
      return;
    }
    const before = this.retired.length;
    this.retired = this.retired.filter((key) => key.kid !== kid);
    if (this.retired.length === before) {
      throw new AuthError('KEY_NOT_FOUND', `no published key has kid ${JSON.stringify(kid.slice(0, 64))}`);
    }
  }

  /** A jose key resolver over the published keys, for verifying our own (refresh) tokens. */
  readonly getKey: JWTVerifyGetKey = async (header) => {
    if (typeof header.kid !== 'string') throw new AuthError('TOKEN_INVALID', 'token header has no "kid"');
    this.prune();
    const key = [this.current, this.next, ...this.retired].find((candidate) => candidate.kid === header.kid);
    if (!key) {
      throw new AuthError(
        'TOKEN_INVALID',
        `token was signed with an unknown key (kid ${JSON.stringify(header.kid.slice(0, 64))})`,
      );
    }
    return key.publicKey;
  };

  private prune(): void {
    const nowS = Date.now() / 1000;
    this.retired = this.retired.filter((key) => key.lastExp + this.retentionGraceS >= nowS);
  }
}
