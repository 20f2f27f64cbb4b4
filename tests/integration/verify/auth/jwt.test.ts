import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { AuthError } from '../../../../src/auth';
import { verifyToken } from '../../../../src/auth/verify-token';
import { createJwtSource, TOKEN_KINDS, type JwtAuthConfig, type TokenKind } from '../../../../src/verify/auth';

const ISSUER = 'netra-auth-service';
const AUDIENCE = 'netra-platform';
const CLAIMS = {
  iss: ISSUER,
  aud: AUDIENCE,
  token_type: 'access',
  permissions: ['chat'],
  email: '{user}@netra.example',
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'jwt-strategy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

/**
 * The contract's token checks with jose and the verification key: the claims asyncapi.yaml requires, a 5 s leeway.
 * Returns 'ok' or what refused it.
 */
async function contractVerdict(token: string, key: KeyObject | Uint8Array, alg: string): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [alg],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTolerance: 5,
      requiredClaims: ['sub', 'exp', 'iat', 'iss', 'aud'],
    });
    if (payload.token_type !== 'access') return 'wrong token_type';
    if (!Array.isArray(payload.permissions) || !payload.permissions.includes('chat')) return 'no chat permission';
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

const JOSE_REFUSAL: Record<TokenKind, string> = {
  valid: 'ok',
  expired: 'ERR_JWT_EXPIRED',
  not_yet_valid: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  wrong_audience: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  wrong_issuer: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  bad_signature: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  alg_none: 'ERR_JOSE_ALG_NOT_ALLOWED',
  malformed: 'ERR_JWS_INVALID',
  missing_permission: 'no chat permission',
  wrong_type: 'wrong token_type',
};

interface AlgCase {
  alg: JwtAuthConfig['alg'];
  config: () => Partial<JwtAuthConfig>;
  verifyKey: () => KeyObject | Uint8Array;
  kid?: string;
}

const hsSecret = randomBytes(32).toString('base64url');
const hsRaw = randomBytes(48);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed = generateKeyPairSync('ed25519');

const CASES: AlgCase[] = [
  {
    alg: 'HS256',
    config: () => ((process.env.NETRA_TEST_HS256 = hsSecret), { secret_env: 'NETRA_TEST_HS256' }),
    verifyKey: () => new TextEncoder().encode(hsSecret),
  },
  {
    alg: 'HS512',
    config: () => ({ secret_file: file('hs512.b64', `${hsRaw.toString('base64')}\n`), secret_encoding: 'base64' }),
    verifyKey: () => new Uint8Array(hsRaw),
  },
  {
    alg: 'RS256',
    config: () => ({
      private_key_file: file('rsa-pkcs1.pem', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string),
      kid: 'rsa-1',
    }),
    verifyKey: () => rsa.publicKey,
    kid: 'rsa-1',
  },
  {
    alg: 'PS256',
    config: () => ({
      private_key_file: file('rsa-pkcs8.pem', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
    }),
    verifyKey: () => rsa.publicKey,
  },
  {
    alg: 'ES256',
    config: () => ({
      private_key_file: file(
        'ec256.jwk',
        JSON.stringify({ ...ec256.privateKey.export({ format: 'jwk' }), kid: 'ec-jwk-1' }),
      ),
    }),
    verifyKey: () => ec256.publicKey,
    kid: 'ec-jwk-1',
  },
  {
    alg: 'ES384',
    config: () => ({
      private_key_file: file('ec384-sec1.pem', ec384.privateKey.export({ type: 'sec1', format: 'pem' }) as string),
    }),
    verifyKey: () => ec384.publicKey,
  },
  {
    alg: 'EdDSA',
    config: () => ({
      private_key_file: file('ed.pem', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
      kid: 'ed-1',
    }),
    verifyKey: () => ed.publicKey,
    kid: 'ed-1',
  },
];

describe('jwt strategy: every algorithm and every token kind, judged by a real verifier with the same key', () => {
  test.each(CASES)(
    '$alg: only valid passes; each bad kind is refused for its own reason',
    async ({ alg, config, verifyKey, kid }) => {
      const source = await createJwtSource({ kind: 'jwt', alg, claims: CLAIMS, ...config() }, { clockLeewayS: 5 });
      for (const kind of TOKEN_KINDS) {
        expect(source.supports(kind)).toBe(true);
        const { token } = await source.token({ user: 'alice', kind });
        expect([kind, await contractVerdict(token, verifyKey(), alg)]).toEqual([kind, JOSE_REFUSAL[kind]]);
        if (kind === 'valid') {
          const header = decodeProtectedHeader(token);
          expect(header).toEqual({ alg, typ: 'JWT', ...(kid ? { kid } : {}) });
          const { payload } = await jwtVerify(token, verifyKey());
          expect(payload).toMatchObject({ ...CLAIMS, sub: 'alice', email: 'alice@netra.example' });
          // Lives at least the 900 s asked: exp is rounded up to the next whole second.
          expect([900, 901]).toContain(payload.exp! - payload.iat!);
        }
      }
    },
  );

  test("EdDSA with the reference claims: the reference provider's own verifier agrees, code by code", async () => {
    const pem = file('ref-ed.pem', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const claims = { iss: 'netra-auth', aud: 'netra-agent-ws', token_type: 'access', permissions: ['chat'] };
    const source = await createJwtSource(
      { kind: 'jwt', alg: 'EdDSA', private_key_file: pem, kid: 'k1', claims },
      { clockLeewayS: 5 },
    );
    const expected: Record<TokenKind, string> = {
      valid: 'ok',
      expired: 'TOKEN_EXPIRED',
      not_yet_valid: 'TOKEN_INVALID',
      wrong_audience: 'TOKEN_INVALID',
      wrong_issuer: 'TOKEN_INVALID',
      bad_signature: 'TOKEN_INVALID',
      alg_none: 'TOKEN_INVALID',
      malformed: 'TOKEN_INVALID',
      missing_permission: 'PERMISSION_DENIED',
      wrong_type: 'TOKEN_WRONG_TYPE',
    };
    const expectations = {
      issuer: 'netra-auth',
      audience: 'netra-agent-ws',
      clockToleranceS: 5,
      tokenType: 'access' as const,
      maxLifetimeS: 86_405,
      requiredPermission: 'chat',
    };
    for (const kind of TOKEN_KINDS) {
      const { token } = await source.token({ user: 'bob', kind });
      const got = await verifyToken(token, async () => ed.publicKey, expectations).then(
        () => 'ok',
        (err: unknown) => (err instanceof AuthError ? err.code : String(err)),
      );
      expect([kind, got]).toEqual([kind, expected[kind]]);
    }
  });

  test("HS256 as Netra's backend verifies it: PyJWT (Debian python3-jwt) accepts only the valid token", async () => {
    process.env.NETRA_TEST_HS256 = hsSecret;
    const source = await createJwtSource(
      { kind: 'jwt', alg: 'HS256', secret_env: 'NETRA_TEST_HS256', claims: CLAIMS },
      { clockLeewayS: 5 },
    );
    const tokens: Record<string, string> = {};
    for (const kind of TOKEN_KINDS) tokens[kind] = (await source.token({ user: 'carol', kind })).token;
    const script = [
      'import json, sys, jwt',
      'data = json.load(sys.stdin)',
      'out = {}',
      'for kind, token in data["tokens"].items():',
      '    try:',
      '        claims = jwt.decode(token, data["secret"], algorithms=["HS256"], audience=data["aud"], issuer=data["iss"],',
      '                            leeway=5, options={"require": ["sub", "exp", "iat", "iss", "aud"]})',
      '        ok = claims.get("token_type") == "access" and "chat" in claims.get("permissions", [])',
      '        out[kind] = "ok" if ok else "claims"',
      '    except jwt.InvalidTokenError as err:',
      '        out[kind] = type(err).__name__',
      'print(json.dumps(out))',
    ].join('\n');
    const input = JSON.stringify({ tokens, secret: hsSecret, aud: AUDIENCE, iss: ISSUER });
    const verdicts = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input }).toString()) as Record<
      string,
      string
    >;
    expect(verdicts).toEqual({
      valid: 'ok',
      expired: 'ExpiredSignatureError',
      not_yet_valid: 'ImmatureSignatureError',
      wrong_audience: 'InvalidAudienceError',
      wrong_issuer: 'InvalidIssuerError',
      bad_signature: 'InvalidSignatureError',
      alg_none: 'InvalidAlgorithmError',
      malformed: 'DecodeError',
      missing_permission: 'claims',
      wrong_type: 'claims',
    });
  });

  test('a kind whose claim the template lacks is unsupported, with the reason', async () => {
    process.env.NETRA_TEST_HS256 = hsSecret;
    const source = await createJwtSource(
      { kind: 'jwt', alg: 'HS256', secret_env: 'NETRA_TEST_HS256', claims: { iss: ISSUER } },
      { clockLeewayS: 5 },
    );
    expect(source.supports('wrong_issuer')).toBe(true);
    for (const [kind, claim] of [
      ['wrong_audience', 'aud'],
      ['missing_permission', 'permissions'],
      ['wrong_type', 'token_type'],
    ] as const) {
      expect(source.supports(kind)).toEqual({
        reason: `${kind}: the jwt claims template has no "${claim}", so the target does not check it`,
      });
      await expect(source.token({ user: 'x', kind })).rejects.toMatchObject({ code: 'TOKEN_KIND_UNSUPPORTED' });
    }
  });

  test("lifetimes: ttl_s, a request's ttlS, expiresAt; refresh mints a new token", async () => {
    process.env.NETRA_TEST_HS256 = hsSecret;
    const source = await createJwtSource(
      { kind: 'jwt', alg: 'HS256', secret_env: 'NETRA_TEST_HS256', claims: CLAIMS, ttl_s: 120 },
      { clockLeewayS: 5 },
    );
    const key = new TextEncoder().encode(hsSecret);
    const first = await source.token({ user: 'dee' });
    expect((await jwtVerify(first.token, key)).payload).toMatchObject({ exp: Math.round(first.expiresAt! / 1000) });
    expect(first.expiresAt! - Date.now()).toBeGreaterThan(110_000);
    // A 3-second token lives 3 to 4 s from the request: exp is rounded up to the next whole second, never down.
    const askedAt = Date.now();
    const short = await source.token({ user: 'dee', ttlS: 3 });
    expect(short.expiresAt!).toBeGreaterThanOrEqual(askedAt + 3_000);
    expect(short.expiresAt! - Date.now()).toBeLessThanOrEqual(4_000);
    const renewed = await source.refresh!('dee', first);
    expect(renewed.token).not.toBe(first.token);
    const renewedShort = await source.refresh!('dee', short);
    expect(renewedShort.expiresAt! - Date.now()).toBeLessThanOrEqual(4_000);
    expect(await contractVerdict(renewed.token, key, 'HS256')).toBe('ok');
  });

  test('bad entries fail at once with typed errors that hold no key material', async () => {
    const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const rsaFile = file('rsa-for-ec.pem', pkcs8);
    const make = (config: Partial<JwtAuthConfig>) =>
      createJwtSource({ kind: 'jwt', alg: 'HS256', claims: CLAIMS, ...config } as JwtAuthConfig, {
        clockLeewayS: 5,
      }).then(
        () => undefined,
        (err: Error & { code?: string }) => err,
      );
    const failures = await Promise.all([
      make({ alg: 'ES256', private_key_file: rsaFile }),
      make({ alg: 'RS256', private_key_file: file('garbage.pem', 'not a key at all') }),
      make({ alg: 'RS256', private_key_file: path.join(dir, 'absent.pem') }),
      make({ secret_env: 'NETRA_TEST_NEVER_SET' }),
      make({ secret_env: 'NETRA_TEST_HS256', private_key_file: rsaFile }),
      make({ secret_env: 'NETRA_TEST_HS256', claims: { exp: 1 } }),
    ]);
    expect(failures.map((err) => [err?.code, err?.message])).toEqual([
      ['KEY_INVALID', `the key in ${rsaFile} is rsa, which cannot sign ES256`],
      ['KEY_INVALID', expect.stringMatching(/garbage\.pem is not a PEM or JWK private key/)],
      ['SECRET_MISSING', `the private key file ${path.join(dir, 'absent.pem')} does not exist`],
      ['SECRET_MISSING', 'the HMAC secret comes from environment variable NETRA_TEST_NEVER_SET, which is not set'],
      ['AUTH_CONFIG_INVALID', 'HS256 signs with a shared secret, not private_key_file'],
      ['AUTH_CONFIG_INVALID', 'claims.exp is set by the jwt strategy; remove it'],
    ]);
    for (const err of failures) expect(JSON.stringify({ message: err?.message, err })).not.toMatch(/PRIVATE KEY|MII/);
  });
});
