// The tolerant-reader promise: a channel that declares `x-netra-tolerant-reader: true` promises that clients ignore
// server message types they do not know (they hand them to `onUnknown`). Under that promise, a new server-to-client
// message breaks no old client. What counts is the OLD document's promise: the clients that lag behind were built
// against it. A client-to-server message added, or a message on a channel without the promise (or on a channel the
// old document did not have), stays MESSAGE_ADDED.
import type { ChangeKind } from '../kinds';
import type { DocumentPair } from './collector';
import type { MessageModel } from './model';

/** The channel extension that declares the promise. */
export const TOLERANT_READER_EXTENSION = 'x-netra-tolerant-reader';

/** Does the server write this message (to clients), given which application the document describes? */
function serverSends(message: MessageModel, pair: DocumentPair): boolean {
  if (message.direction !== 'send' && message.direction !== 'receive') return false;
  return (message.direction === 'send') === (pair.role === 'server');
}

/**
 * The kind of a message that appeared on the wire: MESSAGE_ADDED_TO_TOLERANT_READER when the server sends it and
 * every channel that carries it promised a tolerant reader in the old document, else MESSAGE_ADDED.
 *
 * @example
 * addedMessageKind(pair, next.messages.get('agent_progress')!).kind; // 'MESSAGE_ADDED_TO_TOLERANT_READER'
 */
export function addedMessageKind(pair: DocumentPair, message: MessageModel): { kind: ChangeKind; why: string } {
  const plain = { kind: 'MESSAGE_ADDED' as ChangeKind, why: '' };
  if (!serverSends(message, pair)) return plain;
  const oldIdOf = new Map([...pair.channelMap].map(([oldId, newId]) => [newId, oldId]));
  const carriers = [...pair.next.channels.values()].filter((ch) => ch.messages.includes(message.name));
  if (carriers.length === 0) return plain;
  for (const channel of carriers) {
    const oldId = oldIdOf.get(channel.id);
    const before = oldId === undefined ? undefined : pair.old.channels.get(oldId);
    if (before?.tolerantReader !== true) return plain;
  }
  return {
    kind: 'MESSAGE_ADDED_TO_TOLERANT_READER',
    why: `; its channel promises a tolerant reader (${TOLERANT_READER_EXTENSION})`,
  };
}
