import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';
import { mapSchema } from './schema-walk';
import { isRecord } from '../util/records';

/** AsyncAPI/OpenAPI annotation keywords that carry no validation meaning; ajv must know them to stay strict. */
export const ANNOTATION_KEYWORDS = ['discriminator', 'externalDocs', 'example', 'xml'] as const;

/** The JSON Schema dialect of every generated schema. */
export const SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/**
 * Creates the ajv instance every validator of the project is compiled with, at generation time (standalone code)
 * or at run time (tests, benchmarks): draft-07, `ajv-formats` (full mode), first error only, and strict except that
 * unknown keywords and formats are reported through `warn` instead of failing (documents written by others use
 * vendor keywords; they are annotations).
 *
 * @example
 * const ajv = createAjv();
 * const validate = ajv.compile(require('../../generated/schemas/agent_started.json'));
 * validate({ type: 'agent_started' }); // false; validate.errors[0].keyword === 'required'
 */
export function createAjv(options: { standalone?: boolean; warn?: (message: string) => void } = {}): Ajv {
  const warn = options.warn ?? (() => undefined);
  const ajvOptions: Options = {
    allErrors: false,
    strict: true,
    strictSchema: 'log',
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    logger: { log: () => undefined, warn: (...args: unknown[]) => warn(args.map(String).join(' ')), error: warn },
    code: options.standalone ? { source: true, esm: false, lines: false, optimize: true } : { optimize: true },
  };
  const ajv = new Ajv(ajvOptions);
  addFormats(ajv);
  ajv.addVocabulary([...ANNOTATION_KEYWORDS]);
  return ajv;
}

/**
 * Registers every `format` used in `schema` that ajv-formats does not know as "not checked" (JSON Schema makes
 * formats annotations unless the validator knows them), reporting each through `warn`. Call before `compile`.
 *
 * @example
 * const ajv = createAjv();
 * acceptUnknownFormats(ajv, schema, (w) => console.warn(w)); // "format 'iri-reference' is not checked ..."
 * const validate = ajv.compile(schema);
 */
export function acceptUnknownFormats(
  ajv: Ajv,
  schema: unknown,
  warn: (message: string) => void = () => undefined,
): void {
  const visit = (node: unknown): unknown => {
    if (isRecord(node) && typeof node.format === 'string' && !(node.format in ajv.formats)) {
      ajv.addFormat(node.format, true);
      warn(`format '${node.format}' is not checked (unknown to ajv-formats)`);
    }
    return mapSchema(node, visit);
  };
  visit(schema);
}
