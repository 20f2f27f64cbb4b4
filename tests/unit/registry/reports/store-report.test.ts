import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  formatReport,
  parseFormat,
  parseMode,
  readRegistry,
  RegistryError,
  type ReportInput,
} from '../../../../src/registry';
import { writeRegistry, type Registry } from '../../../../src/registry/store';
import type { JudgedChange } from '../../../../src/registry';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-registry-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const registry: Registry = {
  format: 1,
  role: 'server',
  document_compatibility: 'BACKWARD_TRANSITIVE',
  messages: {
    zeta: {
      direction: 'send',
      compatibility: 'FORWARD_TRANSITIVE',
      versions: [{ version: 1, fingerprint: `sha256:${'a'.repeat(64)}`, spec_version: '1.0', date: '2026-01-01' }],
    },
    alpha: {
      direction: 'receive',
      compatibility: 'NONE',
      versions: [
        { version: 1, fingerprint: `sha256:${'b'.repeat(64)}`, spec_version: '1.0', date: '2026-01-01' },
        {
          version: 2,
          fingerprint: `sha256:${'c'.repeat(64)}`,
          spec_version: '2.0',
          date: '2026-02-01',
          forced_reason: 'why: because',
        },
      ],
      removed: { spec_version: '3.0', date: '2026-03-01', reason: 'gone' },
    },
  },
};

function expectInvalid(text: string, fragment: string): void {
  writeFileSync(path.join(dir, 'registry.yaml'), text);
  try {
    readRegistry(dir);
    throw new Error('expected REGISTRY_INVALID');
  } catch (err) {
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as RegistryError).code).toBe('REGISTRY_INVALID');
    expect((err as RegistryError).message).toContain(fragment);
  }
}

describe('registry.yaml', () => {
  it('round-trips, sorted by message name, byte for byte on a second write', () => {
    writeRegistry(dir, registry);
    const first = readFileSync(path.join(dir, 'registry.yaml'), 'utf8');
    expect(first.indexOf('alpha:')).toBeLessThan(first.indexOf('zeta:'));
    expect(first).toContain('spec_version: "1.0"');
    const read = readRegistry(dir);
    expect(read).toEqual(registry);
    writeRegistry(dir, read);
    expect(readFileSync(path.join(dir, 'registry.yaml'), 'utf8')).toBe(first);
  });

  it('says what is wrong, and where, with a malformed registry', () => {
    expectInvalid('format: 2\nmessages: {}\n', 'format');
    expectInvalid('format: 1\nmessages:\n  a:\n    direction: sideways\n', 'messages.a.direction');
    expectInvalid(
      'format: 1\nmessages:\n  a:\n    direction: send\n    compatibility: SOMETIMES\n    versions: [{version: 1, fingerprint: "sha256:' +
        'a'.repeat(64) +
        '", spec_version: "1", date: "2026-01-01"}]\n',
      "'SOMETIMES' is not a compatibility mode",
    );
    expectInvalid(
      'format: 1\nmessages:\n  a:\n    direction: send\n    compatibility: NONE\n    versions: [{version: 2, fingerprint: x, spec_version: "1", date: d}]\n',
      'messages.a.versions[0].version: must be 1',
    );
    expectInvalid(': : :\n  - [', 'not valid YAML');
  });

  it('reports a missing registry as REGISTRY_NOT_FOUND (exit 2)', () => {
    mkdirSync(path.join(dir, 'empty'));
    expect(() => readRegistry(path.join(dir, 'empty'))).toThrow(
      expect.objectContaining({ code: 'REGISTRY_NOT_FOUND', exitCode: 2 }),
    );
  });
});

describe('options', () => {
  it('parses modes and formats case-insensitively and refuses others with exit 2', () => {
    expect(parseMode('full_transitive')).toBe('FULL_TRANSITIVE');
    expect(parseFormat('GitHub')).toBe('github');
    expect(() => parseMode('STRICT')).toThrow(expect.objectContaining({ code: 'BAD_MODE', exitCode: 2 }));
    expect(() => parseFormat('xml')).toThrow(expect.objectContaining({ code: 'BAD_FORMAT', exitCode: 2 }));
  });
});

describe('reports', () => {
  const change: JudgedChange = {
    message: 'agent_completed',
    where: 'payload',
    path: '/properties/status/enum',
    kind: 'ENUM_ARRAY_EXTENDED',
    detail: 'added "paused", 100% <new>',
    breaking: true,
    breaks: 'forward',
    mode: 'FORWARD_TRANSITIVE',
  };
  const input: ReportInput = {
    command: 'diff',
    file: 'specs/a,b.yaml',
    ok: false,
    compatible: false,
    changes: [
      change,
      {
        ...change,
        kind: 'DESCRIPTION_CHANGED',
        path: '/description',
        breaking: false,
        breaks: 'none',
        detail: 'reworded',
      },
    ],
    drift: [],
    integrity: [],
    notes: [],
    subjects: ['agent_completed', 'resume'],
    lineOf: (docPath, pointer) =>
      docPath === '/components/messages/agent_completed' && pointer === '/properties/status/enum' ? 42 : 7,
    docPathOf: (m) => `/components/messages/${m}`,
    json: { compatible: false },
  };

  it('text: where (file:line), what, why, and how to stay compatible', () => {
    const text = formatReport(input, 'text');
    expect(text).toContain('specs/a,b.yaml:42: agent_completed payload /properties/status/enum');
    expect(text).toContain('why it breaks: it breaks FORWARD compatibility and agent_completed is FORWARD_TRANSITIVE');
    expect(text).toContain('to make it compatible: keep the old, narrower constraint');
    expect(text).toContain('1 compatible change(s):');
    expect(text.trimEnd().split('\n').pop()).toBe('registry diff: FAILED (1 breaking, 1 compatible)');
  });

  it('github: one ::error per breaking change, with escaped properties and data', () => {
    const lines = formatReport(input, 'github').trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^::error file=specs\/a%2Cb\.yaml,line=42,title=ENUM_ARRAY_EXTENDED::agent_completed payload \/properties\/status\/enum: added "paused", 100%25 <new>\./,
    );
  });

  it('junit: one test case per message, the document and failures escaped', () => {
    const xml = formatReport(input, 'junit');
    expect(xml).toContain('<testsuites name="netra-contracts registry diff" tests="3" failures="1">');
    expect(xml).toContain('<testcase classname="registry.diff" name="resume"/>');
    expect(xml).toContain('added &quot;paused&quot;, 100% &lt;new&gt;');
  });

  it('json: the command result as given', () => {
    expect(JSON.parse(formatReport(input, 'json'))).toEqual({ compatible: false });
  });
});
