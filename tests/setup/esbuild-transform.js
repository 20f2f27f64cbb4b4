'use strict';
// Jest transform for the TypeScript of src/ and tests/: esbuild's transpile, with the options bin/build-dist.js
// compiles dist/ with (so the tests run what the CLI runs) except for import(), and a source map for stack traces. A transpile
// only, like ts-jest with isolatedModules was: `npm run typecheck` does the type check once. Several times faster than
// ts-jest on a cold cache (a fresh clone in CI), and it does not load the TypeScript compiler into every worker.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const SELF = crypto
  .createHash('sha1')
  .update(fs.readFileSync(path.join(__dirname, 'esbuild-transform.js')))
  .update(esbuild.version)
  .digest('hex');

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = esbuild.transformSync(sourceText, {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: sourcePath,
      sourcesContent: false,
      // import() becomes require(), as ts-jest compiled it: Jest runs tests in a vm context without ESM support.
      supported: { 'dynamic-import': false },
    });
    return { code, map };
  },
  getCacheKey(sourceText, sourcePath) {
    return crypto
      .createHash('sha1')
      .update(SELF)
      .update('\0')
      .update(path.resolve(sourcePath))
      .update('\0')
      .update(sourceText)
      .digest('hex');
  },
};
