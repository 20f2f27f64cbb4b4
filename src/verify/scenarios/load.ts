import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { projectPath } from '../../util/paths';
import { buildScenario, type RawScenario } from './build';
import type { Where } from './context';
import { ScenarioError } from './errors';
import type { Scenario } from './model';

/** `contracts/scenarios` of this repository. */
export const DEFAULT_SCENARIOS_DIR = projectPath('contracts', 'scenarios');
/** The JSON Schema every scenario file must match. */
export const SCENARIO_SCHEMA_FILE = projectPath('contracts', 'scenario.schema.json');

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (compiled) return compiled;
  let schema: object;
  try {
    schema = JSON.parse(readFileSync(SCENARIO_SCHEMA_FILE, 'utf8'));
  } catch (err) {
    const why = (err as Error).message;
    throw new ScenarioError('SCENARIO_UNREADABLE', `${SCENARIO_SCHEMA_FILE}: cannot read the scenario schema (${why})`);
  }
  compiled = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return compiled;
}

/**
 * Reads and checks one scenario file: YAML syntax, `contracts/scenario.schema.json`, then the references between
 * its parts (connections name declared users, steps name declared connections, runs are named by the request_id of
 * a `start_agent` sent earlier, a connection is connected once before it is used). Throws `ScenarioError`
 * (`SCENARIO_INVALID`, exit 2) listing every problem as `file:line:col: pointer: message`.
 *
 * @example
 * const scenario = loadScenario('contracts/scenarios/drop-resume.yaml');
 * scenario.steps.map((s) => s.action); // ['connect', 'send', 'wait_for', 'drop', 'reconnect', ...]
 */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ScenarioError('SCENARIO_UNREADABLE', `${file}: cannot read (${reason})`);
  }
  return parseScenario(text, file);
}

/**
 * Loads every `*.yaml` scenario of a folder (default `contracts/scenarios`), sorted by name.
 *
 * @example
 * const names = loadScenarios().map((s) => s.name); // ['agent-error', 'auth-alg-none', ...]
 */
export function loadScenarios(dir: string = DEFAULT_SCENARIOS_DIR): Scenario[] {
  let entries: string[];
  try {
    entries = readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ScenarioError('SCENARIO_UNREADABLE', `${dir}: cannot list scenarios (${reason})`);
  }
  if (entries.length === 0) throw new ScenarioError('SCENARIO_UNREADABLE', `${dir}: no scenario files (*.yaml)`);
  return entries.map((name) => loadScenario(path.join(dir, name)));
}

/**
 * Parses and checks a scenario given as YAML text (see {@link loadScenario}). `file` names it in messages; its base
 * name without `.yaml` must equal the scenario's `name` unless it is `<inline>`.
 *
 * @example
 * parseScenario('name: x\ndescription: d\nusers: {a: {}}\nconnections: {a-1: {user: a}}\nsteps: [{connect: a-1}]', 'x.yaml');
 */
export function parseScenario(text: string, file = '<inline>'): Scenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return `${file}:1:1`;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw ScenarioError.withProblems(
      file,
      doc.errors.map((e) => `${at(e.pos[0])}: YAML: ${e.message.split('\n')[0]}`),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const validate = schemaValidator();
  if (!validate(value)) throw ScenarioError.withProblems(file, schemaProblems(validate.errors ?? [], doc, at));
  const where: Where = (...segments) => at(offsetOf(doc, segments.map(String)));
  return buildScenario(value as RawScenario, file, where);
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function offsetOf(doc: Document, segments: (string | number)[]): number | undefined {
  for (let n = segments.length; n >= 0; n--) {
    const keys = segments.slice(0, n).map((s) => (typeof s === 'string' && /^\d+$/.test(s) ? Number(s) : s));
    const node = n === 0 ? doc.contents : doc.getIn(keys, true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

// What to say for one ajv error, or undefined to leave it out (ajv reports every branch of a oneOf).
function schemaMessage(e: ErrorObject): { pointer: string; message: string } | undefined {
  if (e.keyword === 'oneOf' || e.keyword === 'if' || e.keyword === 'propertyNames') return undefined;
  const propertyName = (e as { propertyName?: string }).propertyName;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    return {
      pointer: `${e.instancePath}/${String(params.additionalProperty)}`,
      message: 'is not allowed here (unknown field)',
    };
  }
  if (e.keyword === 'required')
    return { pointer: e.instancePath, message: `must have the field "${String(params.missingProperty)}"` };
  if (e.keyword === 'enum') {
    const allowed = ((params.allowedValues as unknown[] | undefined) ?? []).join(', ');
    const message =
      propertyName !== undefined
        ? `"${propertyName}" is not a step; use one of ${allowed}`
        : `must be one of ${allowed}`;
    return { pointer: e.instancePath, message };
  }
  if (e.keyword === 'pattern' && propertyName !== undefined) {
    return { pointer: e.instancePath, message: `name "${propertyName}" must match ${String(params.pattern)}` };
  }
  if (e.keyword === 'maxProperties' && /^\/steps\/\d+$/.test(e.instancePath)) {
    return { pointer: e.instancePath, message: 'must hold exactly one action (connect, send, wait_for, ...)' };
  }
  return { pointer: e.instancePath, message: e.message ?? e.keyword };
}

function schemaProblems(errors: ErrorObject[], doc: Document, at: (offset: number | undefined) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors) {
    const said = schemaMessage(e);
    if (said === undefined) continue;
    const key = `${said.pointer}\u0000${said.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${at(offsetOf(doc, pointerSegments(said.pointer)))}: ${said.pointer || '/'}: ${said.message}`);
  }
  return out.length > 0 ? out : ['/: does not match contracts/scenario.schema.json'];
}
