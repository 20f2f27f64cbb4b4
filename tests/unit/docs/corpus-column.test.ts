import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CorpusDocument } from '../../../src/codegen';
import { docsColumn } from '../../../src/docs';
import { loadSpec } from '../../../src/asyncapi';

// The first load starts the loader's worker process and builds the AsyncAPI parser: seconds on a loaded machine.
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');

describe('docsColumn (corpus table)', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'netra-docs-corpus-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds a self-contained site per parsed document, written beside its outputs, and skips unparsed ones', async () => {
    const file = path.join(ROOT, 'asyncapi.yaml');
    const documents: CorpusDocument[] = [
      { path: 'ours/asyncapi.yaml', file, expectInvalid: false, spec: await loadSpec(file), outDir: out },
      { path: 'broken.yml', file: path.join(out, 'broken.yml'), expectInvalid: true },
    ];
    const cells = await docsColumn.run(documents);
    expect(cells.get('ours/asyncapi.yaml')).toEqual({
      status: 'ok',
      text: expect.stringMatching(/^13 files, \d+ KB$/),
    });
    expect(cells.has('broken.yml')).toBe(false);
    const html = readFileSync(path.join(out, 'docs', 'index.html'), 'utf8');
    expect(html).toContain('sent by the application');
    expect(html).not.toContain('id="rules"'); // no rules were asked for: no rules section
  }, 60_000);
});
