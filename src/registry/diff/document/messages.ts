// Messages: added (a server-to-client message on channels that promise a tolerant reader breaks no old client),
// removed, renamed, merged into another, and for a message on both sides its direction, channels, payload, headers,
// content type and other fields.
import type { MessageDirection } from '../../../asyncapi';
import { changeKinds, type ChangeKind } from '../kinds';
import { diffSchemas } from '../schema/diff-schemas';
import { show } from '../schema/model';
import { fingerprint } from '../canonical';
import { pairUp, type Collector, type DocumentPair } from './collector';
import type { DocumentModel, MessageModel } from './model';
import { addedMessageKind } from './tolerant-reader';

/** Defined but not on the wire: no operation uses it and no channel carries it. */
function unused(model: DocumentModel, message: MessageModel): boolean {
  return message.direction === 'none' && ![...model.channels.values()].some((ch) => ch.messages.includes(message.name));
}

function directionSet(direction: MessageDirection): Set<string> {
  return new Set(direction === 'both' ? ['send', 'receive'] : direction === 'none' ? [] : [direction]);
}

function channelsOf(model: DocumentModel, message: string, map?: Map<string, string>): Set<string> {
  const out = new Set<string>();
  for (const ch of model.channels.values()) {
    if (!ch.messages.includes(message)) continue;
    out.add(map === undefined ? ch.id : (map.get(ch.id) ?? `(removed) ${ch.id}`));
  }
  return out;
}

/** A message that stays and now carries what a removed message carried: same payload, its channels, its direction. */
function findHeir(removed: MessageModel, pair: DocumentPair, staying: Set<string>): string | undefined {
  const directions = directionSet(removed.direction);
  const channels = channelsOf(pair.old, removed.name, pair.channelMap);
  for (const name of staying) {
    const candidate = pair.next.messages.get(name)!;
    if (removed.type !== undefined && candidate.type !== undefined && removed.type !== candidate.type) continue;
    const candidateDirections = directionSet(candidate.direction);
    if (![...directions].every((d) => candidateDirections.has(d))) continue;
    const candidateChannels = channelsOf(pair.next, name);
    if (![...channels].every((ch) => candidateChannels.has(ch))) continue;
    const differences = diffSchemas(removed.payload, candidate.payload).filter(
      (d) => changeKinds[d.kind].group !== 'annotation',
    );
    if (differences.length === 0) return name;
  }
  return undefined;
}

/**
 * Reports the message changes.
 *
 * @example
 * compareMessages(c, pair); // MESSAGE_ADDED_TO_TOLERANT_READER for a new server event on a tolerant channel, ...
 */
export function compareMessages(c: Collector, pair: DocumentPair): void {
  const { old, next } = pair;
  const pairs = pairUp(
    old.messages,
    next.messages,
    (m) => `${m.type ?? ''}|${m.type === undefined ? fingerprint(m.payload) : ''}`,
  );
  for (const [oldName, newName] of pairs.renamed) {
    c.add(newName, 'message', next.messages.get(newName)!.docPath, 'MESSAGE_RENAMED', `'${oldName}' -> '${newName}'`);
  }
  for (const [name, m] of next.messages) {
    if (pairs.added.includes(name)) {
      if (unused(next, m))
        c.add(name, 'message', m.docPath, 'UNUSED_MESSAGE_ADDED', `'${name}' defined; nothing uses it`);
      else {
        const added = addedMessageKind(pair, m);
        c.add(name, 'message', m.docPath, added.kind, `'${name}' added (${m.direction})${added.why}`);
      }
      continue;
    }
    const oldName = pairs.renamed.find(([, n]) => n === name)?.[0] ?? name;
    compareMessage(c, pair, old.messages.get(oldName)!, m);
  }
  const staying = new Set(pairs.matched.map(([, n]) => n));
  for (const name of pairs.removed) {
    const m = old.messages.get(name)!;
    if (unused(old, m)) {
      c.add(name, 'message', m.docPath, 'UNUSED_MESSAGE_REMOVED', `'${name}' removed; nothing used it`);
      continue;
    }
    const heir = findHeir(m, pair, staying);
    if (heir !== undefined) {
      const detail = `'${name}' is carried by '${heir}' now (same payload, channels and direction)`;
      c.add(name, 'message', next.messages.get(heir)!.docPath, 'MESSAGE_MERGED', detail);
    } else c.add(name, 'message', m.docPath, 'MESSAGE_REMOVED', `'${name}' removed (was ${m.direction})`);
  }
}

function directionChange(pair: DocumentPair, a: MessageModel, b: MessageModel): { kind: ChangeKind; why: string } {
  const x = directionSet(a.direction);
  const y = directionSet(b.direction);
  // Unused -> used puts a new message on the wire; used -> unused takes one off.
  if (x.size === 0) return addedMessageKind(pair, b);
  if (y.size === 0) return { kind: 'MESSAGE_REMOVED', why: '' };
  if ([...x].every((d) => y.has(d))) return { kind: 'MESSAGE_DIRECTION_EXTENDED', why: '' };
  if ([...y].every((d) => x.has(d))) return { kind: 'MESSAGE_DIRECTION_NARROWED', why: '' };
  return { kind: 'MESSAGE_DIRECTION_CHANGED', why: '' };
}

function compareMessage(c: Collector, pair: DocumentPair, a: MessageModel, b: MessageModel): void {
  const { old, next, channelMap } = pair;
  const name = b.name;
  if (a.direction !== b.direction) {
    const change = directionChange(pair, a, b);
    c.add(name, 'message', b.docPath, change.kind, `${a.direction} -> ${b.direction}${change.why}`);
  }
  // Channel membership, over channels that exist on both sides (a removed channel is reported as such); a message
  // that starts or stops being used is reported as added or removed, which covers its channels.
  if (!unused(old, a) && !unused(next, b)) {
    const oldChannels = new Set(
      [...old.channels.values()]
        .filter((ch) => ch.messages.includes(a.name) && channelMap.has(ch.id))
        .map((ch) => channelMap.get(ch.id)!),
    );
    const matchedNew = new Set(channelMap.values());
    const newChannels = new Set(
      [...next.channels.values()]
        .filter((ch) => ch.messages.includes(name) && matchedNew.has(ch.id))
        .map((ch) => ch.id),
    );
    for (const id of newChannels)
      if (!oldChannels.has(id))
        c.add(name, 'message', b.docPath, 'MESSAGE_ADDED_TO_CHANNEL', `now also on channel '${id}'`);
    for (const id of oldChannels)
      if (!newChannels.has(id))
        c.add(name, 'message', b.docPath, 'MESSAGE_REMOVED_FROM_CHANNEL', `no longer on channel '${id}'`);
  }
  compareMessageContent(c, pair.full, a, b);
}

function compareMessageContent(c: Collector, full: boolean, a: MessageModel, b: MessageModel): void {
  const name = b.name;
  c.schema(name, 'payload', a.payload, b.payload, '');
  if (!full) return;
  if (a.headers !== undefined || b.headers !== undefined) c.schema(name, 'headers', a.headers, b.headers, '');
  if ((a.contentType ?? '') !== (b.contentType ?? '')) {
    c.add(
      name,
      'message',
      `${b.docPath}/contentType`,
      'MESSAGE_CONTENT_TYPE_CHANGED',
      `${show(a.contentType ?? '(none)')} -> ${show(b.contentType ?? '(none)')}`,
    );
  }
  c.residual(
    name,
    a.rawMessage,
    b.rawMessage,
    b.docPath,
    new Set(['payload', 'headers', 'contentType', 'traits', 'messageId']),
  );
}
