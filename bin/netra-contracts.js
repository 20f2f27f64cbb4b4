#!/usr/bin/env node
'use strict';
// Starts from the compiled JavaScript in dist/ (built by `npm ci` / `npm run build`) when it matches src/ as it is
// now; otherwise runs the TypeScript sources through tsx's CommonJS hook, so an edit is never run stale and a
// checkout without a build still works (about 1 s slower to start: tsx compiles every module it loads).
const path = require('node:path');
const { distIsFresh } = require('./dist-stamp');
const { adoptRelaunch, relaunchWithCheckerFlags } = require('./relaunch');

const root = path.join(__dirname, '..');
// Stack traces (NETRA_DEBUG) point into src/*.ts through the build's source maps.
if (process.env.NETRA_DEBUG) process.setSourceMapsEnabled(true);
adoptRelaunch();
// `verify` and `load` run with the checker's V8 settings (bin/relaunch.js): started without them, they run again in
// a child that has them.
if (relaunchWithCheckerFlags(process.argv[2], __filename)) {
  // the child does the work
} else if (process.env.NETRA_FROM_SOURCE !== '1' && distIsFresh(path.join(root, 'src'), path.join(root, 'dist'))) {
  require('../dist/src/cli/main.js').main(process.argv);
} else {
  require('tsx/cjs');
  require('../src/cli/main.ts').main(process.argv);
}
