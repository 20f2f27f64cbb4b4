// The instance check inside the document diff: for every message whose payload changed and that the diff judged
// compatible in a direction its mode checks, generated instances test that verdict; a disagreement is a change of
// its own (INSTANCE_CHECK_DISAGREES_BACKWARD / _FORWARD), judged like any other, so a wrong verdict fails CI.
import { hashSeed } from '../../../util/prng';
import { checkInstances, describeDisagreement } from '../instances/check';
import { breaksBackward, breaksForward, changeKinds } from '../kinds';
import { checksBackward, checksForward, type CompatibilityMode } from '../modes';
import type { Change } from './collector';
import type { DocumentModel } from './model';

/**
 * The instance-check findings for the payload changes among `changes`.
 *
 * @example
 * const findings = instanceFindings(changes, old, next, modeOf);
 * findings.map((f) => f.kind); // ['INSTANCE_CHECK_DISAGREES_FORWARD'] when the diff missed a widening
 */
export function instanceFindings(
  changes: Change[],
  old: DocumentModel,
  next: DocumentModel,
  modeOf: (change: Change) => CompatibilityMode,
): Change[] {
  const byMessage = new Map<string, Change[]>();
  for (const c of changes) {
    if (c.where !== 'payload' || c.message === null) continue;
    byMessage.set(c.message, [...(byMessage.get(c.message) ?? []), c]);
  }
  const out: Change[] = [];
  for (const [name, payloadChanges] of byMessage) {
    const a = old.messages.get(name);
    const b = next.messages.get(name);
    if (a === undefined || b === undefined) continue;
    if (payloadChanges.every((c) => changeKinds[c.kind].group === 'annotation')) continue;
    const mode = modeOf(payloadChanges[0]);
    const findings = checkInstances(a.payload, b.payload, {
      backward: checksBackward(mode) && !payloadChanges.some((c) => breaksBackward(c.kind)),
      forward: checksForward(mode) && !payloadChanges.some((c) => breaksForward(c.kind)),
      seed: hashSeed(name),
    });
    const reported = [...new Set(payloadChanges.map((c) => c.kind))].join(', ');
    for (const f of findings) {
      out.push({
        message: name,
        where: 'payload',
        path: '',
        kind: f.direction === 'backward' ? 'INSTANCE_CHECK_DISAGREES_BACKWARD' : 'INSTANCE_CHECK_DISAGREES_FORWARD',
        detail: `${describeDisagreement(f)}; the diff reported only ${reported}`,
      });
    }
  }
  return out;
}
