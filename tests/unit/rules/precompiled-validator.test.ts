// The rule file schema's validator built ahead of time (bin/build-rules-validator.js) must be the validator ajv
// compiles at run time: the same verdict and the same errors on every document; used only while it is current.
import Ajv from 'ajv';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_RULES_DIR, RULES_SCHEMA_FILE } from '../../../src/rules';
import { RULES_AJV_OPTIONS } from '../../../src/rules/load';
import { precompiledRulesValidator, rulesValidatorStamp } from '../../../src/rules/precompiled-validator';

const REPO = path.resolve(__dirname, '..', '..', '..');
const build = require(path.join(REPO, 'bin', 'build-rules-validator.js')) as {
  buildRulesValidator: (root: string) => void;
  stamp: (schemaText: string, ajvVersion: string, options?: object) => string;
};
const schemaText = readFileSync(RULES_SCHEMA_FILE, 'utf8');

describe('the rule file validator built ahead of time', () => {
  beforeAll(() => build.buildRulesValidator(REPO)); // up to date after `npm ci`: then this writes nothing

  it('stamps with the formula and the options the loader checks', () => {
    const stampOf = (version: string, options: object = RULES_AJV_OPTIONS): string =>
      rulesValidatorStamp(schemaText, version, options);
    expect(stampOf('8.1.0')).toBe(build.stamp(schemaText, '8.1.0'));
    expect(stampOf('8.1.0')).not.toBe(stampOf('8.1.1'));
    expect(stampOf('8.1.0', { ...RULES_AJV_OPTIONS, allErrors: false })).not.toBe(stampOf('8.1.0'));
  });

  it('gives the same verdicts and errors as ajv compiling the schema at run time', () => {
    const built = precompiledRulesValidator(schemaText, RULES_AJV_OPTIONS);
    expect(built).toBeDefined();
    const compiled = new Ajv(RULES_AJV_OPTIONS).compile(JSON.parse(schemaText));
    const files = readdirSync(DEFAULT_RULES_DIR).map((f) =>
      parse(readFileSync(path.join(DEFAULT_RULES_DIR, f), 'utf8')),
    );
    const same = (doc: unknown): void => {
      expect(built!(doc)).toBe(compiled(doc));
      expect(built!.errors ?? null).toEqual(compiled.errors ?? null);
    };
    for (const doc of files) same(doc);
    // Every rule file with one field of one rule replaced by an arbitrary value, or removed.
    fc.assert(
      fc.property(
        fc.nat(files.length - 1),
        fc.nat(50),
        fc.constantFrom('id', 'description', 'check', 'message', 'params', 'severity', 'family', 'rules'),
        fc.option(fc.jsonValue(), { nil: undefined }),
        (fileIndex, ruleIndex, field, value) => {
          const doc = structuredClone(files[fileIndex]) as { rules: Record<string, unknown>[] } & Record<
            string,
            unknown
          >;
          const target = field === 'family' || field === 'rules' ? doc : doc.rules[ruleIndex % doc.rules.length];
          if (value === undefined) delete target[field];
          else target[field] = value;
          same(doc);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is not used when it no longer matches the schema, or is missing: the loader compiles as before', () => {
    expect(precompiledRulesValidator(`${schemaText} `, RULES_AJV_OPTIONS)).toBeUndefined();
    expect(precompiledRulesValidator(schemaText, { ...RULES_AJV_OPTIONS, allErrors: false })).toBeUndefined();
    const dir = mkdtempSync(path.join(tmpdir(), 'rules-validator-'));
    try {
      expect(precompiledRulesValidator(schemaText, RULES_AJV_OPTIONS, path.join(dir, 'missing.js'))).toBeUndefined();
      const stale = path.join(dir, 'stale.js');
      writeFileSync(stale, '// netra rules-validator 0000\nmodule.exports = () => true;\n');
      expect(precompiledRulesValidator(schemaText, RULES_AJV_OPTIONS, stale)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
