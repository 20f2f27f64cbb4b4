import path from 'path';
import type { TokenVia } from '../client';
import { BuildContext, type Where } from './context';
import { ScenarioError } from './errors';
import { buildStep } from './steps';
import type { Scenario, Tier } from './model';
import { tokenSpec, type RawToken } from './token-spec';

/** A scenario as it came out of YAML and past the schema. */
export interface RawScenario {
  name: string;
  description: string;
  tier?: Tier;
  timeout_ms?: number;
  copies?: number;
  ramp_ms?: number;
  chaos?: { toxics: string[]; seed?: number };
  users: Record<string, { token?: RawToken }>;
  connections: Record<string, { user: string; via?: TokenVia; token?: RawToken; node?: number }>;
  steps: Record<string, unknown>[];
}

const DEFAULT_TIMEOUT_MS = 15_000;

function declare(raw: RawScenario, ctx: BuildContext): void {
  for (const [name, user] of Object.entries(raw.users)) {
    ctx.users.set(name, { name, token: tokenSpec({ kind: 'valid' }, user.token) });
  }
  for (const [id, conn] of Object.entries(raw.connections)) {
    const user = ctx.users.get(conn.user);
    if (user === undefined) ctx.problem(['connections', id, 'user'], `user "${conn.user}" is not declared under users`);
    ctx.connections.set(id, {
      id,
      user: conn.user,
      via: conn.via ?? 'header',
      token: tokenSpec(user?.token ?? { kind: 'valid' }, conn.token),
      node: conn.node ?? 0,
    });
  }
}

/**
 * Builds a {@link Scenario} from its schema-valid raw form, checking the references between its parts. Throws
 * `ScenarioError` `SCENARIO_INVALID` listing every problem.
 *
 * @example
 * const scenario = buildScenario(raw, 'x.yaml', where);
 */
export function buildScenario(raw: RawScenario, file: string, where: Where): Scenario {
  const timeoutMs = raw.timeout_ms ?? DEFAULT_TIMEOUT_MS;
  const ctx = new BuildContext(where, timeoutMs);
  if (file !== '<inline>') {
    const stem = path.basename(file).replace(/\.ya?ml$/, '');
    if (stem !== raw.name)
      ctx.problem(['name'], `must equal the file name "${stem}" (the session file is <name>.session.jsonl)`);
  }
  declare(raw, ctx);
  raw.steps.forEach((rawStep, index) => buildStep(ctx, rawStep, index));
  for (const id of ctx.connections.keys()) {
    if (!ctx.connected.has(id)) ctx.problem(['connections', id], `connection "${id}" is declared but never connected`);
  }
  if (ctx.problems.length > 0) throw ScenarioError.withProblems(file, ctx.problems);
  return {
    file,
    name: raw.name,
    description: raw.description,
    tier: raw.tier ?? 'medium',
    timeoutMs,
    copies: raw.copies ?? 1,
    rampMs: raw.ramp_ms ?? 0,
    ...(raw.chaos !== undefined ? { chaos: raw.chaos } : {}),
    users: ctx.users,
    connections: ctx.connections,
    steps: ctx.steps,
  };
}
