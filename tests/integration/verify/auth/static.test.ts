import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAccessVerifier, startAuthService, type AccessVerifier, type AuthService } from '../../../../src/auth';
import { createStaticSource, TOKEN_KINDS } from '../../../../src/verify/auth';
import { verdict } from '../../../support/auth';

describe('static strategy: tokens a real auth service issued, handed over in a file', () => {
  let auth: AuthService;
  let verify: AccessVerifier;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    auth = await startAuthService();
    verify = createAccessVerifier({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience });
    dir = mkdtempSync(path.join(tmpdir(), 'static-strategy-'));
    file = path.join(dir, 'tokens.yaml');
    const alice = (await auth.issueTokens('alice', { ttlS: 600 })).access_token;
    const bob = (await auth.issueTokens('bob', { ttlS: 600 })).access_token;
    writeFileSync(file, `alice: ${alice}\nbob: ${bob}\n`);
  });
  afterAll(async () => {
    await auth.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a user of the same name gets that token; others get the next free one; then a typed "exhausted"', async () => {
    const source = createStaticSource({ kind: 'static', file });
    const bob = await source.token({ user: 'bob' });
    expect(await verify(bob.token)).toMatchObject({ sub: 'bob' });
    expect(Math.abs(bob.expiresAt! - (Date.now() + 600_000))).toBeLessThan(5_000);
    const first = await source.token({ user: 'run3-u1' });
    expect(await verify(first.token)).toMatchObject({ sub: 'alice' });
    expect((await source.token({ user: 'run3-u1' })).token).toBe(first.token);
    await expect(source.token({ user: 'run3-u2' })).rejects.toMatchObject({
      code: 'STATIC_TOKENS_EXHAUSTED',
      message: `${file} holds 2 token(s), all given to other users; this run needs more users`,
    });
    expect(source.refresh).toBeUndefined();
  });

  test('valid, malformed and JWT copies only; each bad one refused by the verifier', async () => {
    const source = createStaticSource({ kind: 'static', file });
    const verdicts: Record<string, string> = {};
    for (const kind of TOKEN_KINDS) {
      const support = source.supports(kind);
      if (support === true) verdicts[kind] = await verdict(verify, (await source.token({ user: 'alice', kind })).token);
      else expect(support.reason).toMatch(/static tokens are fixed/);
    }
    expect(verdicts).toEqual({
      valid: 'ok',
      bad_signature: 'TOKEN_INVALID',
      alg_none: 'TOKEN_INVALID',
      malformed: 'TOKEN_INVALID',
    });
  });

  test('opaque tokens cannot be tampered into a bad JWT; a bad file is a typed error that quotes nothing', () => {
    const opaque = path.join(dir, 'opaque.yaml');
    writeFileSync(opaque, 'alice: opaque-token-value-1\n');
    expect(createStaticSource({ kind: 'static', file: opaque }).supports('alg_none')).toEqual({
      reason: 'alg_none: the static tokens are not all JWTs',
    });
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'alice: [s3cr3t-token-in-a-broken-file\n');
    expect(() => createStaticSource({ kind: 'static', file: broken })).toThrow(
      expect.objectContaining({
        code: 'AUTH_CONFIG_INVALID',
        message: `${broken} is not YAML or JSON (a map of user name to token)`,
      }),
    );
    writeFileSync(broken, 'alice: two words\n');
    expect(() => createStaticSource({ kind: 'static', file: broken })).toThrow(
      /the token of "alice" must be a non-empty string without spaces/,
    );
  });
});
