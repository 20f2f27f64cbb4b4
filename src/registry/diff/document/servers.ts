// Servers (host, protocol, pathname, the security they accept) and the security schemes clients authenticate with.
import { show } from '../schema/model';
import { docPointer, pairUp, same, type Collector, type DocumentPair } from './collector';
import { schemeSignature, type ServerModel } from './model';

function compareServerSecurity(c: Collector, a: ServerModel, b: ServerModel, base: string): void {
  const oldSecurity = new Map(a.security.map((o) => [o.signature, o.id]));
  const newSecurity = new Map(b.security.map((o) => [o.signature, o.id]));
  const at = `${base}/security`;
  if (oldSecurity.size === 0 && newSecurity.size > 0) {
    c.doc(at, 'SERVER_SECURITY_REQUIRED', `requires ${[...newSecurity.values()].join(' or ')} now`);
  } else if (newSecurity.size === 0 && oldSecurity.size > 0) {
    c.doc(at, 'SERVER_SECURITY_DROPPED', `required ${[...oldSecurity.values()].join(' or ')}; nothing now`);
  } else {
    for (const [sig, id] of newSecurity)
      if (!oldSecurity.has(sig)) c.doc(at, 'SERVER_SECURITY_ADDED', `accepts '${id}' now`);
    for (const [sig, id] of oldSecurity)
      if (!newSecurity.has(sig)) c.doc(at, 'SERVER_SECURITY_REMOVED', `no longer accepts '${id}'`);
  }
}

function compareServer(c: Collector, pair: DocumentPair, a: ServerModel, b: ServerModel, base: string): void {
  if (a.host !== b.host) c.doc(`${base}/host`, 'SERVER_HOST_CHANGED', `${show(a.host)} -> ${show(b.host)}`);
  if (a.protocol !== b.protocol) c.doc(`${base}/protocol`, 'SERVER_PROTOCOL_CHANGED', `${a.protocol} -> ${b.protocol}`);
  if ((a.pathname ?? '') !== (b.pathname ?? ''))
    c.doc(`${base}/pathname`, 'SERVER_PATHNAME_CHANGED', `${show(a.pathname ?? '')} -> ${show(b.pathname ?? '')}`);
  if (pair.full && !same(a.raw?.protocolVersion, b.raw?.protocolVersion)) {
    const detail = `protocolVersion ${show(a.raw?.protocolVersion)} -> ${show(b.raw?.protocolVersion)}`;
    c.doc(`${base}/protocolVersion`, 'SERVER_PROTOCOL_CHANGED', detail);
  }
  compareServerSecurity(c, a, b, base);
  if (pair.full)
    c.residual(
      null,
      a.raw,
      b.raw,
      base,
      new Set(['host', 'protocol', 'protocolVersion', 'pathname', 'security', 'url']),
    );
}

/**
 * Reports the server changes.
 *
 * @example
 * compareServers(c, pair); // SERVER_HOST_CHANGED at /servers/production/host, ...
 */
export function compareServers(c: Collector, pair: DocumentPair): void {
  const { old, next } = pair;
  const pairs = pairUp(old.servers, next.servers, (s) => `${s.protocol}://${s.host}${s.pathname ?? ''}`);
  for (const [oldId, newId] of pairs.renamed)
    c.doc(docPointer('servers', newId), 'SERVER_RENAMED', `'${oldId}' -> '${newId}'`);
  for (const [oldId, newId] of [...pairs.matched, ...pairs.renamed])
    compareServer(c, pair, old.servers.get(oldId)!, next.servers.get(newId)!, docPointer('servers', newId));
  for (const id of pairs.added) c.doc(docPointer('servers', id), 'SERVER_ADDED', `server '${id}' added`);
  for (const id of pairs.removed) c.doc(docPointer('servers', id), 'SERVER_REMOVED', `server '${id}' removed`);
}

const SCHEME_KEYS = ['type', 'scheme', 'name', 'in', 'bearerFormat'] as const;

/**
 * Reports the security scheme changes.
 *
 * @example
 * compareSecuritySchemes(c, pair); // SECURITY_SCHEME_CHANGED at /components/securitySchemes/bearer/scheme
 */
export function compareSecuritySchemes(c: Collector, pair: DocumentPair): void {
  const { old, next } = pair;
  const pairs = pairUp(old.securitySchemes, next.securitySchemes, (s) => schemeSignature(s) ?? s.id);
  const pointer = (id: string): string => docPointer('components', 'securitySchemes', id);
  for (const [oldId, newId] of pairs.renamed)
    c.doc(pointer(newId), 'SECURITY_SCHEME_RENAMED', `'${oldId}' -> '${newId}'`);
  for (const [oldId, newId] of [...pairs.matched, ...pairs.renamed]) {
    const a = old.securitySchemes.get(oldId)!;
    const b = next.securitySchemes.get(newId)!;
    const base = pointer(newId);
    for (const key of SCHEME_KEYS) {
      if ((a[key] ?? '') !== (b[key] ?? ''))
        c.doc(`${base}/${key}`, 'SECURITY_SCHEME_CHANGED', `${key} ${show(a[key] ?? '')} -> ${show(b[key] ?? '')}`);
    }
    if (!pair.full) continue;
    for (const key of ['flows', 'openIdConnectUrl', 'scopes']) {
      if (!same(a.raw?.[key], b.raw?.[key])) c.doc(`${base}/${key}`, 'SECURITY_SCHEME_CHANGED', `${key} changed`);
    }
    c.residual(null, a.raw, b.raw, base, new Set([...SCHEME_KEYS, 'flows', 'openIdConnectUrl', 'scopes']));
  }
  for (const id of pairs.added) c.doc(pointer(id), 'SECURITY_SCHEME_ADDED', `'${id}' added`);
  for (const id of pairs.removed) c.doc(pointer(id), 'SECURITY_SCHEME_REMOVED', `'${id}' removed`);
}
