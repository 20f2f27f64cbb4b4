// The bin starts from dist/ only when dist/ was built from src/ as it is now: an edited, added or removed source file,
// or a build that never finished (no stamp), sends it back to the TypeScript sources.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const { distIsFresh, srcStamp, STAMP_FILE } = require('../../../bin/dist-stamp') as {
  distIsFresh: (src: string, dist: string) => boolean;
  srcStamp: (src: string) => string;
  STAMP_FILE: string;
};

let root: string;
let src: string;
let dist: string;
const at = (file: string, seconds: number): void => utimesSync(file, seconds, seconds);

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'netra-dist-stamp-'));
  src = path.join(root, 'src');
  dist = path.join(root, 'dist');
  mkdirSync(path.join(src, 'cli'), { recursive: true });
  mkdirSync(dist);
  writeFileSync(path.join(src, 'cli', 'main.ts'), 'export {};\n');
  writeFileSync(path.join(src, 'index.ts'), 'export {};\n');
  at(path.join(src, 'cli', 'main.ts'), 1_000_000);
  at(path.join(src, 'index.ts'), 1_000_000);
  writeFileSync(path.join(dist, STAMP_FILE), srcStamp(src));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('dist/ freshness', () => {
  it('is fresh right after a build', () => {
    expect(distIsFresh(src, dist)).toBe(true);
  });

  it('is stale when a source file changes', () => {
    at(path.join(src, 'cli', 'main.ts'), 1_000_100);
    expect(distIsFresh(src, dist)).toBe(false);
  });

  it('is stale when a source file is added or removed, whatever its time', () => {
    const added = path.join(src, 'cli', 'extra.ts');
    writeFileSync(added, 'export {};\n');
    at(added, 10);
    expect(distIsFresh(src, dist)).toBe(false);
    rmSync(added);
    expect(distIsFresh(src, dist)).toBe(true);
    rmSync(path.join(src, 'index.ts'));
    expect(distIsFresh(src, dist)).toBe(false);
  });

  it('is stale when a file is renamed, or replaced by other content with an older time', () => {
    const main = path.join(src, 'cli', 'main.ts');
    writeFileSync(main, 'export const changed = true;\n');
    at(main, 10); // an older time than the build's (cp -p, an archive)
    expect(distIsFresh(src, dist)).toBe(false);
    writeFileSync(main, 'export {};\n');
    at(main, 1_000_000);
    expect(distIsFresh(src, dist)).toBe(true);
    rmSync(path.join(src, 'index.ts'));
    writeFileSync(path.join(src, 'other.ts'), 'export {};\n');
    at(path.join(src, 'other.ts'), 1_000_000);
    expect(distIsFresh(src, dist)).toBe(false);
  });

  it('is stale when package.json or tsconfig.build.json beside src/ changes, appears or goes', () => {
    for (const name of ['package.json', 'tsconfig.build.json']) {
      const file = path.join(root, name);
      writeFileSync(file, '{}\n');
      expect(distIsFresh(src, dist)).toBe(false);
      writeFileSync(path.join(dist, STAMP_FILE), srcStamp(src));
      expect(distIsFresh(src, dist)).toBe(true);
      writeFileSync(file, '{ "changed": true }\n');
      expect(distIsFresh(src, dist)).toBe(false);
      rmSync(file);
      writeFileSync(path.join(dist, STAMP_FILE), srcStamp(src));
    }
  });

  it('is never fresh without a stamp (no build, or a build that did not finish)', () => {
    rmSync(path.join(dist, STAMP_FILE));
    expect(distIsFresh(src, dist)).toBe(false);
    expect(distIsFresh(src, path.join(root, 'missing'))).toBe(false);
  });
});
