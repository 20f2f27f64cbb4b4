// Operations: added, removed, renamed (same action, channel and messages), and their action, channel and messages.
import { docPointer, pairUp, type Collector, type DocumentPair } from './collector';

type OperationLike = { action: string; channel: string; messages: string[] };

/**
 * Reports the operation changes.
 *
 * @example
 * compareOperations(c, pair); // OPERATION_ACTION_CHANGED at /operations/sendEvents/action, ...
 */
export function compareOperations(c: Collector, pair: DocumentPair): void {
  const { old, next, channelMap } = pair;
  const signature = (op: OperationLike, side: 'old' | 'new'): string =>
    `${op.action}|${side === 'old' ? (channelMap.get(op.channel) ?? op.channel) : op.channel}|${op.messages.join(',')}`;
  const pairs = pairUp(old.operations, next.operations, signature);
  for (const [oldId, newId] of pairs.renamed)
    c.doc(docPointer('operations', newId), 'OPERATION_RENAMED', `'${oldId}' -> '${newId}'`);
  for (const [oldId, newId] of [...pairs.matched, ...pairs.renamed]) {
    const a = old.operations.get(oldId)!;
    const b = next.operations.get(newId)!;
    const base = docPointer('operations', newId);
    if (a.action !== b.action) c.doc(`${base}/action`, 'OPERATION_ACTION_CHANGED', `${a.action} -> ${b.action}`);
    if ((channelMap.get(a.channel) ?? a.channel) !== b.channel)
      c.doc(`${base}/channel`, 'OPERATION_CHANNEL_CHANGED', `'${a.channel}' -> '${b.channel}'`);
    if (a.messages.join(',') !== b.messages.join(',')) {
      const added = b.messages.filter((m) => !a.messages.includes(m));
      const removed = a.messages.filter((m) => !b.messages.includes(m));
      const parts = [
        added.length ? `added ${added.join(', ')}` : '',
        removed.length ? `removed ${removed.join(', ')}` : '',
      ].filter(Boolean);
      c.doc(`${base}/messages`, 'OPERATION_MESSAGES_CHANGED', parts.join('; '));
    }
    if (pair.full) c.residual(null, a.raw, b.raw, base, new Set(['action', 'channel', 'messages', 'traits']));
  }
  for (const id of pairs.added)
    c.doc(
      docPointer('operations', id),
      'OPERATION_ADDED',
      `operation '${id}' (${next.operations.get(id)!.action}) added`,
    );
  for (const id of pairs.removed)
    c.doc(
      docPointer('operations', id),
      'OPERATION_REMOVED',
      `operation '${id}' (${old.operations.get(id)!.action}) removed`,
    );
}
