import * as path from 'node:path';
import {
  precompiledRuleSchemaValidator,
  precompiledSpecValidator,
  SPECTRAL_AJV_MODULE,
} from './precompiled-spec-validators';

// Spectral (inside @asyncapi/parser) validates every document against the AsyncAPI specification's JSON Schema with
// fresh ajv instances per document, so each parse compiles that large schema again: about 0.5-0.8 s of a parse of
// even a tiny document (measured: the second parse of a small document in one process 857 ms -> 41 ms with this).
// Here the specification's own schemas (their `$id` under http://asyncapi.com/, identical for every document) are
// taken from the build (precompiled-spec-validators.ts: no compile at all, which is what a cold CLI needs) or else
// compiled once per parser process and shared, and so are the fixed schemas of the parser's own rules (such as
// `asyncapi-latest-version`'s `{ const: <latest> }`, whose per-document ajv instance alone costs a first compile of
// the draft-07 meta-schema at every parse); every other schema (a document's own payloads, examples) keeps
// Spectral's per-document instances, so two documents that reuse an `$id` never see each other's schema.

type Validate = (schema: { $id?: unknown }, dialect: string, allErrors: boolean) => unknown;
type AjvModule = { createAjvInstances?: () => Validate };

const SPEC_SCHEMA_ID = 'http://asyncapi.com/';
/** The parser's rulesets (module, export): the `schema` options of their rules are the same objects for every
 * document. */
const PARSER_RULESETS: Array<[string, string[]]> = [
  ['@asyncapi/parser/cjs/ruleset/ruleset', ['coreRuleset', 'recommendedRuleset']],
  ['@asyncapi/parser/cjs/ruleset/v2/ruleset', ['v2CoreRuleset', 'v2RecommendedRuleset']],
  ['@asyncapi/parser/cjs/ruleset/v3/ruleset', ['v3CoreRuleset']],
];
/** The dialects Spectral gives their own ajv class; every other one is validated by its default (draft-07) class,
 * the one the build compiles with. */
const OWN_CLASS_DIALECTS = new Set(['draft4', 'draft2019-09', 'draft2020-12']);
let installed = false;

type RuleThen = { functionOptions?: { schema?: unknown } };
type Rulesets = Record<string, { rules?: Record<string, { then?: RuleThen | RuleThen[] } | unknown> } | undefined>;

/** The `schema` option objects of the parser's own rules (nothing when the parser keeps them elsewhere). */
function parserRuleSchemas(): WeakSet<object> {
  const found = new WeakSet<object>();
  for (const [module, names] of PARSER_RULESETS) {
    let exported: Rulesets;
    try {
      exported = require(module) as Rulesets;
    } catch {
      continue;
    }
    for (const name of names) {
      for (const rule of Object.values(exported[name]?.rules ?? {})) {
        const then = (rule as { then?: RuleThen | RuleThen[] } | null)?.then;
        for (const step of Array.isArray(then) ? then : [then]) {
          const schema = step?.functionOptions?.schema;
          if (typeof schema === 'object' && schema !== null) found.add(schema);
        }
      }
    }
  }
  return found;
}

/** Makes Spectral share the compiled AsyncAPI specification schemas between documents (once per parser process; a no-op if
 * Spectral's internals are not where this version has them). */
export function shareSpecSchemas(): void {
  if (installed) return;
  installed = true;
  let mod: AjvModule;
  let spectralDir: string;
  try {
    mod = require(SPECTRAL_AJV_MODULE) as AjvModule;
    spectralDir = path.dirname(require.resolve(SPECTRAL_AJV_MODULE));
  } catch {
    return;
  }
  const perDocument = mod.createAjvInstances;
  if (typeof perDocument !== 'function') return;
  let shared: Validate | undefined;
  const ruleSchemas = parserRuleSchemas();
  // Per schema object and instance kind (allErrors or not): the build's validator, or undefined.
  const built = { true: new WeakMap<object, unknown>(), false: new WeakMap<object, unknown>() };
  const fromBuild = (schema: { $id?: unknown }, allErrors: boolean): unknown => {
    const cache = built[`${allErrors}`];
    if (!cache.has(schema)) {
      const compiled = ruleSchemas.has(schema)
        ? precompiledRuleSchemaValidator(schema, allErrors, spectralDir)
        : allErrors
          ? precompiledSpecValidator(schema, spectralDir)
          : undefined;
      cache.set(schema, compiled);
    }
    return cache.get(schema);
  };
  mod.createAjvInstances = () => {
    const own = perDocument();
    return (schema, dialect, allErrors) => {
      const id = schema.$id;
      const fixed = ruleSchemas.has(schema) || (typeof id === 'string' && id.startsWith(SPEC_SCHEMA_ID));
      if (!fixed) return own(schema, dialect, allErrors);
      const compiled = OWN_CLASS_DIALECTS.has(dialect) ? undefined : fromBuild(schema, allErrors);
      if (compiled !== undefined) return compiled;
      shared ??= perDocument();
      return shared(schema, dialect, allErrors);
    };
  };
}
