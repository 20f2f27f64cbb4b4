'use strict';
// What dist/ was built from: a hash of each source file's path, size and modification time under src/, and of the
// build's own inputs beside it (package.json, tsconfig.build.json). The bin compares it with src/ as it is now
// before using dist/ (a few ms for ~400 files), so an edited, added, removed or renamed source file (even one given
// an older time, as `cp -p` or an archive does), or a changed build configuration, sends the CLI back to the
// TypeScript sources (through tsx) until the next `npm run build`.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const STAMP_FILE = '.src-stamp';
/** Files beside src/ that change what the build produces. */
const BUILD_INPUTS = ['package.json', 'tsconfig.build.json'];

function walk(dir, base, lines) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file, base, lines);
    else lines.push(describe(file, path.relative(base, file)));
  }
  return lines;
}

/** One line per file: its path (forward slashes, so a stamp means the same on every OS), size and mtime. */
function describe(file, name) {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  const shown = name.split(path.sep).join('/');
  return stat === undefined ? `${shown}\0missing` : `${shown}\0${stat.size}\0${stat.mtimeMs}`;
}

/** A hash of every file under `dir` (path, size, mtime) and of the build inputs in `dir`'s parent. */
function srcStamp(dir) {
  const lines = walk(dir, dir, []).sort();
  for (const name of BUILD_INPUTS) lines.push(describe(path.join(path.dirname(dir), name), `../${name}`));
  return `sha256:${crypto.createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

/** True when `distDir` holds a complete build of `srcDir` as it is now. */
function distIsFresh(srcDir, distDir) {
  try {
    return fs.readFileSync(path.join(distDir, STAMP_FILE), 'utf8') === srcStamp(srcDir);
  } catch {
    return false; // no dist/, or no stamp (never built, or a build that did not finish)
  }
}

module.exports = { STAMP_FILE, srcStamp, distIsFresh };
