// Wiring a rule to the engine: the context its check kind is created with (parameters, reporting, state slots).
import type { Protocol } from '../protocol';
import type { CheckContext, CheckHooks, EngineView } from './check-kind';
import { findCheckKind } from './checks';
import { RulesError } from './errors';
import type { Findings } from './findings';
import type { ConnState, RunState, UserState } from './model';
import { resolveParams } from './params';
import type { Profile, RuleDef } from './types';

/**
 * How many checks keep state per connection, run and user. A check's slot in a scope is given on its first use, so a
 * run carries room only for the few checks that keep run state, not for every rule; checks that ask for the same
 * shared key share one run slot.
 */
export class StateSlots {
  conn = 0;
  run = 0;
  user = 0;
  private readonly sharedSlots = new Map<string, number>();
  private readonly sharedObjects = new Map<string, unknown>();

  sharedRun(key: string): number {
    let slot = this.sharedSlots.get(key);
    if (slot === undefined) this.sharedSlots.set(key, (slot = this.run++));
    return slot;
  }

  shared<T>(key: string, init: () => T): T {
    if (!this.sharedObjects.has(key)) this.sharedObjects.set(key, init());
    return this.sharedObjects.get(key) as T;
  }
}

/**
 * Creates the hooks of one rule: its check kind, given its parameters (profile keys resolved), its reporter and its
 * state accessors. Throws `RulesError` for an unknown check kind or a profile key the profile lacks.
 *
 * @example
 * hooks.add(createRuleHooks(rule, { profile, protocol, engine, findings, slots, typeId: (t) => hooks.idOf(t) }));
 */
export function createRuleHooks(
  rule: RuleDef,
  env: {
    profile: Profile;
    protocol: Protocol;
    engine: EngineView;
    findings: Findings;
    slots: StateSlots;
    typeId: (type: string) => number;
  },
): CheckHooks {
  const kind = findCheckKind(rule.check);
  if (!kind)
    throw new RulesError('RULES_UNKNOWN_CHECK', `${rule.file}: rule ${rule.id}: unknown check '${rule.check}'`);
  const { findings, slots } = env;
  let connSlot = -1;
  let runSlot = -1;
  let userSlot = -1;
  const context: CheckContext = {
    rule,
    protocol: env.protocol,
    params: resolveParams(rule, env.profile),
    profile: env.profile,
    engine: env.engine,
    report: (where, vars) => findings.report(rule, where, vars),
    connState: <T>(conn: ConnState, init: () => T): T => {
      if (connSlot < 0) connSlot = slots.conn++;
      return (conn.slots[connSlot] ??= init()) as T;
    },
    runState: <T>(run: RunState, init: () => T): T => {
      if (runSlot < 0) runSlot = slots.run++;
      return (run.slots[runSlot] ??= init()) as T;
    },
    userState: <T>(user: UserState, init: () => T): T => {
      if (userSlot < 0) userSlot = slots.user++;
      return (user.slots[userSlot] ??= init()) as T;
    },
    sharedRunState: <T>(key: string) => {
      const slot = slots.sharedRun(key);
      return (run: RunState, init: () => T): T => (run.slots[slot] ??= init()) as T;
    },
    shared: (key, init) => slots.shared(key, init),
    typeId: env.typeId,
  };
  return kind.create(context);
}
