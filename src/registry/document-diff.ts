// Comparing two versions of a whole AsyncAPI document: messages (payloads, headers, direction, channels, content
// type), channels, operations, servers, security schemes, and every other field by a catch-all rule, so that nothing
// that differs goes unnamed.
import { canonicalJson, fingerprint, joinPointer } from './canonical';
import { schemeSignature, type DocumentModel, type MessageModel } from './document-model';
import type { MessageDirection } from '../asyncapi';
import { changeKinds, type Breaks, type ChangeKind } from './kinds';
import { DEFAULT_DOCUMENT_MODE, defaultModeFor, isBreaking, type CompatibilityMode, type DescribedRole } from './modes';
import { diffSchemas } from './schema-diff';
import { isObject } from './schema-model';

/** Where a change is: in a message's payload or headers schema, in a message's definition, or elsewhere. */
export type ChangeScope = 'payload' | 'headers' | 'message' | 'document';

/** One difference between two documents. */
export interface Change {
  /** The message the change belongs to; null for document-level changes (channels, servers, ...). */
  message: string | null;
  where: ChangeScope;
  /** JSON pointer: in the payload/headers schema for those scopes, else in the document. */
  path: string;
  kind: ChangeKind;
  detail: string;
}

/** A change judged under a compatibility mode. */
export interface JudgedChange extends Change {
  breaking: boolean;
  /** The kind's fixed rule: which direction it breaks. */
  breaks: Breaks;
  /** The mode it was judged under. */
  mode: CompatibilityMode;
}

export interface DiffOptions {
  /** Judge every change under this mode (`--mode`). */
  mode?: CompatibilityMode;
  /** Which application the document describes (decides each message's default mode). Default 'server'. */
  role?: DescribedRole;
  /** Per-message modes (registry overrides); messages not listed get their direction's default. */
  messageModes?: Record<string, CompatibilityMode>;
  /** Mode for document-level changes. Default BACKWARD_TRANSITIVE. */
  documentMode?: CompatibilityMode;
}

export interface DiffReport {
  compatible: boolean;
  changes: JudgedChange[];
  old: { file: string; version: string };
  new: { file: string; version: string };
}

const DOC_KEYS = new Set([
  'title',
  'summary',
  'description',
  'tags',
  'externalDocs',
  'examples',
  'contact',
  'license',
  'termsOfService',
]);

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

class Collector {
  readonly changes: Change[] = [];

  add(message: string | null, where: ChangeScope, path: string, kind: ChangeKind, detail: string): void {
    this.changes.push({ message, where, path, kind, detail });
  }

  /** Fields no specific rule covers: documentation, extensions, and a conservative catch-all for the rest. */
  residual(
    message: string | null,
    oldObject: Record<string, unknown> | undefined,
    newObject: Record<string, unknown> | undefined,
    base: string,
    covered: Set<string>,
  ): void {
    if (oldObject === undefined || newObject === undefined) return;
    const keys = [...new Set([...Object.keys(oldObject), ...Object.keys(newObject)])].sort();
    for (const key of keys) {
      if (covered.has(key) || key.startsWith('x-parser-')) continue;
      const a = oldObject[key];
      const b = newObject[key];
      if (same(a, b)) continue;
      const kind: ChangeKind = key.startsWith('x-')
        ? 'EXTENSION_CHANGED'
        : DOC_KEYS.has(key)
          ? 'DOCUMENTATION_CHANGED'
          : 'DOCUMENT_FIELD_CHANGED';
      const detail = a === undefined ? `${key} added` : b === undefined ? `${key} removed` : `${key} changed`;
      this.add(message, message === null ? 'document' : 'message', joinPointer(base, key), kind, detail);
    }
  }

  schema(message: string | null, where: ChangeScope, oldSchema: unknown, newSchema: unknown, path: string): void {
    for (const c of diffSchemas(oldSchema ?? {}, newSchema ?? {}, { path }))
      this.add(message, where, c.path, c.kind, c.detail);
  }
}

/** Pairs up items of two maps by id, then the leftovers by a signature (a rename keeps the signature). */
function pairUp<T>(
  olds: Map<string, T>,
  news: Map<string, T>,
  signature: (item: T, side: 'old' | 'new') => string,
): { matched: [string, string][]; renamed: [string, string][]; added: string[]; removed: string[] } {
  const matched: [string, string][] = [];
  for (const id of news.keys()) if (olds.has(id)) matched.push([id, id]);
  const leftOld = [...olds.keys()].filter((id) => !news.has(id));
  const leftNew = [...news.keys()].filter((id) => !olds.has(id));
  const renamed: [string, string][] = [];
  for (const oldId of [...leftOld]) {
    const sig = signature(olds.get(oldId)!, 'old');
    const newId = leftNew.find((id) => signature(news.get(id)!, 'new') === sig);
    if (newId === undefined) continue;
    renamed.push([oldId, newId]);
    leftOld.splice(leftOld.indexOf(oldId), 1);
    leftNew.splice(leftNew.indexOf(newId), 1);
  }
  return { matched, renamed, added: leftNew, removed: leftOld };
}

/** Parameters of a channel as JSON Schemas (AsyncAPI 3 keeps `enum`/`default` on the parameter, 2.x a `schema`). */
function parameterSchema(param: unknown): unknown {
  if (!isObject(param)) return {};
  if (param.schema !== undefined) return param.schema;
  const out: Record<string, unknown> = { type: 'string' };
  for (const key of ['enum', 'default', 'description', 'examples']) if (param[key] !== undefined) out[key] = param[key];
  return out;
}

function collectChanges(old: DocumentModel, next: DocumentModel): Change[] {
  const c = new Collector();
  const full = old.raw !== undefined && next.raw !== undefined;

  // ---- channels (first: messages refer to them) -------------------------------------------------------------------
  const channelPairs = pairUp(old.channels, next.channels, (ch) => ch.address);
  const channelMap = new Map<string, string>([...channelPairs.matched, ...channelPairs.renamed]);

  // ---- messages -----------------------------------------------------------------------------------------------------
  const messagePairs = pairUp(
    old.messages,
    next.messages,
    (m) => `${m.type ?? ''}|${m.type === undefined ? fingerprint(m.payload) : ''}`,
  );
  for (const [oldName, newName] of messagePairs.renamed) {
    const m = next.messages.get(newName)!;
    c.add(newName, 'message', m.docPath, 'MESSAGE_RENAMED', `'${oldName}' -> '${newName}'`);
  }
  const messageOrder = [...next.messages.keys()];
  for (const name of messageOrder) {
    const m = next.messages.get(name)!;
    if (messagePairs.added.includes(name)) {
      if (unused(next, m))
        c.add(name, 'message', m.docPath, 'UNUSED_MESSAGE_ADDED', `'${name}' defined; nothing uses it`);
      else c.add(name, 'message', m.docPath, 'MESSAGE_ADDED', `'${name}' added (${m.direction})`);
      continue;
    }
    const oldName = messagePairs.renamed.find(([, n]) => n === name)?.[0] ?? name;
    compareMessage(c, old.messages.get(oldName)!, m, old, next, channelMap, full);
  }
  for (const name of messagePairs.removed) {
    const m = old.messages.get(name)!;
    if (unused(old, m)) {
      c.add(name, 'message', m.docPath, 'UNUSED_MESSAGE_REMOVED', `'${name}' removed; nothing used it`);
      continue;
    }
    const heir = findHeir(m, old, next, channelMap, new Set(messagePairs.matched.map(([, n]) => n)));
    if (heir !== undefined) {
      c.add(
        name,
        'message',
        next.messages.get(heir)!.docPath,
        'MESSAGE_MERGED',
        `'${name}' is carried by '${heir}' now (same payload, channels and direction)`,
      );
    } else c.add(name, 'message', m.docPath, 'MESSAGE_REMOVED', `'${name}' removed (was ${m.direction})`);
  }

  // ---- channels -----------------------------------------------------------------------------------------------------
  for (const [oldId, newId] of channelPairs.renamed) {
    c.add(
      null,
      'document',
      joinPointer('', 'channels', newId),
      'CHANNEL_RENAMED',
      `'${oldId}' -> '${newId}' (address ${next.channels.get(newId)!.address})`,
    );
  }
  for (const [oldId, newId] of [...channelPairs.matched, ...channelPairs.renamed]) {
    const a = old.channels.get(oldId)!;
    const b = next.channels.get(newId)!;
    const base = joinPointer('', 'channels', newId);
    if (a.address !== b.address)
      c.add(
        null,
        'document',
        joinPointer(base, 'address'),
        'CHANNEL_ADDRESS_CHANGED',
        `${show(a.address)} -> ${show(b.address)}`,
      );
    if (full) compareChannelDetails(c, a.raw, b.raw, base, old, next);
  }
  for (const id of channelPairs.added)
    c.add(
      null,
      'document',
      joinPointer('', 'channels', id),
      'CHANNEL_ADDED',
      `channel '${id}' (${next.channels.get(id)!.address}) added`,
    );
  for (const id of channelPairs.removed)
    c.add(
      null,
      'document',
      joinPointer('', 'channels', id),
      'CHANNEL_REMOVED',
      `channel '${id}' (${old.channels.get(id)!.address}) removed`,
    );

  // ---- operations ---------------------------------------------------------------------------------------------------
  const opSignature = (op: { action: string; channel: string; messages: string[] }, side: 'old' | 'new'): string =>
    `${op.action}|${side === 'old' ? (channelMap.get(op.channel) ?? op.channel) : op.channel}|${op.messages.join(',')}`;
  const opPairs = pairUp(old.operations, next.operations, opSignature);
  for (const [oldId, newId] of opPairs.renamed)
    c.add(null, 'document', joinPointer('', 'operations', newId), 'OPERATION_RENAMED', `'${oldId}' -> '${newId}'`);
  for (const [oldId, newId] of [...opPairs.matched, ...opPairs.renamed]) {
    const a = old.operations.get(oldId)!;
    const b = next.operations.get(newId)!;
    const base = joinPointer('', 'operations', newId);
    if (a.action !== b.action)
      c.add(null, 'document', joinPointer(base, 'action'), 'OPERATION_ACTION_CHANGED', `${a.action} -> ${b.action}`);
    if ((channelMap.get(a.channel) ?? a.channel) !== b.channel) {
      c.add(
        null,
        'document',
        joinPointer(base, 'channel'),
        'OPERATION_CHANNEL_CHANGED',
        `'${a.channel}' -> '${b.channel}'`,
      );
    }
    if (a.messages.join(',') !== b.messages.join(',')) {
      const added = b.messages.filter((m) => !a.messages.includes(m));
      const removed = a.messages.filter((m) => !b.messages.includes(m));
      const parts = [
        added.length ? `added ${added.join(', ')}` : '',
        removed.length ? `removed ${removed.join(', ')}` : '',
      ].filter(Boolean);
      c.add(null, 'document', joinPointer(base, 'messages'), 'OPERATION_MESSAGES_CHANGED', parts.join('; '));
    }
    if (full) c.residual(null, a.raw, b.raw, base, new Set(['action', 'channel', 'messages', 'traits']));
  }
  for (const id of opPairs.added)
    c.add(
      null,
      'document',
      joinPointer('', 'operations', id),
      'OPERATION_ADDED',
      `operation '${id}' (${next.operations.get(id)!.action}) added`,
    );
  for (const id of opPairs.removed)
    c.add(
      null,
      'document',
      joinPointer('', 'operations', id),
      'OPERATION_REMOVED',
      `operation '${id}' (${old.operations.get(id)!.action}) removed`,
    );

  // ---- servers and security -----------------------------------------------------------------------------------------
  const serverPairs = pairUp(old.servers, next.servers, (s) => `${s.protocol}://${s.host}${s.pathname ?? ''}`);
  for (const [oldId, newId] of serverPairs.renamed)
    c.add(null, 'document', joinPointer('', 'servers', newId), 'SERVER_RENAMED', `'${oldId}' -> '${newId}'`);
  for (const [oldId, newId] of [...serverPairs.matched, ...serverPairs.renamed]) {
    const a = old.servers.get(oldId)!;
    const b = next.servers.get(newId)!;
    const base = joinPointer('', 'servers', newId);
    if (a.host !== b.host)
      c.add(null, 'document', joinPointer(base, 'host'), 'SERVER_HOST_CHANGED', `${show(a.host)} -> ${show(b.host)}`);
    if (a.protocol !== b.protocol)
      c.add(
        null,
        'document',
        joinPointer(base, 'protocol'),
        'SERVER_PROTOCOL_CHANGED',
        `${a.protocol} -> ${b.protocol}`,
      );
    if ((a.pathname ?? '') !== (b.pathname ?? '')) {
      c.add(
        null,
        'document',
        joinPointer(base, 'pathname'),
        'SERVER_PATHNAME_CHANGED',
        `${show(a.pathname ?? '')} -> ${show(b.pathname ?? '')}`,
      );
    }
    if (full && !same(a.raw?.protocolVersion, b.raw?.protocolVersion)) {
      c.add(
        null,
        'document',
        joinPointer(base, 'protocolVersion'),
        'SERVER_PROTOCOL_CHANGED',
        `protocolVersion ${show(a.raw?.protocolVersion)} -> ${show(b.raw?.protocolVersion)}`,
      );
    }
    const oldSecurity = new Map(a.security.map((o) => [o.signature, o.id]));
    const newSecurity = new Map(b.security.map((o) => [o.signature, o.id]));
    const at = joinPointer(base, 'security');
    if (oldSecurity.size === 0 && newSecurity.size > 0)
      c.add(null, 'document', at, 'SERVER_SECURITY_REQUIRED', `requires ${[...newSecurity.values()].join(' or ')} now`);
    else if (newSecurity.size === 0 && oldSecurity.size > 0)
      c.add(
        null,
        'document',
        at,
        'SERVER_SECURITY_DROPPED',
        `required ${[...oldSecurity.values()].join(' or ')}; nothing now`,
      );
    else {
      for (const [sig, id] of newSecurity)
        if (!oldSecurity.has(sig)) c.add(null, 'document', at, 'SERVER_SECURITY_ADDED', `accepts '${id}' now`);
      for (const [sig, id] of oldSecurity)
        if (!newSecurity.has(sig)) c.add(null, 'document', at, 'SERVER_SECURITY_REMOVED', `no longer accepts '${id}'`);
    }
    if (full)
      c.residual(
        null,
        a.raw,
        b.raw,
        base,
        new Set(['host', 'protocol', 'protocolVersion', 'pathname', 'security', 'url']),
      );
  }
  for (const id of serverPairs.added)
    c.add(null, 'document', joinPointer('', 'servers', id), 'SERVER_ADDED', `server '${id}' added`);
  for (const id of serverPairs.removed)
    c.add(null, 'document', joinPointer('', 'servers', id), 'SERVER_REMOVED', `server '${id}' removed`);

  const schemePairs = pairUp(old.securitySchemes, next.securitySchemes, (s) => schemeSignature(s) ?? s.id);
  for (const [oldId, newId] of schemePairs.renamed) {
    c.add(
      null,
      'document',
      joinPointer('', 'components', 'securitySchemes', newId),
      'SECURITY_SCHEME_RENAMED',
      `'${oldId}' -> '${newId}'`,
    );
  }
  for (const [oldId, newId] of [...schemePairs.matched, ...schemePairs.renamed]) {
    const a = old.securitySchemes.get(oldId)!;
    const b = next.securitySchemes.get(newId)!;
    const base = joinPointer('', 'components', 'securitySchemes', newId);
    for (const key of ['type', 'scheme', 'name', 'in', 'bearerFormat'] as const) {
      if ((a[key] ?? '') !== (b[key] ?? ''))
        c.add(
          null,
          'document',
          joinPointer(base, key),
          'SECURITY_SCHEME_CHANGED',
          `${key} ${show(a[key] ?? '')} -> ${show(b[key] ?? '')}`,
        );
    }
    if (full) {
      for (const key of ['flows', 'openIdConnectUrl', 'scopes']) {
        if (!same(a.raw?.[key], b.raw?.[key]))
          c.add(null, 'document', joinPointer(base, key), 'SECURITY_SCHEME_CHANGED', `${key} changed`);
      }
      c.residual(
        null,
        a.raw,
        b.raw,
        base,
        new Set(['type', 'scheme', 'name', 'in', 'bearerFormat', 'flows', 'openIdConnectUrl', 'scopes']),
      );
    }
  }
  for (const id of schemePairs.added)
    c.add(
      null,
      'document',
      joinPointer('', 'components', 'securitySchemes', id),
      'SECURITY_SCHEME_ADDED',
      `'${id}' added`,
    );
  for (const id of schemePairs.removed)
    c.add(
      null,
      'document',
      joinPointer('', 'components', 'securitySchemes', id),
      'SECURITY_SCHEME_REMOVED',
      `'${id}' removed`,
    );

  // ---- the rest of the document -------------------------------------------------------------------------------------
  if (full) compareTopLevel(c, old.raw!, next.raw!);
  return c.changes;
}

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
function findHeir(
  removed: MessageModel,
  old: DocumentModel,
  next: DocumentModel,
  channelMap: Map<string, string>,
  staying: Set<string>,
): string | undefined {
  const directions = directionSet(removed.direction);
  const channels = channelsOf(old, removed.name, channelMap);
  for (const name of staying) {
    const candidate = next.messages.get(name)!;
    if (removed.type !== undefined && candidate.type !== undefined && removed.type !== candidate.type) continue;
    const candidateDirections = directionSet(candidate.direction);
    if (![...directions].every((d) => candidateDirections.has(d))) continue;
    const candidateChannels = channelsOf(next, name);
    if (![...channels].every((ch) => candidateChannels.has(ch))) continue;
    const differences = diffSchemas(removed.payload, candidate.payload).filter(
      (d) => changeKinds[d.kind].group !== 'annotation',
    );
    if (differences.length === 0) return name;
  }
  return undefined;
}

function compareMessage(
  c: Collector,
  a: MessageModel,
  b: MessageModel,
  old: DocumentModel,
  next: DocumentModel,
  channelMap: Map<string, string>,
  full: boolean,
): void {
  const name = b.name;
  if (a.direction !== b.direction) {
    const x = directionSet(a.direction);
    const y = directionSet(b.direction);
    // Unused -> used puts a new message on the wire; used -> unused takes one off.
    const kind: ChangeKind =
      x.size === 0
        ? 'MESSAGE_ADDED'
        : y.size === 0
          ? 'MESSAGE_REMOVED'
          : [...x].every((d) => y.has(d))
            ? 'MESSAGE_DIRECTION_EXTENDED'
            : [...y].every((d) => x.has(d))
              ? 'MESSAGE_DIRECTION_NARROWED'
              : 'MESSAGE_DIRECTION_CHANGED';
    c.add(name, 'message', b.docPath, kind, `${a.direction} -> ${b.direction}`);
  }
  // Channel membership, over channels that exist on both sides (a removed channel is reported as such); a message
  // that starts or stops being used is reported as added or removed, which covers its channels.
  if (unused(old, a) || unused(next, b)) {
    compareMessageContent(c, a, b, full);
    return;
  }
  const oldChannels = new Set(
    [...old.channels.values()]
      .filter((ch) => ch.messages.includes(a.name) && channelMap.has(ch.id))
      .map((ch) => channelMap.get(ch.id)!),
  );
  const matchedNew = new Set(channelMap.values());
  const newChannels = new Set(
    [...next.channels.values()].filter((ch) => ch.messages.includes(name) && matchedNew.has(ch.id)).map((ch) => ch.id),
  );
  for (const id of newChannels)
    if (!oldChannels.has(id))
      c.add(name, 'message', b.docPath, 'MESSAGE_ADDED_TO_CHANNEL', `now also on channel '${id}'`);
  for (const id of oldChannels)
    if (!newChannels.has(id))
      c.add(name, 'message', b.docPath, 'MESSAGE_REMOVED_FROM_CHANNEL', `no longer on channel '${id}'`);

  compareMessageContent(c, a, b, full);
}

function compareMessageContent(c: Collector, a: MessageModel, b: MessageModel, full: boolean): void {
  const name = b.name;
  c.schema(name, 'payload', a.payload, b.payload, '');
  if (!full) return;
  if (a.headers !== undefined || b.headers !== undefined) c.schema(name, 'headers', a.headers, b.headers, '');
  if ((a.contentType ?? '') !== (b.contentType ?? '')) {
    c.add(
      name,
      'message',
      joinPointer(b.docPath, 'contentType'),
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

function compareChannelDetails(
  c: Collector,
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
  base: string,
  old: DocumentModel,
  next: DocumentModel,
): void {
  if (a === undefined || b === undefined) return;
  // Parameters: compared as schemas; added/removed ones show as an address change.
  const pa = isObject(a.parameters) ? a.parameters : {};
  const pb = isObject(b.parameters) ? b.parameters : {};
  for (const name of Object.keys(pb)) {
    if (!(name in pa)) continue;
    const at = joinPointer(base, 'parameters', name);
    c.schema(null, 'document', parameterSchema(pa[name]), parameterSchema(pb[name]), at);
    const la = isObject(pa[name]) ? pa[name].location : undefined;
    const lb = isObject(pb[name]) ? pb[name].location : undefined;
    if (!same(la, lb))
      c.add(
        null,
        'document',
        joinPointer(at, 'location'),
        'DOCUMENT_FIELD_CHANGED',
        `location ${show(la)} -> ${show(lb)}`,
      );
  }
  // Bindings: WebSocket query/headers are schemas; everything else is compared whole.
  const ba = isObject(a.bindings) ? a.bindings : {};
  const bb = isObject(b.bindings) ? b.bindings : {};
  for (const protocol of [...new Set([...Object.keys(ba), ...Object.keys(bb)])].sort()) {
    const x = isObject(ba[protocol]) ? ba[protocol] : undefined;
    const y = isObject(bb[protocol]) ? bb[protocol] : undefined;
    const at = joinPointer(base, 'bindings', protocol);
    if (x === undefined || y === undefined) {
      if (!same(x, y))
        c.add(
          null,
          'document',
          at,
          'CHANNEL_BINDING_CHANGED',
          `${protocol} binding ${x === undefined ? 'added' : 'removed'}`,
        );
      continue;
    }
    const schemaKeys = protocol === 'ws' ? ['query', 'headers'] : [];
    for (const key of schemaKeys)
      if (x[key] !== undefined || y[key] !== undefined)
        c.schema(null, 'document', x[key], y[key], joinPointer(at, key));
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (schemaKeys.includes(key) || same(x[key], y[key])) continue;
      const kind: ChangeKind =
        key === 'bindingVersion'
          ? 'BINDING_VERSION_CHANGED'
          : key.startsWith('x-')
            ? 'EXTENSION_CHANGED'
            : 'CHANNEL_BINDING_CHANGED';
      c.add(null, 'document', joinPointer(at, key), kind, `${protocol}.${key} ${show(x[key])} -> ${show(y[key])}`);
    }
  }
  // Servers the channel is available on (v3 `servers`), by where they are.
  const where = (model: DocumentModel, list: unknown): string[] =>
    (Array.isArray(list) ? list : [])
      .map((s) =>
        isObject(s)
          ? `${String(s.protocol)}://${String(s.host)}${typeof s.pathname === 'string' ? s.pathname : ''}`
          : String(s),
      )
      .sort();
  const sa = where(old, a.servers);
  const sb = where(next, b.servers);
  if (sa.join(' ') !== sb.join(' '))
    c.add(null, 'document', joinPointer(base, 'servers'), 'CHANNEL_SERVERS_CHANGED', `${show(sa)} -> ${show(sb)}`);
  c.residual(
    null,
    a,
    b,
    base,
    new Set(['address', 'messages', 'parameters', 'bindings', 'servers', 'publish', 'subscribe']),
  );
}

function compareTopLevel(c: Collector, a: Record<string, unknown>, b: Record<string, unknown>): void {
  if (!same(a.asyncapi, b.asyncapi))
    c.add(null, 'document', '/asyncapi', 'ASYNCAPI_VERSION_CHANGED', `${show(a.asyncapi)} -> ${show(b.asyncapi)}`);
  const ia = isObject(a.info) ? a.info : {};
  const ib = isObject(b.info) ? b.info : {};
  if (!same(ia.version, ib.version))
    c.add(null, 'document', '/info/version', 'SPEC_VERSION_CHANGED', `${show(ia.version)} -> ${show(ib.version)}`);
  for (const key of [...new Set([...Object.keys(ia), ...Object.keys(ib)])].sort()) {
    if (key === 'version' || same(ia[key], ib[key])) continue;
    c.add(
      null,
      'document',
      joinPointer('/info', key),
      key.startsWith('x-') ? 'EXTENSION_CHANGED' : 'DOCUMENTATION_CHANGED',
      `info.${key} changed`,
    );
  }
  // channels/operations/servers/components are compared above (components through what references them);
  // defaultContentType through each message's effective content type.
  c.residual(
    null,
    a,
    b,
    '',
    new Set(['asyncapi', 'info', 'channels', 'operations', 'servers', 'components', 'defaultContentType']),
  );
}

/**
 * Compares two versions of a document and judges every change: under `options.mode` when given, else each message
 * under its own mode (registry override or its direction's default) and document-level changes under
 * `documentMode` (BACKWARD_TRANSITIVE: clients write the handshake, the newer server reads it).
 *
 * @example
 * const report = diffDocuments(documentModelFromSpec(oldSpec), documentModelFromSpec(newSpec));
 * if (!report.compatible) for (const c of report.changes.filter((x) => x.breaking)) console.log(c.kind, c.path);
 */
export function diffDocuments(old: DocumentModel, next: DocumentModel, options: DiffOptions = {}): DiffReport {
  const role = options.role ?? 'server';
  const modeOf = (change: Change): CompatibilityMode => {
    if (options.mode !== undefined) return options.mode;
    if (change.message === null) return options.documentMode ?? DEFAULT_DOCUMENT_MODE;
    const override = options.messageModes?.[change.message];
    if (override !== undefined) return override;
    const message = next.messages.get(change.message) ?? old.messages.get(change.message);
    return defaultModeFor(message?.direction ?? 'none', role);
  };
  const changes = collectChanges(old, next).map((change): JudgedChange => {
    const mode = modeOf(change);
    return { ...change, breaking: isBreaking(change.kind, mode), breaks: changeKinds[change.kind].breaks, mode };
  });
  return {
    compatible: changes.every((c) => !c.breaking),
    changes,
    old: { file: old.file, version: old.specVersion },
    new: { file: next.file, version: next.specVersion },
  };
}
