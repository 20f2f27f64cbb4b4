// Hostile documents (issue 12, items 10-12): every one ends in a typed SpecError, never a hang, a blow-up, or a
// file read outside the document's folder. Each test is the attack itself.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { closeSpecLoader, loadSpec, loadSpecFromString, SpecError, type SpecErrorCode } from '../../../src/asyncapi';

jest.setTimeout(60_000);

let dir: string;
let outside: string;

beforeAll(() => {
  outside = mkdtempSync(path.join(tmpdir(), 'netra-hostile-'));
  dir = path.join(outside, 'project');
  mkdirSync(dir);
  writeFileSync(path.join(outside, 'secret.yaml'), 'Secret:\n  type: string\n  description: TOP-SECRET-VALUE\n');
});

afterAll(async () => {
  rmSync(outside, { recursive: true, force: true });
  await closeSpecLoader();
});

function doc(extra: string, payload = '{ type: string }'): string {
  return `asyncapi: 3.0.0
info:
  title: Hostile
  version: 1.0.0
channels:
  c:
    address: /c
    messages:
      m:
        payload: ${payload}
${extra}`;
}

function write(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

async function refusal(promise: Promise<unknown>, code: SpecErrorCode): Promise<SpecError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SpecError);
  const err = caught as SpecError;
  expect(err.code).toBe(code);
  expect(err.exitCode).toBe(2);
  expect(err.diagnostics).toHaveLength(1);
  expect(err.message.split('\n')).toHaveLength(1);
  return err;
}

describe('YAML alias bombs', () => {
  const bomb = (): string => {
    const lines = ['x-bomb:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    let previous = 'a';
    for (const name of 'bcdefghi') {
      lines.push(`  ${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
      previous = name;
    }
    return lines.join('\n');
  };

  it('refuses a billion-laughs document before the parser expands it (9 x 9 aliases)', async () => {
    const err = await refusal(loadSpecFromString(doc(bomb()), 'bomb.yaml'), 'SPEC_TOO_COMPLEX');
    expect(err.diagnostics[0]).toMatchObject({ file: 'bomb.yaml', code: 'yaml-alias-limit', line: 13 });
  });

  it('refuses an alias bomb in a file that a $ref reaches', async () => {
    write('bombs/common.yaml', `${bomb()}\nPayload:\n  type: string\n`);
    const root = write('bombs/asyncapi.yaml', doc('', "{ $ref: './common.yaml#/Payload' }"));
    const err = await refusal(loadSpec(root), 'SPEC_TOO_COMPLEX');
    expect(err.diagnostics[0].file).toMatch(/common\.yaml$/);
  });

  it('still reads a document with a few ordinary aliases', async () => {
    const text = doc('x-shared:\n  headers: &h { type: object }\n  again: *h\n  more: *h\n');
    await expect(loadSpecFromString(text, 'aliases.yaml')).resolves.toMatchObject({ title: 'Hostile' });
  });
});

describe('$ref cycles (the parser loops forever on them, used or not)', () => {
  it('refuses an unused cycle of two schemas, naming the reference and the way around', async () => {
    const text = doc(`components:
  schemas:
    A:
      $ref: '#/components/schemas/B'
    B:
      $ref: '#/components/schemas/A'
`);
    const err = await refusal(loadSpecFromString(text, 'cycle.yaml'), 'SPEC_REF_CYCLE');
    expect(err.diagnostics[0]).toMatchObject({ file: 'cycle.yaml', line: 14, code: 'ref-cycle' });
    expect(err.message).toContain("$ref '#/components/schemas/B'");
    expect(err.message).toContain('#/components/schemas/B -> #/components/schemas/A -> #/components/schemas/B');
  });

  it('refuses a schema that is a $ref to itself', async () => {
    const text = doc(`components:\n  schemas:\n    Self:\n      $ref: '#/components/schemas/Self'\n`);
    await refusal(loadSpecFromString(text, 'self.yaml'), 'SPEC_REF_CYCLE');
  });

  it('refuses a $ref whose pointer passes through itself', async () => {
    const text = doc(`components:\n  schemas:\n    A:\n      $ref: '#/components/schemas/A/properties/x'\n`);
    await refusal(loadSpecFromString(text, 'through.yaml'), 'SPEC_REF_CYCLE');
  });

  it('refuses a cycle across two files', async () => {
    write('cross/a.yaml', "X:\n  $ref: './b.yaml#/Y'\n");
    write('cross/b.yaml', "Y:\n  $ref: './a.yaml#/X'\n");
    const root = write('cross/asyncapi.yaml', doc('', "{ $ref: './a.yaml#/X' }"));
    const err = await refusal(loadSpec(root), 'SPEC_REF_CYCLE');
    expect(err.message).toMatch(/b\.yaml#\/Y/);
  });

  it('keeps reading a schema that contains a reference to itself further down (recursion is not a cycle)', async () => {
    const text = doc(
      `components:
  schemas:
    Node:
      type: object
      properties:
        children: { type: array, items: { $ref: '#/components/schemas/Node' } }
`,
      "{ $ref: '#/components/schemas/Node' }",
    );
    const spec = await loadSpecFromString(text, 'tree.yaml');
    expect((spec.messages[0].payload as any).properties.children.items).toEqual({ $ref: '#' });
  });
});

describe('relative $refs that leave the document folder', () => {
  it('refuses ../secret.yaml with a typed error naming the reference, and never inlines it', async () => {
    const root = write('escape/asyncapi.yaml', doc('', "{ $ref: '../../secret.yaml#/Secret' }"));
    const err = await refusal(loadSpec(root), 'SPEC_REF_OUTSIDE');
    expect(err.diagnostics[0]).toMatchObject({ code: 'ref-outside', line: 10 });
    expect(err.message).toContain("$ref '../../secret.yaml#/Secret'");
    expect(err.message).toContain('--allow-ref-outside');
    expect(err.message).not.toContain('TOP-SECRET-VALUE');
  });

  it('refuses ../../../../etc/passwd and file:///etc/passwd', async () => {
    const root = write('passwd/asyncapi.yaml', doc('', "{ $ref: '../../../../../../../../etc/passwd' }"));
    await refusal(loadSpec(root), 'SPEC_REF_OUTSIDE');
    const uri = write('passwd/uri.yaml', doc('', "{ $ref: 'file:///etc/passwd' }"));
    await refusal(loadSpec(uri), 'SPEC_REF_OUTSIDE');
  });

  it('refuses a symlink inside the folder that leads outside it', async () => {
    mkdirSync(path.join(dir, 'linked'), { recursive: true });
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(dir, 'linked', 'inside.yaml'));
    const root = write('linked/asyncapi.yaml', doc('', "{ $ref: './inside.yaml#/Secret' }"));
    await refusal(loadSpec(root), 'SPEC_REF_OUTSIDE');
  });

  it('follows such a reference when allowed (monorepos)', async () => {
    const root = write('allowed/asyncapi.yaml', doc('', "{ $ref: '../../secret.yaml#/Secret' }"));
    const spec = await loadSpec(root, { allowRefOutside: true });
    expect(spec.messages[0].payload).toMatchObject({ type: 'string', description: 'TOP-SECRET-VALUE' });
  });

  it('keeps relative references inside the folder working', async () => {
    write('inside/common/schemas.yaml', 'Name:\n  type: string\n');
    const root = write('inside/asyncapi.yaml', doc('', "{ $ref: './common/schemas.yaml#/Name' }"));
    await expect(loadSpec(root)).resolves.toMatchObject({ messages: [{ payload: { type: 'string' } }] });
  });

  it('resolves a file inside the folder whose name starts with two dots (the guard and the resolver agree)', async () => {
    write('dots/..shared.yaml', 'Name:\n  type: string\n  description: DOTTED\n');
    const root = write('dots/asyncapi.yaml', doc('', "{ $ref: './..shared.yaml#/Name' }"));
    const spec = await loadSpec(root);
    expect(spec.messages[0].payload).toMatchObject({ type: 'string', description: 'DOTTED' });
  });
});

describe('size, bytes and nesting', () => {
  it('refuses a 50 MB document at once, with its size, before reading it', async () => {
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, 'asyncapi: 3.0.0\n');
    truncateSync(big, 50 * 1024 * 1024); // sparse: nothing is written, and nothing must be read
    const err = await refusal(loadSpec(big), 'SPEC_TOO_LARGE');
    expect(err.message).toContain('the file is 50.0 MB (52428800 bytes); the limit is 4.0 MB');
  });

  it('refuses text over the limit given as a string', async () => {
    const err = await refusal(
      loadSpecFromString(doc(`x-pad: '${'x'.repeat(2000)}'`), 'pad.yaml', { limits: { maxBytes: 1024 } }),
      'SPEC_TOO_LARGE',
    );
    expect(err.message).toContain('the limit is 1.0 KB');
  });

  it('refuses a binary file in one line (not hundreds of parser complaints)', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(4096, 7)]);
    const err = await refusal(loadSpec(write('image.png', png)), 'SPEC_NOT_TEXT');
    expect(err.message).toMatch(/image\.png:1:1 {2}not-text {2}a binary file \(NUL byte at offset 8\)/);
  });

  it('refuses a file that is not UTF-8', async () => {
    const latin1 = Buffer.from('asyncapi: 3.0.0\ninfo:\n  title: Caf\xe9\n', 'latin1');
    await refusal(loadSpec(write('latin1.yaml', latin1)), 'SPEC_NOT_TEXT');
  });

  it('refuses nesting 100,000 levels deep', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await refusal(loadSpecFromString(doc(`x-deep: ${deep}`), 'deep.yaml'), 'SPEC_TOO_COMPLEX');
  });

  it('says in one line that a text which is not an AsyncAPI document is not one', async () => {
    const err = await refusal(loadSpecFromString('# Release notes\n\nSome *markdown*.\n', 'notes.md'), 'SPEC_INVALID');
    expect(err.diagnostics[0].code).toBe('not-asyncapi');
  });
});

describe('the time and memory limits of the parse', () => {
  it('ends a parse that passes the time limit with SPEC_TIMEOUT, and the next parse works', async () => {
    // A document whose parse takes hundreds of milliseconds against a 50 ms limit: a tiny one parses in ~6 ms, and on
    // a loaded machine its answer could be read before a 1 ms timer fired (the poll phase runs before the timers).
    const schemas = Array.from({ length: 4000 }, (_, i) => `    s${i}:\n      type: object\n`).join('');
    const slow = doc(`components:\n  schemas:\n${schemas}`);
    const err = await refusal(loadSpecFromString(slow, 'slow.yaml', { limits: { timeoutMs: 50 } }), 'SPEC_TIMEOUT');
    expect(err.message).toContain('the parse took longer than the limit of 0.05 s');
    await expect(loadSpecFromString(doc(''), 'fine.yaml')).resolves.toMatchObject({ title: 'Hostile' });
  });

  it('ends a parse that passes the memory limit with SPEC_TOO_COMPLEX, and the next parse works', async () => {
    const err = await refusal(
      loadSpecFromString(doc(''), 'hungry.yaml', { limits: { maxMemoryMb: 8 } }),
      'SPEC_TOO_COMPLEX',
    );
    expect(err.diagnostics[0].code).toBe('out-of-memory');
    await expect(loadSpecFromString(doc(''), 'fine.yaml')).resolves.toMatchObject({ title: 'Hostile' });
  });
});
