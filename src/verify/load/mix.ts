import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadGeneratedValidators } from '../../protocol';
import { projectPath } from '../../util/paths';
import { isRecord } from '../../util/records';
import { LoadError } from './errors';
import type { Random } from './random';

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

/**
 * A `context` of `start_agent` (the spec's `Workload`: `{ workload: [{ model, requests_per_month, ... }] }`). The
 * models are whatever the mix file names: the repository's mixes use the models of the spec's own `start_agent`
 * example, never a provider's private price table, so they are valid for any provider that keeps the contract.
 */
export type Workload = Record<string, unknown>;

/** One weighted request template of a mix. */
export interface RequestTemplate {
  name: string;
  weight: number;
  /** Texts to ask; one is picked per request. */
  userRequests: string[];
  agentName?: string;
  /**
   * `sample`: one of the mix's `workloads`, chosen per user with its volumes varied per user (no `context` at all
   * when the mix has none: the spec's minimal request, where the provider uses a sample workload of its own); an
   * object: that workload.
   */
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
  /** Workloads `workload: sample` draws from (the mix file's `workloads`). */
  workloads: Workload[];
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
  const known = new Set([
    'name',
    'description',
    'think_ms',
    'second_tab_share',
    'subprotocol_share',
    'workloads',
    'requests',
  ]);
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
  const workloads = parseWorkloads(doc.workloads, bad);
  if (!Array.isArray(doc.requests) || doc.requests.length === 0) throw bad('requests must be a non-empty list');
  const requests = doc.requests.map((raw, index) => parseTemplate(raw, index, workloads, bad));
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
    workloads,
    requests,
  };
  if (typeof doc.description === 'string') mix.description = doc.description;
  return mix;
}

function parseWorkloads(raw: unknown, bad: (what: string) => LoadError): Workload[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 100)
    throw bad('workloads must be a list of 1 to 100 Workload mappings');
  return raw.map((workload, index) => {
    if (!isRecord(workload)) throw bad(`workloads[${index}]: expected a Workload mapping ({ workload: [...] })`);
    return workload;
  });
}

function parseTemplate(
  raw: unknown,
  index: number,
  workloads: readonly Workload[],
  bad: (what: string) => LoadError,
): RequestTemplate {
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
  checkStarts(template, workloads, (why) => bad(`${at}: its start_agent would be refused: ${why}`));
  return template;
}

/** Turns the template into every start_agent it can send and validates each with the generated client validator. */
function checkStarts(template: RequestTemplate, workloads: readonly Workload[], bad: (why: string) => LoadError): void {
  const { client } = loadGeneratedValidators();
  const contexts = template.workload === 'sample' && workloads.length > 0 ? workloads : [undefined];
  for (const text of template.userRequests) {
    for (const context of contexts) {
      const checked = client(buildStartAgent(template, text, 'req-check', context));
      if (!checked.ok) {
        const first = checked.errors[0];
        throw bad(first ? `${first.pointer || '/'} ${first.message}` : 'invalid');
      }
    }
  }
}

/**
 * The `start_agent` a template sends. `userWorkload` is the user's own workload (see {@link userWorkload}), sent for
 * `workload: sample`.
 *
 * @example
 * buildStartAgent(template, 'Cut my costs', 'u1-r1', userWorkload(mix, random));
 * // { type: 'start_agent', request_id: 'u1-r1', user_request: 'Cut my costs', context: { workload: [...] } }
 */
export function buildStartAgent(
  template: RequestTemplate,
  text: string,
  requestId: string,
  userWorkload: Workload | undefined,
): Record<string, unknown> {
  const msg: Record<string, unknown> = { type: 'start_agent', request_id: requestId, user_request: text };
  if (template.agentName !== undefined) msg.agent_name = template.agentName;
  if (template.workload === 'sample') {
    if (userWorkload !== undefined) msg.context = userWorkload;
  } else if (template.workload !== undefined) msg.context = template.workload;
  return msg;
}

/**
 * A user's own workload for `workload: sample`: one of the mix's workloads with every `requests_per_month` scaled by
 * one factor in [0.5, 1.5], so users differ in volume but only ever name the models the mix file names. Undefined
 * when the mix has no workloads.
 *
 * @example
 * userWorkload(mix, Random.forUser(seed, 3)); // { workload: [{ model: 'gpt-4o', requests_per_month: 913422, ... }] }
 */
export function userWorkload(mix: Mix, random: Random): Workload | undefined {
  if (mix.workloads.length === 0) return undefined;
  const chosen = random.pick(mix.workloads);
  const factor = random.between(0.5, 1.5);
  const models = Array.isArray(chosen.workload) ? chosen.workload : [];
  return {
    ...chosen,
    workload: models.map((model: unknown) => {
      if (!isRecord(model) || typeof model.requests_per_month !== 'number') return model;
      return { ...model, requests_per_month: Math.round(model.requests_per_month * factor) };
    }),
  };
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
