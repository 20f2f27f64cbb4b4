// `registry diff OLD NEW`: exit 0 compatible, 1 incompatible, 2 bad input; --json shape; --mode.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CLI = path.join(__dirname, '..', '..', '..', 'bin', 'netra-contracts.js');
let dir: string;

function doc(version: string, pingProps: string, helloProps: string): string {
  return `asyncapi: 3.0.0
info: { title: Small, version: ${version} }
channels:
  socket:
    address: /ws
    messages:
      ping: { $ref: '#/components/messages/ping' }
      hello: { $ref: '#/components/messages/hello' }
operations:
  receivePing: { action: receive, channel: { $ref: '#/channels/socket' }, messages: [{ $ref: '#/channels/socket/messages/ping' }] }
  sendHello: { action: send, channel: { $ref: '#/channels/socket' }, messages: [{ $ref: '#/channels/socket/messages/hello' }] }
components:
  messages:
    ping:
      payload: { type: object, additionalProperties: false, required: [type], properties: { type: { const: ping }${pingProps} } }
    hello:
      payload: { type: object, required: [type], properties: { type: { const: hello }${helloProps} } }
`;
}

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'registry', 'diff', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-registry-diff-'));
  writeFileSync(path.join(dir, 'v1.yaml'), doc('1.0.0', '', ', level: { type: string, enum: [low, high] }'));
  // Compatible: an optional field on the closed client message (the newer server reads old data).
  writeFileSync(
    path.join(dir, 'v2.yaml'),
    doc('1.1.0', ', note: { type: string }', ', level: { type: string, enum: [low, high] }'),
  );
  // Incompatible: a new enum value in a server message (an older client cannot read it).
  writeFileSync(
    path.join(dir, 'v3.yaml'),
    doc('1.2.0', ', note: { type: string }', ', level: { type: string, enum: [low, high, max] }'),
  );
  writeFileSync(path.join(dir, 'broken.yaml'), 'asyncapi: 3.0.0\ninfo: { title: x }\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('registry diff', () => {
  it('exits 0 on a compatible change and prints the --json shape', () => {
    const r = cli('v1.yaml', 'v2.yaml', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { compatible: boolean; changes: Record<string, unknown>[] };
    expect(out.compatible).toBe(true);
    expect(out.changes).toContainEqual(
      expect.objectContaining({
        message: 'ping',
        path: '/properties/note',
        kind: 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
        breaking: false,
        detail: expect.any(String),
      }),
    );
    expect(out.changes).toContainEqual(
      expect.objectContaining({ message: null, path: '/info/version', kind: 'SPEC_VERSION_CHANGED', breaking: false }),
    );
  }, 60_000);

  it('exits 1 on an incompatible change, naming it; --mode judges every message by that mode', () => {
    const r = cli('v2.yaml', 'v3.yaml');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('v3.yaml:17: hello payload /properties/level/enum');
    expect(r.stdout).toContain('ENUM_ARRAY_EXTENDED: added "max"');
    const backward = cli('v2.yaml', 'v3.yaml', '--mode', 'BACKWARD', '--json');
    expect(backward.status).toBe(0);
    const full = cli('v1.yaml', 'v2.yaml', '--mode', 'FULL', '--json');
    expect(full.status).toBe(1);
    expect(JSON.parse(full.stdout).changes).toContainEqual(
      expect.objectContaining({ kind: 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', breaking: true }),
    );
  }, 90_000);

  it('exits 2 on bad input, with one line naming the problem', () => {
    const missing = cli('v1.yaml', 'nope.yaml');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('SPEC_UNREADABLE');
    const invalid = cli('v1.yaml', 'broken.yaml');
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('SPEC_INVALID');
    expect(cli('v1.yaml', 'v2.yaml', '--mode', 'SOMETIMES').status).toBe(2);
  }, 90_000);
});
