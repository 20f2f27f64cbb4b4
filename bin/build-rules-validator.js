'use strict';
// Compiles, at build time, contracts/rules.schema.json (the schema every rule file must match) into an ajv standalone
// validator, dist/rules-validator.js. Compiling it at run time was most of `loadRules()` (about 0.35 s of 0.45 s on
// an idle machine), paid by every command that checks sessions or traffic (verify, load, record, replay, conformance,
// the pipeline); loading the compiled code takes a few ms.
//
// Same ajv, same options as src/rules/load.ts compiles with at run time. The file's first line is a stamp: a hash of
// the schema text, ajv's version and the options. src/rules/precompiled-validator.ts uses the file only when the stamp matches the
// schema and ajv as they are now, and otherwise compiles at run time as before: a stale build can only cost time,
// never change a verdict.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** ajv's options for the rule file schema: the ones src/rules/load.ts uses (RULES_AJV_OPTIONS there). */
const OPTIONS = { allErrors: true, strict: false };

/**
 * The stamp line for a schema text, an ajv version and ajv's options (the same formula as rulesValidatorStamp in
 * src/rules): options edited on one side only make the build stale, never a validator of other options used.
 */
function stamp(schemaText, ajvVersion, options = OPTIONS) {
  const hash = crypto
    .createHash('sha256')
    .update(`ajv ${ajvVersion}\n${JSON.stringify(options)}\n${schemaText}`)
    .digest('hex');
  return `// netra rules-validator ${hash}`;
}

/** Writes dist/rules-validator.js for `root` unless it is already up to date. */
function buildRulesValidator(root) {
  const schemaText = fs.readFileSync(path.join(root, 'contracts', 'rules.schema.json'), 'utf8');
  const ajvVersion = JSON.parse(
    fs.readFileSync(require.resolve('ajv/package.json', { paths: [root] }), 'utf8'),
  ).version;
  const head = stamp(schemaText, ajvVersion);
  const file = path.join(root, 'dist', 'rules-validator.js');
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').startsWith(`${head}\n`)) return;
  const Ajv = require(require.resolve('ajv', { paths: [root] })).default;
  const standalone = require(require.resolve('ajv/dist/standalone', { paths: [root] })).default;
  const ajv = new Ajv({ ...OPTIONS, code: { source: true } });
  const code = standalone(ajv, ajv.compile(JSON.parse(schemaText)));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${head}\n${code}\n`);
  fs.renameSync(temp, file);
}

module.exports = { buildRulesValidator, stamp };
