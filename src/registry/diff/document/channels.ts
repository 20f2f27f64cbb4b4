// Channels: added, removed, renamed (same address), moved to another address, and their details (parameters as
// schemas, bindings, the servers they are on).
import { isRecord } from '../../../util/records';
import type { ChangeKind } from '../kinds';
import { show } from '../schema/model';
import { docPointer, pairUp, same, type Collector, type DocumentPair } from './collector';
import type { DocumentModel } from './model';

/**
 * Pairs the channels of two documents by id, then renamed ones by address.
 *
 * @example
 * channelPairs(old, next).renamed; // [['socket', 'agentSocket']] when only the id changed
 */
export function channelPairs(old: DocumentModel, next: DocumentModel): ReturnType<typeof pairUp> {
  return pairUp(old.channels, next.channels, (ch) => ch.address);
}

/**
 * Reports the channel changes.
 *
 * @example
 * compareChannels(c, pair, channelPairs(pair.old, pair.next));
 */
export function compareChannels(c: Collector, pair: DocumentPair, pairs: ReturnType<typeof pairUp>): void {
  const { old, next } = pair;
  for (const [oldId, newId] of pairs.renamed) {
    const address = next.channels.get(newId)!.address;
    c.doc(docPointer('channels', newId), 'CHANNEL_RENAMED', `'${oldId}' -> '${newId}' (address ${address})`);
  }
  for (const [oldId, newId] of [...pairs.matched, ...pairs.renamed]) {
    const a = old.channels.get(oldId)!;
    const b = next.channels.get(newId)!;
    const base = docPointer('channels', newId);
    if (a.address !== b.address)
      c.doc(`${base}/address`, 'CHANNEL_ADDRESS_CHANGED', `${show(a.address)} -> ${show(b.address)}`);
    if (pair.full) compareChannelDetails(c, a.raw, b.raw, base);
  }
  for (const id of pairs.added) {
    const address = next.channels.get(id)!.address;
    c.doc(docPointer('channels', id), 'CHANNEL_ADDED', `channel '${id}' (${address}) added`);
  }
  for (const id of pairs.removed) {
    const address = old.channels.get(id)!.address;
    c.doc(docPointer('channels', id), 'CHANNEL_REMOVED', `channel '${id}' (${address}) removed`);
  }
}

/** Parameters of a channel as JSON Schemas (AsyncAPI 3 keeps `enum`/`default` on the parameter, 2.x a `schema`). */
function parameterSchema(param: unknown): unknown {
  if (!isRecord(param)) return {};
  if (param.schema !== undefined) return param.schema;
  const out: Record<string, unknown> = { type: 'string' };
  for (const key of ['enum', 'default', 'description', 'examples']) if (param[key] !== undefined) out[key] = param[key];
  return out;
}

/** Parameters: compared as schemas; added/removed ones show as an address change. */
function compareParameters(c: Collector, a: Record<string, unknown>, b: Record<string, unknown>, base: string): void {
  const pa = isRecord(a.parameters) ? a.parameters : {};
  const pb = isRecord(b.parameters) ? b.parameters : {};
  for (const name of Object.keys(pb)) {
    if (!(name in pa)) continue;
    const at = `${base}${docPointer('parameters', name)}`;
    c.schema(null, 'document', parameterSchema(pa[name]), parameterSchema(pb[name]), at);
    const la = isRecord(pa[name]) ? pa[name].location : undefined;
    const lb = isRecord(pb[name]) ? pb[name].location : undefined;
    if (!same(la, lb)) c.doc(`${at}/location`, 'DOCUMENT_FIELD_CHANGED', `location ${show(la)} -> ${show(lb)}`);
  }
}

/** Bindings: WebSocket query/headers are schemas; everything else is compared whole. */
function compareBindings(c: Collector, a: Record<string, unknown>, b: Record<string, unknown>, base: string): void {
  const ba = isRecord(a.bindings) ? a.bindings : {};
  const bb = isRecord(b.bindings) ? b.bindings : {};
  for (const protocol of [...new Set([...Object.keys(ba), ...Object.keys(bb)])].sort()) {
    const x = isRecord(ba[protocol]) ? ba[protocol] : undefined;
    const y = isRecord(bb[protocol]) ? bb[protocol] : undefined;
    const at = `${base}${docPointer('bindings', protocol)}`;
    if (x === undefined || y === undefined) {
      if (!same(x, y))
        c.doc(at, 'CHANNEL_BINDING_CHANGED', `${protocol} binding ${x === undefined ? 'added' : 'removed'}`);
      continue;
    }
    const schemaKeys = protocol === 'ws' ? ['query', 'headers'] : [];
    for (const key of schemaKeys)
      if (x[key] !== undefined || y[key] !== undefined)
        c.schema(null, 'document', x[key], y[key], `${at}${docPointer(key)}`);
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (schemaKeys.includes(key) || same(x[key], y[key])) continue;
      const kind: ChangeKind =
        key === 'bindingVersion'
          ? 'BINDING_VERSION_CHANGED'
          : key.startsWith('x-')
            ? 'EXTENSION_CHANGED'
            : 'CHANNEL_BINDING_CHANGED';
      c.doc(`${at}${docPointer(key)}`, kind, `${protocol}.${key} ${show(x[key])} -> ${show(y[key])}`);
    }
  }
}

/** Servers the channel is available on (v3 `servers`), by where they are. */
function serverLocations(list: unknown): string[] {
  return (Array.isArray(list) ? list : [])
    .map((s) =>
      isRecord(s)
        ? `${String(s.protocol)}://${String(s.host)}${typeof s.pathname === 'string' ? s.pathname : ''}`
        : String(s),
    )
    .sort();
}

function compareChannelDetails(
  c: Collector,
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
  base: string,
): void {
  if (a === undefined || b === undefined) return;
  compareParameters(c, a, b, base);
  compareBindings(c, a, b, base);
  const sa = serverLocations(a.servers);
  const sb = serverLocations(b.servers);
  if (sa.join(' ') !== sb.join(' ')) c.doc(`${base}/servers`, 'CHANNEL_SERVERS_CHANGED', `${show(sa)} -> ${show(sb)}`);
  c.residual(
    null,
    a,
    b,
    base,
    new Set(['address', 'messages', 'parameters', 'bindings', 'servers', 'publish', 'subscribe']),
  );
}
