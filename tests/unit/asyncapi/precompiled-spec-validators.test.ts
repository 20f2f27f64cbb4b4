// The AsyncAPI specification's schemas compiled at build time (bin/build-spec-validators.js, used through
// src/asyncapi/precompiled-spec-validators.ts) must judge every document exactly as Spectral's run-time compile does:
// the same verdict and the same errors, in the same order. And a validator is used only for the schema object it was
// compiled from, with the packages it was compiled for: otherwise the parser compiles as before. The same for the
// validator spectral-core checks rulesets with (src/asyncapi/prebuilt-ruleset-validator.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  precompiledRuleSchemaValidator,
  precompiledSpecValidator,
  type SpecValidator,
} from '../../../src/asyncapi/precompiled-spec-validators';
import { prebuiltRulesetValidator } from '../../../src/asyncapi/prebuilt-ruleset-validator';
import { projectPath } from '../../../src/util/paths';

jest.setTimeout(120_000);

type Schema = { $id: string } & Record<string, unknown>;
const { buildSpecValidators } = require('../../../bin/build-spec-validators') as {
  buildSpecValidators: (root: string, options: { outDir: string; versions: string[] }) => string;
};
const AJV_MODULE = '@stoplight/spectral-functions/dist/schema/ajv';
const { createAjvInstances } = require(AJV_MODULE) as {
  createAjvInstances: () => (schema: Schema, dialect: string, allErrors: boolean) => SpecValidator;
};
const spectralDir = path.dirname(require.resolve(AJV_MODULE));
const { getSchema } = require('@asyncapi/parser/cjs/ruleset/functions/documentStructure') as {
  getSchema: (formats: Set<unknown>, resolved: boolean) => Schema;
};
const { AsyncAPIFormats } = require('@asyncapi/parser/cjs/ruleset/formats') as {
  AsyncAPIFormats: Iterable<[string, unknown]>;
};

const VERSION = '3.0.0';
const format = [...AsyncAPIFormats].find(([version]) => version === VERSION)?.[1];

const base = (): Record<string, unknown> =>
  parseYaml(`asyncapi: ${VERSION}
info: { title: Small, version: 1.0.0, contact: { email: ops@example.com, url: 'https://example.com' } }
servers:
  prod: { host: 'example.com', protocol: wss }
channels:
  socket:
    address: /ws
    messages:
      ping: { $ref: '#/components/messages/ping' }
operations:
  receivePing: { action: receive, channel: { $ref: '#/channels/socket' }, messages: [{ $ref: '#/channels/socket/messages/ping' }] }
components:
  messages:
    ping:
      payload: { type: object, additionalProperties: false, required: [type], properties: { type: { const: ping } } }
`) as Record<string, unknown>;

type Doc = Record<string, any>;
/** `base` changed by `change`, which edits it in place. */
const edit = (change: (doc: Doc) => void) => (): unknown => {
  const doc = base();
  change(doc);
  return doc;
};

/** Documents the specification accepts and refuses in many ways. */
const documents: Array<[string, () => unknown]> = [
  ['valid', edit(() => undefined)],
  ['action not send/receive', edit((d) => (d.operations.receivePing.action = 'listen'))],
  ['unknown root field', edit((d) => (d.extra = true))],
  ['info missing', edit((d) => delete d.info)],
  ['channels not an object', edit((d) => (d.channels = ['socket']))],
  ['contact email malformed', edit((d) => (d.info.contact.email = 'not an email'))],
  ['contact url malformed', edit((d) => (d.info.contact.url = 'not a url at all'))],
  ['server without host', edit((d) => delete d.servers.prod.host)],
  ['payload schema with a wrong type', edit((d) => (d.components.messages.ping.payload.type = 42))],
  ['operation channel inline', edit((d) => (d.operations.receivePing.channel = { address: '/x' }))],
  ['messages not a list', edit((d) => (d.operations.receivePing.messages = { $ref: '#/x' }))],
  ['server protocol not a string', edit((d) => (d.servers.prod.protocol = 42))],
  ['the project spec', () => parseYaml(projectSpec().replace(/^asyncapi: .*/m, `asyncapi: ${VERSION}`))],
  ['not an object', () => 'asyncapi'],
];
const projectSpec = (): string => readFileSync(projectPath('asyncapi.yaml'), 'utf8');

let outDir: string;
beforeAll(() => {
  outDir = mkdtempSync(path.join(tmpdir(), 'netra-spec-validators-'));
  buildSpecValidators(projectPath(), { outDir, versions: [VERSION] });
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe.each([true, false])('resolved %s: the build-time validator judges as the run-time compile', (resolved) => {
  let built: SpecValidator | undefined;
  let compiled: SpecValidator;
  beforeAll(() => {
    const schema = getSchema(new Set([format]), resolved);
    built = precompiledSpecValidator(schema, spectralDir, outDir);
    // Spectral's own instances, as its schema function makes them per document (draft-07, allErrors).
    compiled = createAjvInstances()(schema, 'draft7', true);
  });

  it.each(documents)('%s', (name, document) => {
    expect(built).toBeDefined();
    const verdict = compiled(document());
    expect(built?.(document())).toBe(verdict);
    expect(built?.errors).toEqual(compiled.errors);
    if (name !== 'valid' && name !== 'the project spec') expect(verdict).toBe(false);
  });
});

it('is used only for the schema it was compiled from, and only with the packages it was compiled for', () => {
  const schema = getSchema(new Set([format]), true);
  const edited: Schema = { ...schema, title: 'edited' };
  expect(precompiledSpecValidator(edited, spectralDir, outDir)).toBeUndefined();
  expect(precompiledSpecValidator({ $id: 'http://asyncapi.com/definitions/9.9.9/x.json' }, spectralDir, outDir)).toBe(
    undefined,
  );
  expect(precompiledSpecValidator(schema, spectralDir, path.join(outDir, 'missing'))).toBeUndefined();
  // A manifest written for another ajv: the folder is not used at all.
  const other = mkdtempSync(path.join(tmpdir(), 'netra-spec-validators-stale-'));
  try {
    const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as {
      packages: Record<string, string>;
    };
    manifest.packages.ajv = '0.0.1';
    writeFileSync(path.join(other, 'manifest.json'), JSON.stringify(manifest));
    for (const file of ['resolved', 'unresolved'])
      writeFileSync(
        path.join(other, `${VERSION}-${file}.js`),
        readFileSync(path.join(outDir, `${VERSION}-${file}.js`)),
      );
    expect(precompiledSpecValidator(schema, spectralDir, other)).toBeUndefined();
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});

describe("spectral-core's ruleset validator, built ahead, judges rulesets as the one it compiles", () => {
  const parserDir = path.dirname(require.resolve('@asyncapi/parser/package.json'));
  const coreDist = path.dirname(require.resolve('@stoplight/spectral-core', { paths: [parserDir] }));
  const { createValidator } = require(path.join(coreDist, 'ruleset', 'validation', 'ajv.js')) as {
    createValidator: (format: string) => SpecValidator;
  };
  const { createRuleset } = require('@asyncapi/parser/cjs/ruleset') as {
    createRuleset: (parser: unknown) => Record<string, unknown>;
  };
  const { Parser } = require('@asyncapi/parser') as { Parser: new () => unknown };
  const { truthy, schema } = require('@stoplight/spectral-functions') as Record<string, unknown>;
  const rule = (extra: Record<string, unknown>): Record<string, unknown> => ({
    rules: { 'a-rule': { given: '$', then: { function: truthy }, ...extra } },
  });
  const rulesets: Array<[string, () => unknown]> = [
    ["the AsyncAPI parser's own ruleset", () => ({ extends: [], ...createRuleset(new Parser()) })],
    ['a rule without `then`', () => ({ rules: { 'a-rule': { given: '$' } } })],
    ['a severity that does not exist', () => rule({ severity: 'fatal' })],
    ['a function that is not one', () => ({ rules: { 'a-rule': { given: '$', then: { function: 'truthy' } } } })],
    ['function options the function refuses', () => rule({ then: { function: schema, functionOptions: { x: 1 } } })],
    ['an alias that is not defined', () => rule({ given: '#NoSuchAlias' })],
    ['extends with an unknown mode', () => ({ extends: [[rule({}), 'sometimes']] })],
    ['not a ruleset', () => ({ rules: 42 })],
  ];

  let built: SpecValidator | undefined;
  let compiled: SpecValidator;
  beforeAll(() => {
    built = prebuiltRulesetValidator(outDir);
    compiled = createValidator('js');
  });

  it.each(rulesets)('%s', (name, ruleset) => {
    expect(built).toBeDefined();
    const verdict = compiled(ruleset());
    expect(built?.(ruleset())).toBe(verdict);
    expect(built?.errors).toEqual(compiled.errors);
    expect(verdict).toBe(name === "the AsyncAPI parser's own ruleset");
  });
});

describe("the parser's own rule schemas, built ahead, judge values as Spectral's compile", () => {
  type Then = { functionOptions?: { schema?: unknown; allErrors?: boolean } };
  const rulesets: Array<[string, string[]]> = [
    ['@asyncapi/parser/cjs/ruleset/ruleset', ['coreRuleset', 'recommendedRuleset']],
    ['@asyncapi/parser/cjs/ruleset/v2/ruleset', ['v2CoreRuleset', 'v2RecommendedRuleset']],
    ['@asyncapi/parser/cjs/ruleset/v3/ruleset', ['v3CoreRuleset']],
  ];
  const schemas: Array<[string, object, boolean]> = [];
  for (const [module, names] of rulesets) {
    const exported = require(module) as Record<string, { rules: Record<string, { then: Then | Then[] }> }>;
    for (const name of names) {
      for (const [ruleName, rule] of Object.entries(exported[name].rules)) {
        for (const step of Array.isArray(rule.then) ? rule.then : [rule.then]) {
          const schema = step.functionOptions?.schema;
          if (typeof schema === 'object' && schema !== null)
            schemas.push([ruleName, schema, step.functionOptions?.allErrors === true]);
        }
      }
    }
  }
  const values: unknown[] = ['3.1.0', '3.0.0', 42, {}, { prod: {} }, [], null, true];

  it('finds the rule schemas (asyncapi-latest-version among them)', () => {
    expect(schemas.map(([name]) => name)).toContain('asyncapi-latest-version');
  });

  it.each(schemas)('%s', (_name, schema, allErrors) => {
    const built = precompiledRuleSchemaValidator(schema, allErrors, spectralDir, outDir);
    expect(built).toBeDefined();
    const compiled = createAjvInstances()(schema as Schema, 'draft7', allErrors);
    for (const value of values) {
      expect(built?.(value)).toBe(compiled(value));
      expect(built?.errors).toEqual(compiled.errors);
    }
    expect(precompiledRuleSchemaValidator(schema, !allErrors, spectralDir, outDir)).toBeUndefined();
  });
});
