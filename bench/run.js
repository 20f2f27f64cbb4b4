#!/usr/bin/env node
'use strict';
// Runs one benchmark from bench/<name>.ts through tsx: `node bench/run.js validate`.
const path = require('node:path');
const fs = require('node:fs');

const name = process.argv[2];
const file = name && path.join(__dirname, `${name}.ts`);
if (!file || !fs.existsSync(file)) {
  const available = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
  process.stderr.write(`usage: node bench/run.js <${available.join('|')}>\n`);
  process.exit(2);
}
// The benches named after `verify` and `load` run with the V8 settings those commands run with (bin/relaunch.js).
const { adoptRelaunch, relaunchWithCheckerFlags } = require('../bin/relaunch');
adoptRelaunch();
if (!relaunchWithCheckerFlags(name, __filename)) {
  require('tsx/cjs');
  require(file);
}
