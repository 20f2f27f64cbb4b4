'use strict';
// Compiles, at build time, the AsyncAPI specification's JSON Schemas that the parser validates every document
// against (the `asyncapi-document-resolved` and `-unresolved` rules of @asyncapi/parser) into ajv standalone
// validators under dist/spec-validators/. Compiling them at run time is most of a cold `registry diff` (about 0.4 s
// per schema on an idle machine, two schemas per document version); loading the compiled code takes a few ms.
//
// The validators are the code ajv would compile at run time: the same schema objects (taken from the parser's own
// `getSchema`, with its edits), the same ajv, ajv-formats and ajv-errors that Spectral uses, and Spectral's options.
// The manifest records a hash of each schema and those packages' versions; src/asyncapi/precompiled-spec-validators.ts
// uses a validator only when both still match, and otherwise lets Spectral compile as before, so a stale build can
// only cost time, never change a verdict. Nothing is rewritten when the manifest already matches its inputs.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

/** The specification versions compiled ahead: this project's spec and the versions the corpus and tests use most.
 * Documents of other versions are validated as before (Spectral compiles their schema at run time). */
const VERSIONS = ['2.6.0', '3.0.0', '3.1.0'];
const MANIFEST = 'manifest.json';
/** The packages whose code the validators are or call: a different version means a different validator. */
const PACKAGES = ['@stoplight/spectral-functions', 'ajv', 'ajv-formats', 'ajv-errors'];
/** The manifest's name for the ruleset validator (see rulesetValidatorCode). */
const RULESET_ID = 'spectral-core/ruleset/js';
/** Under spectral-core's dist/ruleset/: the files that make its ruleset validator (recorded in the manifest, where
 * src/asyncapi/precompiled-spec-validators.ts reads the list: one list). */
const RULESET_INPUTS = [
  'meta/rule.schema.json',
  'meta/shared.json',
  'meta/ruleset.schema.json',
  'meta/js-extensions.json',
  'validation/ajv.js',
];

/** Spectral's schema function's folder: its ajv and plugins are resolved from there, as Spectral resolves them. */
function spectralFunctionsDir(from) {
  return path.dirname(require.resolve('@stoplight/spectral-functions/dist/schema/ajv', { paths: [from] }));
}

/** The versions of PACKAGES as Spectral's schema function resolves them. */
function packageVersions(spectralDir) {
  const versions = {};
  for (const name of PACKAGES) {
    const manifest = require.resolve(`${name}/package.json`, { paths: [spectralDir] });
    versions[name] = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
  }
  return versions;
}

function sha256(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** The schema objects the parser's rules validate documents against: `{ id, version, resolved, schema }`. */
function specSchemas(from, versions) {
  const parserDir = path.dirname(require.resolve('@asyncapi/parser/package.json', { paths: [from] }));
  const { getSchema } = require(path.join(parserDir, 'cjs/ruleset/functions/documentStructure'));
  const { AsyncAPIFormats } = require(path.join(parserDir, 'cjs/ruleset/formats'));
  const out = [];
  for (const [version, format] of AsyncAPIFormats) {
    if (!versions.includes(version)) continue;
    for (const resolved of [true, false]) {
      const schema = getSchema(new Set([format]), resolved);
      out.push({ id: schema.$id, version, resolved, schema });
    }
  }
  return out;
}

/** The `schema` options of the parser's own rules (`{ schema, allErrors }`): the same objects for every document.
 * Found as src/asyncapi/shared-spec-schemas.ts finds them (PARSER_RULESETS there). */
function ruleSchemas(from) {
  const parserDir = path.dirname(require.resolve('@asyncapi/parser/package.json', { paths: [from] }));
  const rulesets = [
    ['cjs/ruleset/ruleset', ['coreRuleset', 'recommendedRuleset']],
    ['cjs/ruleset/v2/ruleset', ['v2CoreRuleset', 'v2RecommendedRuleset']],
    ['cjs/ruleset/v3/ruleset', ['v3CoreRuleset']],
  ];
  const out = [];
  for (const [module, names] of rulesets) {
    const exported = require(path.join(parserDir, module));
    for (const name of names) {
      for (const rule of Object.values(exported[name].rules)) {
        for (const step of Array.isArray(rule.then) ? rule.then : [rule.then]) {
          const options = step?.functionOptions;
          if (typeof options?.schema !== 'object' || options.schema === null || options.dialect !== undefined) continue;
          out.push({ schema: options.schema, allErrors: options.allErrors === true });
        }
      }
    }
  }
  return out;
}

/** The manifest's name for a rule's schema: by its content and the ajv instance Spectral gives it. */
function ruleSchemaId(schema, allErrors) {
  return `rule/${allErrors ? 'all-errors' : 'first-error'}/${sha256(JSON.stringify(schema))}`;
}

/** An ajv instance as Spectral's `createAjvInstance(Ajv, allErrors)` makes it (dist/schema/ajv.js), emitting source. */
function spectralAjv(spectralDir, allErrors) {
  const load = (name) => require(require.resolve(name, { paths: [spectralDir] }));
  const Ajv = load('ajv').default;
  const ajv = new Ajv({
    allErrors,
    meta: true,
    messages: true,
    strict: false,
    allowUnionTypes: true,
    logger: false,
    unicodeRegExp: false,
    code: { source: true },
  });
  load('ajv-formats').default(ajv);
  if (allErrors) load('ajv-errors').default(ajv);
  ajv.addSchema(require(path.join(spectralDir, 'draft4.json')));
  ajv.addSchema(load('ajv/dist/refs/json-schema-draft-06.json'));
  return { ajv, standaloneCode: load('ajv/dist/standalone').default };
}

/** The generated code's `require("ajv/dist/runtime/...")` calls, pointed at the files Spectral's copy resolves to. */
function pinRequires(code, spectralDir, outDir) {
  return code.replace(/require\("([^"]+)"\)/g, (_whole, name) => {
    const target = require.resolve(name, { paths: [spectralDir] });
    let relative = path.relative(outDir, target).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    return `require(${JSON.stringify(relative)})`;
  });
}

/** spectral-core's dist/ folder, as the parser resolves it (its package `exports` hide the files read here). */
function spectralCoreDist(from) {
  const parserDir = path.dirname(require.resolve('@asyncapi/parser/package.json', { paths: [from] }));
  return path.dirname(require.resolve('@stoplight/spectral-core', { paths: [parserDir] }));
}

/** What the ruleset validator is compiled from: its schemas, the code of its keyword, and the ajv it runs on. The
 * same hash as `rulesetInputs` in src/asyncapi/precompiled-spec-validators.ts computes from the manifest's `inputs`
 * (the test finds the validator through it, so a difference fails there). */
function rulesetInputsHash(coreDist) {
  const hash = crypto.createHash('sha256');
  for (const file of RULESET_INPUTS) hash.update(fs.readFileSync(path.join(coreDist, 'ruleset', file)));
  for (const name of ['ajv', 'ajv-formats', 'ajv-errors']) {
    const manifest = require.resolve(`${name}/package.json`, { paths: [coreDist] });
    hash.update(`${name}@${JSON.parse(fs.readFileSync(manifest, 'utf8')).version}`);
  }
  return hash.digest('hex');
}

/**
 * The validator Spectral compiles for every ruleset it is given (spectral-core's `createValidator('js')`, about
 * 0.2-0.4 s at each parser thread's start), as standalone code: spectral-core's own function runs, with its ajv
 * class swapped for one that also emits source, and the function it compiles is captured.
 */
function rulesetValidatorCode(coreDist, outDir) {
  const ajvModule = require(require.resolve('ajv/dist/2020', { paths: [coreDist] }));
  const Original = ajvModule.default;
  const captured = {};
  class Capturing extends Original {
    constructor(options) {
      super({ ...options, code: { ...options.code, source: true } });
      captured.ajv = this;
    }
    compile(schema, meta) {
      captured.validate = super.compile(schema, meta);
      return captured.validate;
    }
  }
  ajvModule.default = Capturing;
  try {
    require(path.join(coreDist, 'ruleset', 'validation', 'ajv.js')).createValidator('js');
  } finally {
    ajvModule.default = Original;
  }
  if (captured.validate === undefined) throw new Error('spectral-core compiled no ruleset validator');
  const standaloneCode = require(require.resolve('ajv/dist/standalone', { paths: [coreDist] })).default;
  return pinRequires(standaloneCode(captured.ajv, captured.validate), coreDist, outDir);
}

function writeAtomically(file, text) {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

function readManifest(outDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when every file the manifest names is there and the manifest describes exactly `expected`. */
function upToDate(outDir, expected) {
  const current = readManifest(outDir);
  if (current === undefined || JSON.stringify(current) !== JSON.stringify(expected)) return false;
  return Object.values(expected.validators).every((v) => fs.existsSync(path.join(outDir, v.file)));
}

/**
 * Writes dist/spec-validators/ (one module per schema and the manifest, the manifest last) unless it already
 * matches. `root` is the project root; `outDir` and `versions` are for tests. Returns what it did.
 */
function buildSpecValidators(root, { outDir = path.join(root, 'dist', 'spec-validators'), versions = VERSIONS } = {}) {
  const spectralDir = spectralFunctionsDir(root);
  const coreDist = spectralCoreDist(root);
  const schemas = specSchemas(root, versions).map((s) => ({
    ...s,
    allErrors: true,
    file: `${s.version}-${s.resolved ? 'resolved' : 'unresolved'}.js`,
  }));
  for (const [i, rule] of ruleSchemas(root).entries()) {
    schemas.push({ ...rule, id: ruleSchemaId(rule.schema, rule.allErrors), file: `rule-${i + 1}.js` });
  }
  const manifest = { packages: packageVersions(spectralDir), validators: {} };
  for (const s of schemas) manifest.validators[s.id] = { file: s.file, sha256: sha256(JSON.stringify(s.schema)) };
  manifest.validators[RULESET_ID] = {
    file: 'spectral-ruleset.js',
    sha256: rulesetInputsHash(coreDist),
    inputs: RULESET_INPUTS,
  };
  if (upToDate(outDir, manifest)) return 'up to date';
  fs.mkdirSync(outDir, { recursive: true });
  fs.rmSync(path.join(outDir, MANIFEST), { force: true });
  const instances = { true: spectralAjv(spectralDir, true), false: spectralAjv(spectralDir, false) };
  for (const s of schemas) {
    const { ajv, standaloneCode } = instances[s.allErrors];
    const validate = ajv.compile(s.schema);
    const code = pinRequires(standaloneCode(ajv, validate), spectralDir, outDir);
    const target = path.join(outDir, manifest.validators[s.id].file);
    writeAtomically(target, code);
  }
  writeAtomically(path.join(outDir, manifest.validators[RULESET_ID].file), rulesetValidatorCode(coreDist, outDir));
  fs.writeFileSync(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return `${schemas.length + 1} compiled`;
}

module.exports = { buildSpecValidators, VERSIONS, RULESET_ID };
if (require.main === module)
  process.stdout.write(`spec validators: ${buildSpecValidators(path.join(__dirname, '..'))}\n`);
