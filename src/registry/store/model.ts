// The document as the registry remembers it, and the surface (channels, operations, servers, security) it records.
import * as path from 'node:path';
import { isRecord } from '../../util/records';
import type { DocumentModel, MessageModel } from '../diff/document/model';
import { readVersionSchema } from './read';
import { REGISTRY_FILE, type Registry, type RegistrySurface } from './types';

/** The surface of a document model, as registry.yaml stores it. */
export function surfaceOf(model: DocumentModel): RegistrySurface {
  const sorted = <T>(entries: [string, T][]): Record<string, T> =>
    Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    channels: sorted(
      [...model.channels.values()].map((c) => [
        c.id,
        {
          address: c.address,
          messages: [...new Set(c.messages)].sort(),
          ...(c.tolerantReader === true ? { tolerant_reader: true as const } : {}),
        },
      ]),
    ),
    operations: sorted(
      [...model.operations.values()].map((o) => [
        o.id,
        { action: o.action, channel: o.channel, messages: [...o.messages].sort() },
      ]),
    ),
    servers: sorted(
      [...model.servers.values()].map((s) => [
        s.id,
        {
          host: s.host,
          protocol: s.protocol,
          ...(s.pathname !== undefined ? { pathname: s.pathname } : {}),
          security: s.security,
        },
      ]),
    ),
    security_schemes: sorted(
      [...model.securitySchemes.values()].map((s) => {
        const out: RegistrySurface['security_schemes'][string] = { type: s.type };
        for (const key of ['scheme', 'name', 'in', 'bearerFormat'] as const)
          if (s[key] !== undefined) out[key] = s[key];
        return [s.id, out];
      }),
    ),
  };
}

/**
 * The document as the registry remembers it: each live message's latest stored payload and direction, and the
 * stored surface. Compared with the working spec by `check` and `register`.
 */
export function registryModel(dir: string, registry: Registry): DocumentModel {
  const messages = new Map<string, MessageModel>();
  for (const [name, entry] of Object.entries(registry.messages)) {
    if (entry.removed !== undefined) continue;
    const latest = entry.versions[entry.versions.length - 1];
    messages.set(name, {
      name,
      direction: entry.direction,
      payload: readVersionSchema(dir, name, latest.version) as MessageModel['payload'],
      docPath: `/components/messages/${name}`,
    });
  }
  for (const message of messages.values()) {
    const payload = message.payload;
    if (isRecord(payload) && isRecord(payload.properties) && isRecord(payload.properties.type)) {
      const t = payload.properties.type;
      if (typeof t.const === 'string') message.type = t.const;
    }
  }
  const s = registry.surface ?? { channels: {}, operations: {}, servers: {}, security_schemes: {} };
  return {
    file: path.join(dir, REGISTRY_FILE),
    specVersion: latestSpecVersion(registry),
    messages,
    channels: new Map(
      Object.entries(s.channels).map(([id, c]) => [
        id,
        {
          id,
          address: c.address,
          messages: c.messages,
          ...(c.tolerant_reader === true ? { tolerantReader: true } : {}),
        },
      ]),
    ),
    operations: new Map(Object.entries(s.operations).map(([id, o]) => [id, { id, ...o }])),
    servers: new Map(Object.entries(s.servers).map(([id, v]) => [id, { id, ...v }])),
    securitySchemes: new Map(Object.entries(s.security_schemes).map(([id, v]) => [id, { id, ...v }])),
  };
}

function latestSpecVersion(registry: Registry): string {
  let best = '';
  for (const m of Object.values(registry.messages)) {
    const v = m.versions[m.versions.length - 1]?.spec_version ?? '';
    if (v > best) best = v;
  }
  return best || '(registry)';
}
