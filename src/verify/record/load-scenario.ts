import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import { ScenarioError } from './errors';
import type {
  Scenario,
  ScenarioConnection,
  ScenarioStep,
  ScenarioUser,
  TokenKind,
  TokenSpec,
  TokenVia,
} from './scenario';
import { projectPath } from '../../util/paths';

/** `contracts/scenarios` of this repository. */
export const DEFAULT_SCENARIOS_DIR = projectPath('contracts', 'scenarios');
/** The JSON Schema every scenario file must match. */
export const SCENARIO_SCHEMA_FILE = projectPath('contracts', 'scenario.schema.json');

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_PROBLEMS = 20;
const PLACEHOLDER = /\$\{(run|thread):([^}]*)\}/g;

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (compiled) return compiled;
  let schema: object;
  try {
    schema = JSON.parse(readFileSync(SCENARIO_SCHEMA_FILE, 'utf8'));
  } catch (err) {
    throw new ScenarioError(
      'SCENARIO_UNREADABLE',
      `${SCENARIO_SCHEMA_FILE}: cannot read the scenario schema (${(err as Error).message})`,
    );
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
 * Loads every `*.yaml` scenario of a folder (default `contracts/scenarios`), sorted by name. Names must be unique.
 *
 * @example
 * const names = loadScenarios().map((s) => s.name); // ['agent-error', 'auth-failure', ...]
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
    const problems = doc.errors.map((e) => `${at(e.pos[0])}: YAML: ${e.message.split('\n')[0]}`);
    throw invalid(file, problems);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const validate = schemaValidator();
  if (!validate(value)) {
    throw invalid(file, schemaProblems(validate.errors ?? [], doc, at));
  }
  return buildScenario(value as RawScenario, file, doc, at);
}

function invalid(file: string, problems: string[]): ScenarioError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : '';
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return new ScenarioError(
    'SCENARIO_INVALID',
    `${file}: ${problems.length} ${noun}:\n  ${shown.join('\n  ')}${more}`,
    problems,
  );
}

function pointerSegments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function offsetOf(doc: Document, segments: (string | number)[]): number | undefined {
  for (let n = segments.length; n >= 0; n--) {
    const path = segments.slice(0, n).map((s) => (typeof s === 'string' && /^\d+$/.test(s) ? Number(s) : s));
    const node = n === 0 ? doc.contents : doc.getIn(path, true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

// ajv reports every branch of a oneOf; keep the errors that say what to fix, one per pointer and message.
function schemaProblems(errors: ErrorObject[], doc: Document, at: (offset: number | undefined) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    let pointer = e.instancePath;
    let message = e.message ?? e.keyword;
    if (e.keyword === 'propertyNames') continue; // reported by the enum/pattern error that names the property
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
      pointer = `${pointer}/${extra}`;
      message = 'is not allowed here (unknown field)';
    } else if (e.keyword === 'required') {
      message = `must have the field "${(e.params as { missingProperty?: string }).missingProperty}"`;
    } else if (e.keyword === 'enum') {
      const propertyName = (e as { propertyName?: string }).propertyName;
      const allowed = ((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ');
      message =
        propertyName !== undefined
          ? `"${propertyName}" is not a step; use one of ${allowed}`
          : `must be one of ${allowed}`;
    } else if (e.keyword === 'pattern' && (e as { propertyName?: string }).propertyName !== undefined) {
      message = `name "${(e as { propertyName?: string }).propertyName}" must match ${(e.params as { pattern: string }).pattern}`;
    } else if (e.keyword === 'maxProperties' && /^\/steps\/\d+$/.test(pointer)) {
      message = 'must hold exactly one action (connect, send, wait_for, ...)';
    }
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${at(offsetOf(doc, pointerSegments(pointer)))}: ${pointer || '/'}: ${message}`);
  }
  return out.length > 0 ? out : ['/: does not match contracts/scenario.schema.json'];
}

interface RawToken {
  kind?: TokenKind;
  ttl_s?: number;
  permissions?: string[];
}
interface RawScenario {
  name: string;
  description: string;
  timeout_ms?: number;
  users: Record<string, { token?: RawToken }>;
  connections: Record<string, { user: string; via?: TokenVia; token?: RawToken }>;
  steps: Record<string, unknown>[];
}

function tokenSpec(base: TokenSpec, raw: RawToken | undefined): TokenSpec {
  const spec: TokenSpec = { ...base };
  if (raw?.kind !== undefined) spec.kind = raw.kind;
  if (raw?.ttl_s !== undefined) spec.ttlS = raw.ttl_s;
  if (raw?.permissions !== undefined) spec.permissions = [...raw.permissions];
  return spec;
}

function buildScenario(
  raw: RawScenario,
  file: string,
  doc: Document,
  at: (offset: number | undefined) => string,
): Scenario {
  const problems: string[] = [];
  const where = (...segments: (string | number)[]): string => at(offsetOf(doc, segments.map(String)));
  const lineOf = (...segments: (string | number)[]): number =>
    Number(
      where(...segments)
        .split(':')
        .at(-2),
    );
  const problem = (segments: (string | number)[], message: string): void => {
    problems.push(`${where(...segments)}: /${segments.join('/')}: ${message}`);
  };

  if (file !== '<inline>') {
    const stem = path.basename(file).replace(/\.ya?ml$/, '');
    if (stem !== raw.name)
      problem(['name'], `must equal the file name "${stem}" (the session file is <name>.session.jsonl)`);
  }
  const timeoutMs = raw.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  const users = new Map<string, ScenarioUser>();
  for (const [name, user] of Object.entries(raw.users)) {
    users.set(name, { name, token: tokenSpec({ kind: 'valid' }, user.token) });
  }
  const connections = new Map<string, ScenarioConnection>();
  for (const [id, conn] of Object.entries(raw.connections)) {
    const user = users.get(conn.user);
    if (user === undefined) problem(['connections', id, 'user'], `user "${conn.user}" is not declared under users`);
    connections.set(id, {
      id,
      user: conn.user,
      via: conn.via ?? 'header',
      token: tokenSpec(user?.token ?? { kind: 'valid' }, conn.token),
    });
  }

  const serverTypes = loadProtocol().serverTypes;
  const requestsSent = new Set<string>();
  const connected = new Set<string>();
  const steps: ScenarioStep[] = [];
  const needConn = (index: number, action: string, conn: string, mustBeConnected = true): void => {
    const segments = ['steps', index, action];
    if (!connections.has(conn)) problem(segments, `connection "${conn}" is not declared under connections`);
    else if (mustBeConnected && !connected.has(conn))
      problem(segments, `connection "${conn}" is used before its connect/reconnect step`);
  };
  const needRun = (index: number, action: string, run: string): void => {
    if (!requestsSent.has(run)) {
      problem(
        ['steps', index, action, 'run'],
        `"${run}" is not the request_id of a start_agent sent by an earlier step`,
      );
    }
  };

  raw.steps.forEach((rawStep, index) => {
    const [action, body] = Object.entries(rawStep)[0] as [string, unknown];
    const line = lineOf('steps', index);
    const obj = asRecord(body) ?? {};
    const conn = typeof body === 'string' ? body : (obj.conn as string);
    const stepTimeout = typeof obj.timeout_ms === 'number' ? obj.timeout_ms : timeoutMs;
    const base = { index, line };
    switch (action) {
      case 'connect':
      case 'reconnect': {
        needConn(index, action, conn, false);
        if (connected.has(conn))
          problem(['steps', index, action], `connection "${conn}" is connected twice; declare another connection id`);
        connected.add(conn);
        if (action === 'connect') {
          steps.push({ ...base, action, conn, timeoutMs: stepTimeout });
        } else {
          const resume = obj.resume as string[] | undefined;
          for (const run of resume ?? []) needRun(index, action, run);
          steps.push({ ...base, action, conn, timeoutMs: stepTimeout, ...(resume ? { resume } : {}) });
        }
        return;
      }
      case 'send': {
        needConn(index, action, conn);
        const refs = JSON.stringify(obj.msg ?? null).matchAll(PLACEHOLDER);
        for (const match of refs) {
          if (!requestsSent.has(match[2])) {
            problem(
              ['steps', index, 'send', 'msg'],
              `\${${match[1]}:${match[2]}} names no start_agent sent by an earlier step`,
            );
          }
        }
        const msg = asRecord(obj.msg);
        if (msg?.type === 'start_agent' && typeof msg.request_id === 'string') requestsSent.add(msg.request_id);
        steps.push({ ...base, action, conn, msg: obj.msg });
        return;
      }
      case 'send_raw':
        needConn(index, action, conn);
        steps.push({
          ...base,
          action,
          conn,
          ...(typeof obj.text === 'string' ? { text: obj.text } : {}),
          ...(typeof obj.binary === 'string' ? { binary: obj.binary } : {}),
          ...(typeof obj.oversize === 'number' ? { oversize: obj.oversize } : {}),
        });
        return;
      case 'wait_for': {
        needConn(index, action, conn);
        const type = (obj.type as string | undefined) ?? 'any';
        if (type !== 'terminal' && type !== 'any' && serverTypes.size > 0 && !serverTypes.has(type)) {
          problem(
            ['steps', index, action, 'type'],
            `"${type}" is not a server message type (${[...serverTypes].join(', ')}), "terminal" or "any"`,
          );
        }
        const run = obj.run as string | undefined;
        if (run !== undefined) needRun(index, action, run);
        if (obj.seq !== undefined && run === undefined)
          problem(['steps', index, action, 'seq'], 'needs "run": seq counts within one run');
        steps.push({
          ...base,
          action,
          conn,
          type,
          count: (obj.count as number | undefined) ?? 1,
          timeoutMs: stepTimeout,
          ...(run !== undefined ? { run } : {}),
          ...(obj.error_code !== undefined ? { errorCode: obj.error_code as string } : {}),
          ...(obj.seq !== undefined ? { seq: obj.seq as number } : {}),
        });
        return;
      }
      case 'wait_close':
        needConn(index, action, conn);
        steps.push({
          ...base,
          action,
          conn,
          timeoutMs: stepTimeout,
          ...(typeof obj.code === 'number' ? { code: obj.code } : {}),
        });
        return;
      case 'sleep':
        steps.push({ ...base, action, ms: body as number });
        return;
      case 'drop':
        needConn(index, action, conn);
        steps.push({ ...base, action, conn, timeoutMs: stepTimeout });
        return;
      case 'close':
        needConn(index, action, conn);
        steps.push({
          ...base,
          action,
          conn,
          code: typeof obj.code === 'number' ? obj.code : 1000,
          reason: typeof obj.reason === 'string' ? obj.reason : 'done',
        });
        return;
      case 'resume':
      case 'cancel': {
        needConn(index, action, conn);
        const run = obj.run as string;
        needRun(index, action, run);
        if (action === 'resume') {
          steps.push({
            ...base,
            action,
            conn,
            run,
            ...(typeof obj.last_seq === 'number' ? { lastSeq: obj.last_seq } : {}),
          });
        } else {
          steps.push({ ...base, action, conn, run });
        }
        return;
      }
      case 'refresh': {
        needConn(index, action, conn);
        const asUser = obj.as_user as string | undefined;
        if (asUser !== undefined && !users.has(asUser))
          problem(['steps', index, action, 'as_user'], `user "${asUser}" is not declared under users`);
        const owner = connections.get(conn);
        const userToken = users.get(asUser ?? owner?.user ?? '')?.token ?? { kind: 'valid' };
        steps.push({
          ...base,
          action,
          conn,
          token: tokenSpec(userToken, obj.token as RawToken | undefined),
          ...(asUser ? { asUser } : {}),
        });
        return;
      }
    }
  });

  for (const id of connections.keys()) {
    if (!connected.has(id)) problem(['connections', id], `connection "${id}" is declared but never connected`);
  }
  if (problems.length > 0) throw invalid(file, problems);
  return { file, name: raw.name, description: raw.description, timeoutMs, users, connections, steps };
}
