#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly through tsx's CommonJS hook: no build step between an edit and the CLI.
require('tsx/cjs');
require('../src/cli/main.ts').main(process.argv);
