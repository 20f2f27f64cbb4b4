// Every change kind can be found by searching for its name: the diff code writes each kind it emits as a literal,
// every kind of the catalogue is written somewhere in the diff code, and every kind-like literal there is in the
// catalogue (no kind is assembled from pieces like `${prefix}_ADDED`).
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { changeKindNames, compatibilityModes } from '../../../../src/registry';

const DIFF = path.join(__dirname, '../../../../src/registry/diff');
/** Folders whose code emits changes (the catalogue itself, kinds.ts, does not count). */
const EMITTERS = ['schema', 'document'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

const code = EMITTERS.flatMap((folder) => sources(path.join(DIFF, folder))).map((file) => ({
  file: path.relative(DIFF, file),
  text: readFileSync(file, 'utf8'),
}));
const literals = new Map<string, string[]>();
for (const { file, text } of code) {
  for (const match of text.matchAll(/(RegistryError\(\s*)?'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)) {
    if (match[1] !== undefined) continue; // an error code, not a change kind
    literals.set(match[2], [...(literals.get(match[2]) ?? []), file]);
  }
}

describe('change kinds are greppable', () => {
  it('reads the diff code', () => {
    expect(code.length).toBeGreaterThan(20);
  });

  it('every kind of the catalogue appears as a literal in the code that emits changes', () => {
    // INSTANCE_CHECK_* are emitted by the document diff (instance-findings.ts), like every other kind.
    expect(changeKindNames.filter((kind) => !literals.has(kind))).toEqual([]);
  });

  it('every kind-like literal in that code is a kind of the catalogue (or a compatibility mode)', () => {
    const known = new Set<string>([...changeKindNames, ...compatibilityModes]);
    expect([...literals.keys()].filter((name) => !known.has(name))).toEqual([]);
  });

  it('no kind is assembled from pieces', () => {
    const assembled = code.filter(({ text }) =>
      /`\$\{[^}]+\}_(ADDED|REMOVED|INCREASED|DECREASED|NARROWED|EXTENDED)`/.test(text),
    );
    expect(assembled.map((c) => c.file)).toEqual([]);
  });
});
