// The instance check: the diff's verdict tested on real instances. Instances generated from both schemas (boundary
// values and near misses) are validated with ajv under the old and the new schema; one the old schema accepts and the
// new refuses proves a BACKWARD break, one the new accepts and the old refuses a FORWARD break. Compiled once per
// schema object, validated hot.
import Ajv, { type Options, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isRecord } from '../../../util/records';
import { show } from '../schema/model';
import { aroundAjvContainsBug } from './ajv-workarounds';
import { generateInstances } from './generate';

/** An instance that proves a break the diff did not report. */
export interface InstanceDisagreement {
  /** `backward`: valid under the old schema, refused by the new; `forward`: the other way round. */
  direction: 'backward' | 'forward';
  instance: unknown;
  /** What the refusing schema says, as ajv words it (`/a must be string`). */
  refusal: string;
}

export interface InstanceCheckOptions {
  /** Look for instances the old schema accepts and the new one refuses. */
  backward: boolean;
  /** Look for instances the new schema accepts and the old one refuses. */
  forward: boolean;
  /** Seed of the generator (same seed, same instances). */
  seed: number;
}

// Compiling is the check's main cost (a few ms per payload schema; generating and validating 240 instances is well
// under one). Without code optimisation and error messages ajv compiles about three times faster; the rare
// disagreement is explained afterwards by a second compile with messages.
const AJV_OPTIONS: Options = {
  strict: false,
  allErrors: false,
  validateSchema: false,
  addUsedSchema: false,
  allowUnionTypes: true,
  logger: false,
  messages: false,
  code: { optimize: false },
};
const EXPLAINING_OPTIONS: Options = { ...AJV_OPTIONS, messages: true };

interface Dialects {
  draft07?: Ajv;
  draft2020?: Ajv;
}
const checking: Dialects = {};
const explaining: Dialects = {};
const compiled = new WeakMap<object, ValidateFunction | null>();

const DRAFT_2020_KEYWORDS =
  /"(prefixItems|unevaluatedItems|unevaluatedProperties|dependentSchemas|dependentRequired|minContains|maxContains|\$dynamicRef)"/;

/** The schema without `$schema`/`$id` (the dialect is chosen here; an unknown meta-schema must not stop the check). */
function compilable(schema: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...schema };
  delete copy.$schema;
  delete copy.$id;
  return copy;
}

/** 2020-12 when the schema uses 2020-12 keywords or says so, else draft-07 (AsyncAPI's own base). */
function isModern(schema: Record<string, unknown>, text: string): boolean {
  return DRAFT_2020_KEYWORDS.test(text) || /2019-09|2020-12/.test(String(schema.$schema ?? ''));
}

/** Compiles in the schema's dialect, falling back to the other one; null when neither compiles it. */
function compileIn(
  dialects: Dialects,
  options: Options,
  schema: Record<string, unknown>,
  modern: boolean,
): ValidateFunction | null {
  const d07 = (): Ajv => (dialects.draft07 ??= addFormats(new Ajv(options)));
  const d2020 = (): Ajv => (dialects.draft2020 ??= addFormats(new Ajv2020(options)));
  for (const ajv of modern ? [d2020, d07] : [d07, d2020]) {
    try {
      return ajv().compile(aroundAjvContainsBug(compilable(schema)) as Record<string, unknown>);
    } catch {
      // not valid in this dialect (e.g. array-form items under 2020-12): try the other one
    }
  }
  return null;
}

/** ajv for the schema's dialect, compiled once per schema object. */
function validatorOf(schema: unknown): ValidateFunction | undefined {
  if (!isRecord(schema)) return undefined;
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached ?? undefined;
  let text: string;
  try {
    text = JSON.stringify(schema);
  } catch {
    compiled.set(schema, null);
    return undefined;
  }
  const validate = compileIn(checking, AJV_OPTIONS, schema, isModern(schema, text));
  compiled.set(schema, validate);
  return validate ?? undefined;
}

function accepts(validate: ValidateFunction, instance: unknown): boolean {
  try {
    return validate(instance) === true;
  } catch {
    return true; // a validator that cannot decide proves nothing
  }
}

/** Why `schema` refuses `instance`, as ajv words it (`/a must be string`); compiled again, with messages. */
function refusal(schema: unknown, instance: unknown): string {
  if (!isRecord(schema)) return 'refused';
  const validate = compileIn(explaining, EXPLAINING_OPTIONS, schema, isModern(schema, JSON.stringify(schema)));
  if (validate === null || accepts(validate, instance)) return 'refused';
  const error = validate.errors?.[0];
  if (error === undefined) return 'refused';
  return `${error.instancePath || '(root)'} ${error.message ?? error.keyword}`;
}

/**
 * Tries generated instances of both schemas under both and returns the first instance (at most one per direction)
 * that proves a break. Empty when a schema cannot be compiled (nothing can be proved) or none is found.
 *
 * @example
 * checkInstances({ type: 'array', prefixItems: [{}] },
 *   { type: 'array', prefixItems: [{}], unevaluatedItems: false }, { backward: true, forward: false, seed: 1 });
 * // [{ direction: 'backward', instance: [0, 0], refusal: '(root) must NOT have more than 1 items' }]
 */
export function checkInstances(
  oldSchema: unknown,
  newSchema: unknown,
  options: InstanceCheckOptions,
): InstanceDisagreement[] {
  if (!options.backward && !options.forward) return [];
  const oldValidate = validatorOf(oldSchema);
  const newValidate = validatorOf(newSchema);
  if (oldValidate === undefined || newValidate === undefined) return [];
  const candidates = [
    ...generateInstances(oldSchema, oldSchema, options.seed),
    ...generateInstances(newSchema, newSchema, options.seed + 1),
  ];
  const out: InstanceDisagreement[] = [];
  let backward = options.backward;
  let forward = options.forward;
  for (const instance of candidates) {
    if (!backward && !forward) break;
    const oldOk = accepts(oldValidate, instance);
    const newOk = accepts(newValidate, instance);
    if (backward && oldOk && !newOk) {
      out.push({ direction: 'backward', instance, refusal: refusal(newSchema, instance) });
      backward = false;
    } else if (forward && newOk && !oldOk) {
      out.push({ direction: 'forward', instance, refusal: refusal(oldSchema, instance) });
      forward = false;
    }
  }
  return out;
}

/**
 * One line for a report.
 *
 * @example
 * describeDisagreement(d); // 'instance [0,0] is valid under the old schema and refused by the new one ((root) ...)'
 */
export function describeDisagreement(d: InstanceDisagreement): string {
  const [valid, refusing] = d.direction === 'backward' ? ['old', 'new'] : ['new', 'old'];
  return `instance ${show(d.instance)} is valid under the ${valid} schema and refused by the ${refusing} one (${d.refusal})`;
}
