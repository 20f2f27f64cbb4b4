import * as path from 'node:path';
import { precompiledRulesetValidator, SPECTRAL_AJV_MODULE, type SpecValidator } from './precompiled-spec-validators';

// Spectral checks every ruleset it is given (here, the AsyncAPI parser's own) against its ruleset schema, and
// compiles that schema with ajv the first time, in every parser process: 0.2-0.4 s of a cold `registry diff`. The
// build compiles it ahead (bin/build-spec-validators.js); this hands spectral-core that copy, wrapped as spectral-core
// wraps its own (called with its alias and function validators as `this`). When the build does not match the
// installed spectral-core, nothing changes and it compiles as before.

type CreateValidator = (format: string) => unknown;
type AjvModule = { createValidator?: CreateValidator };

let installed = false;

/** The files of spectral-core the parser uses (its package `exports` hide them from a plain `require`). */
function spectralCoreDist(): string {
  const parserDir = path.dirname(require.resolve('@asyncapi/parser/package.json'));
  return path.dirname(require.resolve('@stoplight/spectral-core', { paths: [parserDir] }));
}

interface SpectralCore {
  /** spectral-core's validation/ajv module, whose `createValidator` the ruleset checks call. */
  mod: AjvModule;
  /** What spectral-core calls its ruleset validator with as `this`. */
  context: { validateAlias: unknown; validateFunction: unknown };
  coreDist: string;
  spectralDir: string;
}

/** spectral-core's internals this needs, or `undefined` when they are not where this version has them. */
function spectralCore(): SpectralCore | undefined {
  try {
    const coreDist = spectralCoreDist();
    const validation = path.join(coreDist, 'ruleset', 'validation');
    const { validateAlias } = require(path.join(validation, 'validators', 'alias.js')) as { validateAlias: unknown };
    const { validateFunction } = require(path.join(validation, 'validators', 'function.js')) as {
      validateFunction: unknown;
    };
    return {
      mod: require(path.join(validation, 'ajv.js')) as AjvModule,
      context: { validateAlias, validateFunction },
      coreDist,
      spectralDir: path.dirname(require.resolve(SPECTRAL_AJV_MODULE)),
    };
  } catch {
    return undefined;
  }
}

/**
 * The build's ruleset validator, called as spectral-core calls its own (its alias and function validators as
 * `this`), or `undefined` when there is none for the installed spectral-core. `dir` is the build's folder.
 *
 * @example
 * const validate = prebuiltRulesetValidator() ?? createValidator('js');
 */
export function prebuiltRulesetValidator(dir?: string): SpecValidator | undefined {
  const core = spectralCore();
  if (core === undefined) return undefined;
  const built = precompiledRulesetValidator(core.coreDist, core.spectralDir, dir);
  if (built === undefined) return undefined;
  return new Proxy(built, { apply: (target, _this, args) => Reflect.apply(target, core.context, args) as boolean });
}

/** Makes spectral-core validate rulesets with the build's validator (once per parser process; a no-op when spectral-core's
 * internals are not where this version has them, or the build does not match them). */
export function usePrebuiltRulesetValidator(): void {
  if (installed) return;
  installed = true;
  const mod = spectralCore()?.mod;
  const original = mod?.createValidator;
  if (mod === undefined || typeof original !== 'function') return;
  let js: unknown;
  mod.createValidator = (format) => {
    if (format !== 'js') return original(format);
    js ??= prebuiltRulesetValidator() ?? original(format);
    return js;
  };
}
