import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { validateClientMessage } from '../../../generated/validators';
import { sampleWorkload, type Workload } from '../../agents';
import { LoadError } from './errors';
import type { Random } from './random';
import { projectPath } from '../../util/paths';

/**
 * `contracts/mixes` of this repository; `--mix NAME` (no slash, no extension) means `<dir>/NAME.yaml`.
 *
 * @example
 * path.join(DEFAULT_MIXES_DIR, 'ci.yaml');
 */
export const DEFAULT_MIXES_DIR = projectPath('contracts', 'mixes');
/**
 * The mix used when `--mix` is not given.
 *
 * @example
 * loadMix(DEFAULT_MIX).name; // 'default'
 */
export const DEFAULT_MIX = 'default';

/** One weighted request template of a mix. */
export interface RequestTemplate {
  name: string;
  weight: number;
  /** Texts to ask; one is picked per request. */
  userRequests: string[];
  agentName?: string;
  /** `sample`: the user's own workload (sampleWorkload of the user id) in `context`; an object: that workload. */
  workload?: 'sample' | Workload;
  /** Send cancel_run after this many events of the run arrived. */
  cancelAfterEvents?: number;
  /** Drop the tab's connection after this many events arrived, reconnect and resume. */
  dropAfterEvents?: number;
}

/** A request mix (`contracts/mixes/*.yaml`). */
export interface Mix {
  name: string;
  file: string;
  description?: string;
  /** Pause of a tab between the end of a run and its next request, uniform in [min, max] ms. */
  thinkMs: { min: number; max: number };
  /** Share of users that keep a second tab open (it receives every event of the user's runs and starts its own). */
  secondTabShare: number;
  /** Share of connections that authenticate like a browser (`jwt.<token>` subprotocol) instead of a header. */
  subprotocolShare: number;
  requests: RequestTemplate[];
}

const NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/**
 * Resolves `--mix`: a path, or the name of a file in contracts/mixes.
 *
 * @example
 * mixPath('ci');             // <repo>/contracts/mixes/ci.yaml
 * mixPath('./my-mix.yaml');  // absolute path of ./my-mix.yaml
 */
export function mixPath(nameOrFile: string = DEFAULT_MIX): string {
  if (!nameOrFile.includes('/') && !nameOrFile.includes('\\') && !/\.ya?ml$/.test(nameOrFile)) {
    return path.join(DEFAULT_MIXES_DIR, `${nameOrFile}.yaml`);
  }
  return path.resolve(nameOrFile);
}

/**
 * Loads and checks a request mix. Every template is turned into a real `start_agent` once and validated against the
 * generated client validator, so a mix that would only produce SCHEMA_VALIDATION_FAILED is refused up front.
 * Throws LoadError MIX_INVALID naming the file and the problem.
 *
 * @example
 * const mix = loadMix('ci');               // contracts/mixes/ci.yaml
 * mix.requests.map((r) => r.name);         // ['short_question', 'cost_optimisation', ...]
 */
export function loadMix(nameOrFile: string = DEFAULT_MIX): Mix {
  const file = mixPath(nameOrFile);
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LoadError('MIX_INVALID', `${file}: cannot read the request mix (${reason})`, { cause: err });
  }
  const bad = (what: string): LoadError => new LoadError('MIX_INVALID', `${file}: ${what}`);
  if (!isRecord(doc)) throw bad('expected a mapping with "requests"');
  const known = new Set(['name', 'description', 'think_ms', 'second_tab_share', 'subprotocol_share', 'requests']);
  for (const key of Object.keys(doc)) if (!known.has(key)) throw bad(`unknown key "${key}"`);
  const name = doc.name ?? path.basename(file).replace(/\.ya?ml$/, '');
  if (typeof name !== 'string' || !NAME.test(name)) throw bad('name must be lower-case letters, digits, _ or -');
  const think = doc.think_ms ?? { min: 500, max: 3000 };
  if (!isRecord(think) || !isMs(think.min) || !isMs(think.max) || think.min > think.max) {
    throw bad('think_ms must be { min, max } milliseconds from 0 to 600000 with min <= max');
  }
  const share = (key: string): number => {
    const value = doc[key] ?? 0;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw bad(`${key} must be a number from 0 to 1`);
    return value;
  };
  if (!Array.isArray(doc.requests) || doc.requests.length === 0) throw bad('requests must be a non-empty list');
  const requests = doc.requests.map((raw, index) => parseTemplate(raw, index, bad));
  const names = new Set<string>();
  for (const template of requests) {
    if (names.has(template.name)) throw bad(`request name "${template.name}" is used twice`);
    names.add(template.name);
  }
  const mix: Mix = {
    name,
    file,
    thinkMs: { min: think.min as number, max: think.max as number },
    secondTabShare: share('second_tab_share'),
    subprotocolShare: share('subprotocol_share'),
    requests,
  };
  if (typeof doc.description === 'string') mix.description = doc.description;
  return mix;
}

function parseTemplate(raw: unknown, index: number, bad: (what: string) => LoadError): RequestTemplate {
  const where = `requests[${index}]`;
  if (!isRecord(raw)) throw bad(`${where}: expected a mapping`);
  const known = new Set([
    'name',
    'weight',
    'user_request',
    'agent_name',
    'workload',
    'cancel_after_events',
    'drop_after_events',
  ]);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw bad(`${where}: unknown key "${key}"`);
  if (typeof raw.name !== 'string' || !NAME.test(raw.name))
    throw bad(`${where}: name must be lower-case letters, digits, _ or -`);
  const at = `request ${raw.name}`;
  if (typeof raw.weight !== 'number' || !(raw.weight > 0) || !Number.isFinite(raw.weight))
    throw bad(`${at}: weight must be a number > 0`);
  const texts = typeof raw.user_request === 'string' ? [raw.user_request] : raw.user_request;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string' && t.trim() !== '')) {
    throw bad(`${at}: user_request must be a non-empty string or a non-empty list of them`);
  }
  const template: RequestTemplate = { name: raw.name, weight: raw.weight, userRequests: texts as string[] };
  if (raw.agent_name !== undefined) {
    if (typeof raw.agent_name !== 'string') throw bad(`${at}: agent_name must be a string`);
    template.agentName = raw.agent_name;
  }
  if (raw.workload !== undefined) {
    if (raw.workload !== 'sample' && !isRecord(raw.workload))
      throw bad(`${at}: workload must be "sample" or a Workload mapping`);
    template.workload = raw.workload as 'sample' | Workload;
  }
  for (const [key, field] of [
    ['cancel_after_events', 'cancelAfterEvents'],
    ['drop_after_events', 'dropAfterEvents'],
  ] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 1000)
      throw bad(`${at}: ${key} must be an integer from 1 to 1000`);
    template[field] = value as number;
  }
  for (const text of template.userRequests) {
    const checked = validateClientMessage(buildStartAgent(template, text, 'load-mix-check', 'req-check'));
    if (!checked.ok) {
      const first = checked.errors[0];
      throw bad(
        `${at}: its start_agent would be refused: ${first ? `${first.pointer || '/'} ${first.message}` : 'invalid'}`,
      );
    }
  }
  return template;
}

/**
 * The `start_agent` a template sends for a user.
 *
 * @example
 * buildStartAgent(template, 'Cut my costs', 'load-u1', 'u1-r1');
 * // { type: 'start_agent', request_id: 'u1-r1', user_request: 'Cut my costs', context: { workload: [...] } }
 */
export function buildStartAgent(
  template: RequestTemplate,
  text: string,
  userId: string,
  requestId: string,
): Record<string, unknown> {
  const msg: Record<string, unknown> = { type: 'start_agent', request_id: requestId, user_request: text };
  if (template.agentName !== undefined) msg.agent_name = template.agentName;
  if (template.workload === 'sample') msg.context = sampleWorkload(userId);
  else if (template.workload !== undefined) msg.context = template.workload;
  return msg;
}

/**
 * A weighted picker over a mix's templates.
 *
 * @example
 * const pick = templatePicker(mix);
 * pick(random).name; // 'short_question' about 35% of the time with weight 35 of 100
 */
export function templatePicker(mix: Mix): (random: Random) => RequestTemplate {
  const total = mix.requests.reduce((sum, r) => sum + r.weight, 0);
  return (random) => {
    let x = random.next() * total;
    for (const template of mix.requests) {
      x -= template.weight;
      if (x < 0) return template;
    }
    return mix.requests[mix.requests.length - 1];
  };
}

function isMs(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 600_000;
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
