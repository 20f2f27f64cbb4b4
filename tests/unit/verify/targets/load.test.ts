import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AUTH_KINDS } from '../../../../src/verify/auth';
import { loadTargetsFile, TargetError } from '../../../../src/verify/targets';
import { projectPath } from '../../../../src/util/paths';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'targets-load-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The TargetError a load throws (fails the test if it loads). */
function failure(file: string): TargetError {
  try {
    loadTargetsFile(file);
  } catch (err) {
    if (err instanceof TargetError) return err;
    throw err;
  }
  throw new Error(`${file} loaded`);
}

describe('loadTargetsFile', () => {
  test('the committed example loads, with one entry per auth kind', () => {
    const file = loadTargetsFile(projectPath('netra-contracts.targets.example.yaml'));
    const kinds = new Set([...file.targets.values()].map((entry) => entry.auth.kind));
    expect([...kinds].sort()).toEqual([...AUTH_KINDS].sort());
    expect(file.default).toBe('local');
  });

  test('an unknown field is reported at its key, as file:line:col  code  message', () => {
    const file = write(
      'unknown.yaml',
      [
        'targets:',
        '  local:',
        '    url: ws://127.0.0.1:8000/ws',
        '    auth: { kind: dev, url: http://127.0.0.1:8001 }',
        '    colour: blue',
        '',
      ].join('\n'),
    );
    const err = failure(file);
    expect(err.code).toBe('TARGETS_INVALID');
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`${file}:5:5  unknown-field  targets.local has an unknown field "colour"`);
  });

  test('every problem is reported, each on its own line with its position', () => {
    const file = write(
      'many.yaml',
      [
        'targets:',
        '  a:',
        '    url: http://127.0.0.1:8000/ws',
        '    auth:',
        '      kind: jwt',
        '      alg: HS256',
        '  b:',
        '    url: ws://127.0.0.1:8000/ws',
        '    auth: { kind: telepathy }',
        '  c:',
        '    auth: { kind: static, file: t.yaml }',
        '    headers: { Authorization: Bearer x }',
        '',
      ].join('\n'),
    );
    const lines = failure(file).message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `${file}:3:10  bad-format  targets.a.url must match pattern "^wss?://"`,
        `${file}:9:19  unknown-auth-kind  targets.b.auth.kind must be one of dev, jwt, oauth2, command, static`,
      ]),
    );
    expect(lines.every((line) => line.startsWith(`${file}:`))).toBe(true);
  });

  test('rules beside the schema: url or urls, reserved headers, the jwt key fields', () => {
    const file = write(
      'rules.yaml',
      [
        'targets:',
        '  both:',
        '    url: ws://127.0.0.1:1/ws',
        '    urls: [ws://127.0.0.1:2/ws]',
        '    auth: { kind: dev, url: http://127.0.0.1:8001 }',
        '  gateway:',
        '    url: ws://127.0.0.1:1/ws',
        '    headers: { Origin: https://app.example, authorization: x }',
        '    auth: { kind: jwt, alg: RS256, secret_env: X }',
        '',
      ].join('\n'),
    );
    const lines = failure(file).message.split('\n');
    expect(lines).toEqual([
      `${file}:3:5  url-or-urls  targets.both needs exactly one of "url" or "urls"`,
      `${file}:8:45  reserved-header  targets.gateway.headers cannot set authorization: the tool sets it`,
      `${file}:9:11  jwt-key  targets.gateway.auth: RS256 needs private_key_file (and no secret)`,
    ]);
  });

  test('YAML syntax errors, duplicate keys and alias bombs are problems with positions, never crashes', () => {
    expect(failure(write('syntax.yaml', 'targets:\n  a: [unclosed\n')).message).toMatch(
      /syntax\.yaml:\d+:\d+ {2}yaml-syntax {2}/,
    );
    expect(failure(write('dupe.yaml', 'targets: {}\ntargets: {}\n')).message).toMatch(
      /dupe\.yaml:2:1 {2}yaml-syntax {2}.*unique/i,
    );
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      laughs.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(', ')}]`,
      );
    laughs.push('targets: {}');
    expect(failure(write('laughs.yaml', `${laughs.join('\n')}\n`)).message).toMatch(/yaml-aliases/);
  });

  test('a missing file, a binary file, a default that names nothing', () => {
    const missing = failure(path.join(dir, 'nope.yaml'));
    expect(missing.code).toBe('TARGETS_UNREADABLE');
    expect(missing.message).toMatch(/ENOENT.*--targets FILE/);
    writeFileSync(path.join(dir, 'bin.yaml'), Buffer.from([0xff, 0xfe, 0x00]));
    expect(failure(path.join(dir, 'bin.yaml')).message).toMatch(/not UTF-8/);
    const file = write(
      'default.yaml',
      'default: nowhere\ntargets:\n  a: { url: ws://127.0.0.1:1/ws, auth: { kind: dev, url: http://127.0.0.1:2 } }\n',
    );
    expect(failure(file).message).toBe(`${file}:1:10  unknown-target  default names no target: "nowhere"`);
  });
});
