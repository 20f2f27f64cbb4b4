#!/usr/bin/env node
'use strict';
// Compiles src/**/*.ts to dist/src/**/*.js, one file at a time with esbuild (a transpile, no type check: `npm run
// typecheck` does that), so that `bin/netra-contracts.js` starts from JavaScript instead of compiling TypeScript at
// every start. Run by `npm ci` (the `prepare` script) and by `npm run build`. Writes dist/.src-stamp last: the bin
// uses dist/ only when that stamp matches src/ as it is now (see ./dist-stamp.js), so a half-written dist/ is never
// used. Without esbuild (an install without devDependencies) it prints why and exits 0: the bin then runs src/
// through tsx, as before.
const fs = require('node:fs');
const path = require('node:path');
const { srcStamp, STAMP_FILE } = require('./dist-stamp');
const { buildSpecValidators } = require('./build-spec-validators');
const { buildRulesValidator } = require('./build-rules-validator');

const ROOT = path.join(__dirname, '..');
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');

function sourceFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(file, out);
    else out.push(file);
  }
  return out;
}

/** dist/generated -> ../generated: the sources' relative imports of generated/ resolve to the one copy. */
function linkGenerated() {
  const link = path.join(DIST, 'generated');
  fs.rmSync(link, { recursive: true, force: true });
  try {
    fs.symlinkSync(path.join('..', 'generated'), link, 'junction');
  } catch {
    // No symlinks here (some Windows setups): a copy, refreshed by the next build.
    fs.cpSync(path.join(ROOT, 'generated'), link, { recursive: true });
  }
}

/** One source file to its place under dist/: TypeScript transpiled (with a source map), anything else copied. */
function compileFile(esbuild, file, target) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (!file.endsWith('.ts')) {
    fs.copyFileSync(file, target); // prices.json and the like, imported next to the code
    return;
  }
  const { code, map } = esbuild.transformSync(fs.readFileSync(file, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'external',
    sourcefile: path.relative(path.dirname(target), file),
    supported: { 'dynamic-import': true },
  });
  const out = target.replace(/\.ts$/, '.js');
  fs.writeFileSync(out, `${code}//# sourceMappingURL=${path.basename(out)}.map\n`);
  fs.writeFileSync(`${out}.map`, map);
}

/** The AsyncAPI specification's schemas and the rule file schema as standalone validators (see
 * ./build-spec-validators.js and ./build-rules-validator.js). Optional: without them the parser and loadRules compile
 * those schemas at run time, as they did before, so a failure here is reported, not fatal. */
function aheadOfTimeValidators() {
  try {
    buildSpecValidators(ROOT);
  } catch (err) {
    process.stderr.write(`build-dist: spec validators not built (${err.message}); the parser will compile them\n`);
  }
  try {
    buildRulesValidator(ROOT);
  } catch (err) {
    process.stderr.write(`build-dist: rules validator not built (${err.message}); loadRules will compile it\n`);
  }
}

/** Builds dist/ from src/; returns the exit code (0 also when esbuild is missing: the bin then uses tsx). */
function build() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    process.stderr.write('build-dist: esbuild is not installed; the CLI will run the TypeScript sources through tsx\n');
    return 0;
  }
  // The stamp is taken before compiling: an edit made during the build makes it stale, never the other way round.
  const stamp = srcStamp(SRC);
  const outDir = path.join(DIST, 'src');
  // Compiled beside the old copy, then swapped in: a CLI started from the old copy keeps working until the swap.
  const nextDir = path.join(DIST, `src.next-${process.pid}`);
  const oldDir = path.join(DIST, `src.old-${process.pid}`);
  fs.rmSync(nextDir, { recursive: true, force: true });
  for (const file of sourceFiles(SRC)) compileFile(esbuild, file, path.join(nextDir, path.relative(SRC, file)));
  fs.rmSync(path.join(DIST, STAMP_FILE), { force: true });
  if (fs.existsSync(outDir)) fs.renameSync(outDir, oldDir);
  fs.renameSync(nextDir, outDir);
  fs.rmSync(oldDir, { recursive: true, force: true });
  linkGenerated();
  aheadOfTimeValidators();
  fs.writeFileSync(path.join(DIST, STAMP_FILE), stamp);
  return 0;
}

module.exports = { build };
if (require.main === module) process.exitCode = build();
