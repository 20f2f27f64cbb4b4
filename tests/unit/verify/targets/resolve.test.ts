import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TokenSourceError } from '../../../../src/verify/auth';
import { resolveTarget, TargetError, type TargetFlags } from '../../../../src/verify/targets';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'targets-resolve-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function refusal(flags: TargetFlags): Promise<TargetError | TokenSourceError> {
  const outcome = await resolveTarget(flags).then(
    (target) => new Error(`resolved ${target.name}`),
    (err: unknown) => err,
  );
  if (outcome instanceof TargetError || outcome instanceof TokenSourceError) return outcome;
  throw outcome;
}

const TWO = [
  'targets:',
  '  local:',
  '    url: ws://127.0.0.1:8000/ws',
  '    auth: { kind: dev, url: http://127.0.0.1:8001 }',
  '  remote-dev:',
  '    url: wss://provider.example.com/ws',
  '    auth: { kind: dev, url: https://auth.example.com }',
];

describe('resolveTarget', () => {
  test('--url alone: a loopback dev target, auth assumed on port 8001 of the same host', async () => {
    const target = await resolveTarget({ url: 'ws://127.0.0.1:9000/ws' });
    expect(target).toMatchObject({
      url: 'ws://127.0.0.1:9000/ws',
      urls: ['ws://127.0.0.1:9000/ws'],
      remote: false,
      clockLeewayS: 5,
    });
    expect(target.auth.kind).toBe('dev');
    expect(target.auth.supports('wrong_audience')).toEqual({ reason: expect.stringMatching(/signing key/) });
  });

  test('--url on another machine is refused NOT_LOOPBACK, and so is --auth-url', async () => {
    const far = await refusal({ url: 'ws://10.1.2.3:8000/ws' });
    expect(far).toMatchObject({ code: 'NOT_LOOPBACK', exitCode: 2 });
    expect(far.message).toMatch(/10\.1\.2\.3 is not loopback.*remote: true/);
    expect(await refusal({ url: 'ws://127.0.0.1:8000/ws', authUrl: 'http://auth.example.com' })).toMatchObject({
      code: 'NOT_LOOPBACK',
    });
  });

  test('flags that do not name one target', async () => {
    expect((await refusal({})).code).toBe('TARGET_USAGE');
    expect((await refusal({ authUrl: 'http://127.0.0.1:8001' })).message).toBe('--auth-url needs --url');
    expect((await refusal({ url: 'ws://127.0.0.1:1/ws', target: 'local' })).code).toBe('TARGET_USAGE');
    expect((await refusal({ url: 'http://127.0.0.1:1/ws' })).message).toMatch(/--url must be ws:\/\/ or wss:\/\//);
    const file = write('two.yaml', TWO);
    expect((await refusal({ targets: file })).message).toMatch(
      /2 targets and no default: give --target \(local, remote-dev\)/,
    );
    expect(await refusal({ targets: file, target: 'staging' })).toMatchObject({
      code: 'TARGET_UNKNOWN',
      message: `no target "staging" in ${file} (it has: local, remote-dev)`,
    });
  });

  test('a targets-file entry on another machine needs remote: true; the error points into the file', async () => {
    const file = write('two.yaml', TWO);
    const err = await refusal({ targets: file, target: 'remote-dev' });
    expect(err.code).toBe('NOT_LOOPBACK');
    expect(err.message).toBe(
      `${file}:6:10  target remote-dev: provider.example.com is not a loopback host; declare remote: true to verify a provider on another machine`,
    );
    const declared = write('declared.yaml', [...TWO, '    remote: true']);
    const target = await resolveTarget({ targets: declared, target: 'remote-dev' });
    expect(target.remote).toBe(true);
  });

  test('the default targets file in the working directory (--target alone), a default entry (--targets alone), every field mapped', async () => {
    const sub = mkdtempSync(path.join(dir, 'repo-'));
    writeFileSync(path.join(sub, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    writeFileSync(
      path.join(sub, 'netra-contracts.targets.yaml'),
      [
        'default: cluster',
        'targets:',
        '  cluster:',
        '    urls: [ws://127.0.0.1:7001/ws, ws://127.0.0.2:7002/ws]',
        '    auth: { kind: dev, url: http://127.0.0.1:7000 }',
        '    profile: staging',
        '    ca_file: ca.pem',
        '    headers: { Origin: https://app.example }',
        '    limits: { max_users: 20, max_duration_s: 30 }',
        '    clock_leeway_s: 30',
        '',
      ].join('\n'),
    );
    const target = await resolveTarget({ cwd: sub, target: 'cluster' });
    expect((await resolveTarget({ targets: path.join(sub, 'netra-contracts.targets.yaml') })).name).toBe('cluster');
    expect(target).toMatchObject({
      name: 'cluster',
      url: 'ws://127.0.0.1:7001/ws',
      urls: ['ws://127.0.0.1:7001/ws', 'ws://127.0.0.2:7002/ws'],
      remote: false,
      profile: 'staging',
      caFile: path.join(sub, 'ca.pem'),
      headers: { Origin: 'https://app.example' },
      limits: { maxUsers: 20, maxDurationS: 30 },
      clockLeewayS: 30,
    });
    const missing = write('no-ca.yaml', [
      'targets:',
      '  a:',
      '    url: ws://127.0.0.1:1/ws',
      '    ca_file: nowhere.pem',
      '    auth: { kind: dev, url: http://127.0.0.1:2 }',
    ]);
    expect((await refusal({ targets: missing })).message).toMatch(
      /no-ca\.yaml:4:14 {2}file-missing {2}ca_file .*nowhere\.pem cannot be read/,
    );
  });

  test('a missing secret names the target and the variable, never a value', async () => {
    const file = write('jwt.yaml', [
      'targets:',
      '  python:',
      '    url: ws://127.0.0.1:9000/ws',
      '    auth: { kind: jwt, alg: HS256, secret_env: NETRA_TEST_UNSET_SECRET, claims: { aud: netra-platform } }',
    ]);
    delete process.env.NETRA_TEST_UNSET_SECRET;
    const err = await refusal({ targets: file });
    expect(err).toBeInstanceOf(TokenSourceError);
    expect(err).toMatchObject({ code: 'SECRET_MISSING', exitCode: 2 });
    expect(err.message).toBe(
      'target python: the HMAC secret comes from environment variable NETRA_TEST_UNSET_SECRET, which is not set',
    );
    process.env.NETRA_TEST_UNSET_SECRET = 'correct horse battery staple';
    try {
      const target = await resolveTarget({ targets: file });
      expect(target.auth.kind).toBe('jwt');
      expect(target.auth.secrets()).toContain('correct horse battery staple');
      expect(JSON.stringify(target)).not.toContain('correct horse');
    } finally {
      delete process.env.NETRA_TEST_UNSET_SECRET;
    }
  });
});
