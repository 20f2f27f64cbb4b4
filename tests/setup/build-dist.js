'use strict';
// Jest global setup: the tests start the real CLI (bin/netra-contracts.js) in child processes well over a hundred
// times. Bringing dist/ up to date with src/ first (a second or two with esbuild, nothing when it already is) lets
// every one of them start from compiled JavaScript instead of compiling TypeScript through tsx at each start; the
// bin checks the same stamp, so a test never runs code older than src/.
const path = require('node:path');
const { distIsFresh } = require('../../bin/dist-stamp');
const { build } = require('../../bin/build-dist');

module.exports = function buildDistIfStale() {
  const root = path.join(__dirname, '..', '..');
  if (!distIsFresh(path.join(root, 'src'), path.join(root, 'dist'))) build();
};
