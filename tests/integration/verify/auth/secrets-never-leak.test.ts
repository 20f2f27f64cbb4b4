// Secrets come only from the environment or files, and never appear in anything a strategy says: errors (messages,
// causes, JSON), the Target and TokenSource objects a report might serialise, or stdout/stderr. This test runs every
// strategy through its successes and its failures and greps all of it for every secret.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { startAuthService, type AuthService } from '../../../../src/auth';
import { TOKEN_KINDS } from '../../../../src/verify/auth';
import { resolveTarget, type Target } from '../../../../src/verify/targets';
import { startOidcServer, type OidcServer } from './support';

const secret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`;
const HMAC = secret('hmac');
const CLIENT = secret('client');
const PASSWORD = secret('password');
const COMMAND_SECRET = secret('vault');
const WRONG_CLIENT = secret('wrongclient');

describe('no strategy ever says a secret', () => {
  let auth: AuthService;
  let oidc: OidcServer;
  let dir: string;
  let targetsFile: string;
  const secrets: string[] = [HMAC, CLIENT, PASSWORD, COMMAND_SECRET, WRONG_CLIENT];
  const said: string[] = [];
  const tokens: string[] = [];

  const env = {
    NETRA_LEAK_HMAC: HMAC,
    NETRA_LEAK_CLIENT: CLIENT,
    NETRA_LEAK_PASSWORD: PASSWORD,
    NETRA_LEAK_VAULT_SECRET: COMMAND_SECRET,
    NETRA_LEAK_WRONG_CLIENT: WRONG_CLIENT,
  };

  beforeAll(async () => {
    Object.assign(process.env, env);
    auth = await startAuthService();
    oidc = await startOidcServer(CLIENT, PASSWORD);
    dir = mkdtempSync(path.join(tmpdir(), 'leak-'));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const jwk = privateKey.export({ format: 'jwk' });
    secrets.push(pem.trim(), ...pem.split('\n').filter((line) => line.length > 40), jwk.d as string);
    writeFileSync(path.join(dir, 'ec.pem'), pem);
    const staticToken = (await auth.issueTokens('sam')).access_token;
    secrets.push(staticToken);
    writeFileSync(path.join(dir, 'static.yaml'), `sam: ${staticToken}\n`);
    const command = path.join(__dirname, 'token-command.js');
    const claims = '{ iss: netra-auth, aud: netra-agent-ws, token_type: access, permissions: [chat] }';
    const oauth = `token_url: ${oidc.tokenEndpoint}, client_id: netra-basic`;
    targetsFile = path.join(dir, 'targets.yaml');
    writeFileSync(
      targetsFile,
      [
        'targets:',
        `  dev: { url: ws://127.0.0.1:1/ws, auth: { kind: dev, url: ${auth.url} } }`,
        `  dev-down: { url: ws://127.0.0.1:1/ws, auth: { kind: dev, url: 'http://127.0.0.1:1' } }`,
        `  hs: { url: ws://127.0.0.1:1/ws, auth: { kind: jwt, alg: HS256, secret_env: NETRA_LEAK_HMAC, claims: ${claims} } }`,
        `  ec: { url: ws://127.0.0.1:1/ws, auth: { kind: jwt, alg: ES256, private_key_file: ec.pem, claims: ${claims} } }`,
        `  ec-wrong-alg: { url: ws://127.0.0.1:1/ws, auth: { kind: jwt, alg: RS256, private_key_file: ec.pem } }`,
        `  oauth: { url: ws://127.0.0.1:1/ws, auth: { kind: oauth2, grant: password, ${oauth}, client_secret_env: NETRA_LEAK_CLIENT, password_env: NETRA_LEAK_PASSWORD, scope: 'openid offline_access chat', exchange: { audience: netra-agent-ws } } }`,
        `  oauth-wrong: { url: ws://127.0.0.1:1/ws, auth: { kind: oauth2, grant: password, ${oauth}, client_secret_env: NETRA_LEAK_WRONG_CLIENT, password_env: NETRA_LEAK_PASSWORD } }`,
        `  oauth-badpw: { url: ws://127.0.0.1:1/ws, auth: { kind: oauth2, grant: password, ${oauth}, client_secret_env: NETRA_LEAK_CLIENT, password_env: NETRA_LEAK_CLIENT } }`,
        `  cmd: { url: ws://127.0.0.1:1/ws, auth: { kind: command, argv: ['${process.execPath}', '${command}', json, '{user}'], env: { AUTH_URL: '${auth.url}' } } }`,
        `  cmd-leaky: { url: ws://127.0.0.1:1/ws, auth: { kind: command, echo_stderr: true, argv: ['${process.execPath}', '${command}', leak-fail, '{user}'], env: { AUTH_URL: '${auth.url}' } } }`,
        `  cmd-garbage: { url: ws://127.0.0.1:1/ws, auth: { kind: command, argv: ['${process.execPath}', '${command}', leak-garbage, '{user}'] } }`,
        `  static: { url: ws://127.0.0.1:1/ws, auth: { kind: static, file: static.yaml } }`,
        '',
      ].join('\n'),
    );
  }, 30_000);

  afterAll(async () => {
    for (const name of Object.keys(env)) delete process.env[name];
    await oidc?.close();
    await auth?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function record(value: unknown): void {
    if (value instanceof Error) {
      said.push(value.message, String(value), JSON.stringify(value), inspect(value, { depth: 5 }), value.stack ?? '');
    } else {
      said.push(JSON.stringify(value) ?? '', inspect(value, { depth: 5 }));
    }
  }

  async function exercise(target: Target): Promise<void> {
    record(target);
    for (const kind of TOKEN_KINDS) {
      if (target.auth.supports(kind) !== true) {
        record(target.auth.supports(kind));
        await target.auth.token({ user: 'leaky', kind }).catch(record);
        continue;
      }
      if (kind === 'expired' && target.auth.kind === 'dev') continue; // waits out a lifetime; covered in dev.test.ts
      try {
        const issued = await target.auth.token({ user: 'leaky', kind, ttlS: 60 });
        tokens.push(issued.token);
        if (issued.refreshToken) tokens.push(issued.refreshToken);
        if (kind === 'valid' && target.auth.refresh) {
          const renewed = await target.auth.refresh('leaky', issued).catch((err: unknown) => (record(err), undefined));
          if (renewed) tokens.push(renewed.token);
        }
      } catch (err) {
        record(err);
      }
    }
    record(target.auth);
  }

  test('every strategy, through success and failure: no secret and no token in anything it says', async () => {
    const out: string[] = [];
    const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = ((chunk: string | Uint8Array) => (
      out.push(String(chunk)),
      true
    )) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (
      out.push(String(chunk)),
      true
    )) as typeof process.stderr.write;
    try {
      for (const name of [
        'dev',
        'dev-down',
        'hs',
        'ec',
        'ec-wrong-alg',
        'oauth',
        'oauth-wrong',
        'oauth-badpw',
        'cmd',
        'cmd-leaky',
        'cmd-garbage',
        'static',
      ]) {
        let target: Target;
        try {
          target = await resolveTarget({ targets: targetsFile, target: name });
        } catch (err) {
          record(err);
          continue;
        }
        await exercise(target);
        // What the source says it holds covers what it was configured with (for redaction by callers).
        if (name === 'hs') expect(target.auth.secrets()).toContain(HMAC);
        if (name === 'oauth') expect(target.auth.secrets()).toEqual(expect.arrayContaining([CLIENT, PASSWORD]));
      }
    } finally {
      process.stdout.write = writes.stdout;
      process.stderr.write = writes.stderr;
    }
    said.push(...out);
    // Failures did happen (each target above that should fail did), so the grep below looked at real errors.
    const text = said.join('\n');
    for (const expected of [
      'KEY_INVALID',
      'AUTH_UNAVAILABLE',
      'invalid_client',
      'invalid_grant',
      'COMMAND_FAILED',
      'COMMAND_OUTPUT_INVALID',
      'TOKEN_KIND_UNSUPPORTED',
    ]) {
      expect(text).toContain(expected);
    }
    expect(tokens.length).toBeGreaterThan(20);
    const leaked = [...secrets, ...tokens].filter((value) => value.length >= 8 && text.includes(value));
    expect(leaked.map((value) => `${value.slice(0, 12)}... (${value.length} chars)`)).toEqual([]);
  }, 60_000);
});
