import type { CheckKind } from '../check-kind';
import { correlationChecks } from './correlation';
import { credentialChecks } from './credentials';
import { isolationChecks } from './isolation';
import { limitChecks } from './limits';
import { orderChecks } from './order';
import { pairChecks } from './pair';
import { protocolChecks } from './protocol';
import { schemaChecks } from './schema';
import { seqChecks } from './seq';
import { startChecks } from './starts';
import { timingChecks } from './timing';
import { valueChecks } from './value';

/**
 * Every check kind a rule file may name, by `check:` name (the docs list them with their family and placeholders).
 *
 * @example
 * CHECK_KINDS.get('allowed_transitions')?.family; // 'order'
 */
export const CHECK_KINDS: ReadonlyMap<string, CheckKind> = new Map(
  [
    ...schemaChecks,
    ...orderChecks,
    ...pairChecks,
    ...seqChecks,
    ...correlationChecks,
    ...isolationChecks,
    ...timingChecks,
    ...valueChecks,
    ...protocolChecks,
    ...credentialChecks,
    ...limitChecks,
    ...startChecks,
  ].map((kind) => [kind.kind, kind]),
);

/** The check kind behind a `check:` name, or undefined. */
export function findCheckKind(name: string): CheckKind | undefined {
  return CHECK_KINDS.get(name);
}
