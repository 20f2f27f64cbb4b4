// `registry diff` end to end on what issue 15 added: an instance-check finding shows in every output format (and
// fails the command), and a tolerant-reader channel lets a new server event through while a channel without the
// promise does not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CLI = path.join(__dirname, '..', '..', '..', 'bin', 'netra-contracts.js');
let dir: string;

/** One server event `hello` on a channel; `tolerant` adds the promise; `extra` adds a second server event. */
function doc(options: { helloPayload: string; tolerant?: boolean; extra?: boolean }): string {
  const extraRef = options.extra ? "\n      bye: { $ref: '#/components/messages/bye' }" : '';
  const extraOp = options.extra
    ? "\n  sendBye: { action: send, channel: { $ref: '#/channels/socket' }, messages: [{ $ref: '#/channels/socket/messages/bye' }] }"
    : '';
  const extraMessage = options.extra
    ? '\n    bye:\n      payload: { type: object, required: [type], properties: { type: { const: bye } } }'
    : '';
  return `asyncapi: 3.0.0
info: { title: Small, version: 1.0.0 }
channels:
  socket:
    address: /ws${options.tolerant ? '\n    x-netra-tolerant-reader: true' : ''}
    messages:
      hello: { $ref: '#/components/messages/hello' }${extraRef}
operations:
  sendHello: { action: send, channel: { $ref: '#/channels/socket' }, messages: [{ $ref: '#/channels/socket/messages/hello' }] }${extraOp}
components:
  messages:
    hello:
      payload: ${options.helloPayload}${extraMessage}
`;
}

/** `hello` with a `pair` array whose positions an anyOf branch declares, closed by unevaluatedItems beside it. */
function withPair(positions: number): string {
  const prefix = Array.from({ length: positions }, () => '{ type: string }').join(', ');
  return `{ type: object, required: [type], properties: { type: { const: hello }, pair: { type: array, anyOf: [{ prefixItems: [${prefix}] }, { maxItems: 0 }], unevaluatedItems: false } } }`;
}
const CLOSED = withPair(1);
// A second position the anyOf branch evaluates gets through unevaluatedItems: a FORWARD break the structural diff
// reads as a tuple position added to an open tuple (it does not follow union branches to unevaluatedItems), which
// only narrows. The instance check catches it.
const OPENED = withPair(2);

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'registry', 'diff', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-registry-findings-'));
  writeFileSync(path.join(dir, 'closed.yaml'), doc({ helloPayload: CLOSED }));
  writeFileSync(path.join(dir, 'opened.yaml'), doc({ helloPayload: OPENED }));
  writeFileSync(path.join(dir, 'tolerant.yaml'), doc({ helloPayload: CLOSED, tolerant: true }));
  writeFileSync(path.join(dir, 'tolerant-bye.yaml'), doc({ helloPayload: CLOSED, tolerant: true, extra: true }));
  writeFileSync(path.join(dir, 'bye.yaml'), doc({ helloPayload: CLOSED, extra: true }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an instance-check finding', () => {
  it('fails the diff and is in the --json report, with the instance that proves it', () => {
    const r = cli('closed.yaml', 'opened.yaml', '--json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { compatible: boolean; changes: { kind: string; detail: string }[] };
    expect(out.compatible).toBe(false);
    const finding = out.changes.find((c) => c.kind === 'INSTANCE_CHECK_DISAGREES_FORWARD');
    expect(finding?.detail).toMatch(/"pair":\["[^"]*","[^"]*"\]/);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^netra-contracts: REGISTRY_INCOMPATIBLE: /)]);
  });

  it.each(['text', 'junit', 'github'])('is shown in the %s format', (format) => {
    const r = cli('closed.yaml', 'opened.yaml', '--format', format);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('INSTANCE_CHECK_DISAGREES_FORWARD');
  });
});

describe('the tolerant reader', () => {
  it('a new server event on a channel that promised a tolerant reader is compatible', () => {
    const r = cli('tolerant.yaml', 'tolerant-bye.yaml', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { changes: { kind: string; message: string }[] };
    expect(out.changes.find((c) => c.message === 'bye')?.kind).toBe('MESSAGE_ADDED_TO_TOLERANT_READER');
  });

  it('without the promise it is breaking', () => {
    const r = cli('closed.yaml', 'bye.yaml', '--json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { changes: { kind: string; message: string }[] };
    expect(out.changes.find((c) => c.message === 'bye')?.kind).toBe('MESSAGE_ADDED');
  });
});
