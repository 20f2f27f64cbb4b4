// schemas/registry.yaml and schemas/<message>/v<N>.json: reading, validating and writing them deterministically.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { MessageDirection } from '../asyncapi';
import { canonicalJson, fingerprint } from './canonical';
import type { DocumentModel, MessageModel, SecurityOption } from './document-model';
import { RegistryError } from './errors';
import { compatibilityModes, DEFAULT_DOCUMENT_MODE, type CompatibilityMode, type DescribedRole } from './modes';
import { isObject } from './schema-model';

export interface RegistryVersion {
  version: number;
  /** `sha256:<hex>` of the compact canonical JSON of the stored schema. */
  fingerprint: string;
  /** `info.version` of the spec the version came from. */
  spec_version: string;
  /** Registration date, YYYY-MM-DD. */
  date: string;
  /** Why an incompatible version was accepted (`register --force --reason`). */
  forced_reason?: string;
}

export interface RegistryMessage {
  direction: MessageDirection;
  compatibility: CompatibilityMode;
  versions: RegistryVersion[];
  /** Set when the message left the spec (forced removal, or merged into another message). */
  removed?: { spec_version: string; date: string; reason: string };
}

/** The parts of the document outside payloads that the registry remembers, so `check` sees them change. */
export interface RegistrySurface {
  channels: Record<string, { address: string; messages: string[] }>;
  operations: Record<string, { action: 'send' | 'receive'; channel: string; messages: string[] }>;
  servers: Record<string, { host: string; protocol: string; pathname?: string; security: SecurityOption[] }>;
  security_schemes: Record<
    string,
    { type: string; scheme?: string; name?: string; in?: string; bearerFormat?: string }
  >;
}

export interface Registry {
  format: 1;
  /** Which application the spec describes; decides each message's default mode. */
  role: DescribedRole;
  /** Mode for document-level changes (channels, servers, security). */
  document_compatibility: CompatibilityMode;
  messages: Record<string, RegistryMessage>;
  surface?: RegistrySurface;
  /** Every registration that accepted breaking changes, with its reason (an audit log). */
  forced?: ForcedRegistration[];
}

export interface ForcedRegistration {
  date: string;
  spec_version: string;
  reason: string;
  /** `<message or (document)> <KIND> <path>` of each breaking change accepted. */
  changes: string[];
}

export const REGISTRY_FILE = 'registry.yaml';

/** A new, empty registry. */
export function emptyRegistry(role: DescribedRole = 'server'): Registry {
  return { format: 1, role, document_compatibility: DEFAULT_DOCUMENT_MODE, messages: {} };
}

/**
 * The file of one stored version: `<dir>/<message>/v<N>.json`.
 *
 * @example
 * versionFile('schemas', 'agent_completed', 2); // 'schemas/agent_completed/v2.json'
 */
export function versionFile(dir: string, message: string, version: number): string {
  return path.join(dir, message, `v${version}.json`);
}

function fail(file: string, where: string, problem: string): never {
  throw new RegistryError('REGISTRY_INVALID', `${file}: ${where}: ${problem}`);
}

const DIRECTIONS = ['send', 'receive', 'both', 'none'];

function parseMode(file: string, where: string, value: unknown): CompatibilityMode {
  const found = compatibilityModes.find((m) => m === value);
  if (found === undefined)
    fail(file, where, `'${String(value)}' is not a compatibility mode (${compatibilityModes.join(', ')})`);
  return found;
}

function stringMap<T>(
  file: string,
  where: string,
  value: unknown,
  item: (key: string, v: Record<string, unknown>) => T,
): Record<string, T> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail(file, where, 'must be a mapping');
  const out: Record<string, T> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!isObject(v)) fail(file, `${where}.${key}`, 'must be a mapping');
    out[key] = item(key, v);
  }
  return out;
}

function stringList(file: string, where: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    fail(file, where, 'must be a list of strings');
  return value as string[];
}

function requiredString(file: string, where: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(file, where, 'must be a non-empty string');
  return value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads and validates `<dir>/registry.yaml`. Throws `REGISTRY_NOT_FOUND` when it does not exist and
 * `REGISTRY_INVALID` (naming the field) when it is malformed.
 *
 * @example
 * const registry = readRegistry('schemas');
 * registry.messages.start_agent.versions.at(-1)?.fingerprint;
 */
export function readRegistry(dir: string): Registry {
  const file = path.join(dir, REGISTRY_FILE);
  if (!existsSync(file)) {
    throw new RegistryError(
      'REGISTRY_NOT_FOUND',
      `${file} does not exist; create it with \`netra-contracts registry register\``,
    );
  }
  let data: unknown;
  try {
    data = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RegistryError('REGISTRY_INVALID', `${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(data)) fail(file, '(root)', 'must be a mapping');
  if (data.format !== 1) fail(file, 'format', `unsupported format ${JSON.stringify(data.format)} (expected 1)`);
  const role = data.role ?? 'server';
  if (role !== 'server' && role !== 'client') fail(file, 'role', "must be 'server' or 'client'");
  const messages = stringMap(file, 'messages', data.messages, (name, m): RegistryMessage => {
    const where = `messages.${name}`;
    if (!DIRECTIONS.includes(String(m.direction)))
      fail(file, `${where}.direction`, `must be one of ${DIRECTIONS.join(', ')}`);
    if (!Array.isArray(m.versions) || m.versions.length === 0)
      fail(file, `${where}.versions`, 'must be a non-empty list');
    const versions = m.versions.map((v, i): RegistryVersion => {
      const at = `${where}.versions[${i}]`;
      if (!isObject(v)) fail(file, at, 'must be a mapping');
      if (v.version !== i + 1)
        fail(file, `${at}.version`, `must be ${i + 1} (versions are numbered 1, 2, 3, ... in order)`);
      const fp = requiredString(file, `${at}.fingerprint`, v.fingerprint);
      if (!/^sha256:[0-9a-f]{64}$/.test(fp)) fail(file, `${at}.fingerprint`, "must be 'sha256:' and 64 hex digits");
      const out: RegistryVersion = {
        version: i + 1,
        fingerprint: fp,
        spec_version: requiredString(file, `${at}.spec_version`, String(v.spec_version ?? '')),
        date: requiredString(file, `${at}.date`, v.date instanceof Date ? v.date.toISOString().slice(0, 10) : v.date),
      };
      const reason = optionalString(v.forced_reason);
      if (reason !== undefined) out.forced_reason = reason;
      return out;
    });
    const out: RegistryMessage = {
      direction: m.direction as MessageDirection,
      compatibility: parseMode(file, `${where}.compatibility`, m.compatibility),
      versions,
    };
    if (isObject(m.removed)) {
      out.removed = {
        spec_version: String(m.removed.spec_version ?? ''),
        date: String(m.removed.date ?? ''),
        reason: String(m.removed.reason ?? ''),
      };
    }
    return out;
  });
  const registry: Registry = {
    format: 1,
    role,
    document_compatibility:
      data.document_compatibility === undefined
        ? DEFAULT_DOCUMENT_MODE
        : parseMode(file, 'document_compatibility', data.document_compatibility),
    messages,
  };
  if (Array.isArray(data.forced)) {
    registry.forced = data.forced.map((f, i): ForcedRegistration => {
      if (!isObject(f)) fail(file, `forced[${i}]`, 'must be a mapping');
      return {
        date: String(f.date ?? ''),
        spec_version: String(f.spec_version ?? ''),
        reason: String(f.reason ?? ''),
        changes: stringList(file, `forced[${i}].changes`, f.changes),
      };
    });
  }
  if (isObject(data.surface)) {
    const s = data.surface;
    registry.surface = {
      channels: stringMap(file, 'surface.channels', s.channels, (id, c) => ({
        address: String(c.address ?? ''),
        messages: stringList(file, `surface.channels.${id}.messages`, c.messages),
      })),
      operations: stringMap(file, 'surface.operations', s.operations, (id, o) => {
        if (o.action !== 'send' && o.action !== 'receive')
          fail(file, `surface.operations.${id}.action`, "must be 'send' or 'receive'");
        return {
          action: o.action,
          channel: String(o.channel ?? ''),
          messages: stringList(file, `surface.operations.${id}.messages`, o.messages),
        };
      }),
      servers: stringMap(file, 'surface.servers', s.servers, (id, v) => {
        const security = Array.isArray(v.security)
          ? v.security.map((item, i) => {
              if (!isObject(item))
                fail(file, `surface.servers.${id}.security[${i}]`, 'must be a mapping with id and signature');
              return { id: String(item.id ?? ''), signature: String(item.signature ?? '') };
            })
          : [];
        const pathname = optionalString(v.pathname);
        return {
          host: String(v.host ?? ''),
          protocol: String(v.protocol ?? ''),
          ...(pathname !== undefined ? { pathname } : {}),
          security,
        };
      }),
      security_schemes: stringMap(file, 'surface.security_schemes', s.security_schemes, (_id, v) => {
        const out: RegistrySurface['security_schemes'][string] = { type: String(v.type ?? '') };
        for (const key of ['scheme', 'name', 'in', 'bearerFormat'] as const) {
          const value = optionalString(v[key]);
          if (value !== undefined) out[key] = value;
        }
        return out;
      }),
    };
  }
  return registry;
}

/**
 * Reads the stored schema of one version (throws REGISTRY_INVALID when the file is missing or not JSON).
 *
 * @example
 * const v1 = readVersionSchema('schemas', 'start_agent', 1);
 */
export function readVersionSchema(dir: string, message: string, version: number): unknown {
  const file = versionFile(dir, message, version);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new RegistryError('REGISTRY_INVALID', `${file} is missing (registered in ${REGISTRY_FILE})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RegistryError('REGISTRY_INVALID', `${file}: not valid JSON: ${(err as Error).message}`);
  }
}

/** The surface of a document model, as registry.yaml stores it. */
export function surfaceOf(model: DocumentModel): RegistrySurface {
  const sorted = <T>(entries: [string, T][]): Record<string, T> =>
    Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    channels: sorted(
      [...model.channels.values()].map((c) => [
        c.id,
        { address: c.address, messages: [...new Set(c.messages)].sort() },
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
    if (isObject(payload) && isObject(payload.properties) && isObject(payload.properties.type)) {
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
      Object.entries(s.channels).map(([id, c]) => [id, { id, address: c.address, messages: c.messages }]),
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

/** Writes one version's schema file (canonical JSON, 2-space indent). */
export function writeVersionSchema(dir: string, message: string, version: number, schema: unknown): string {
  const file = versionFile(dir, message, version);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, canonicalJson(schema, true));
  return fingerprint(schema);
}

/**
 * Writes registry.yaml deterministically: messages sorted by name, fixed key order, no timestamps beyond the
 * registration dates it records.
 */
export function writeRegistry(dir: string, registry: Registry): void {
  mkdirSync(dir, { recursive: true });
  const messages: Record<string, unknown> = {};
  for (const name of Object.keys(registry.messages).sort()) {
    const m = registry.messages[name];
    messages[name] = {
      direction: m.direction,
      compatibility: m.compatibility,
      versions: m.versions.map((v) => ({
        version: v.version,
        fingerprint: v.fingerprint,
        spec_version: v.spec_version,
        date: v.date,
        ...(v.forced_reason !== undefined ? { forced_reason: v.forced_reason } : {}),
      })),
      ...(m.removed !== undefined
        ? { removed: { spec_version: m.removed.spec_version, date: m.removed.date, reason: m.removed.reason } }
        : {}),
    };
  }
  const doc: Record<string, unknown> = {
    format: 1,
    role: registry.role,
    document_compatibility: registry.document_compatibility,
    messages,
  };
  if (registry.surface !== undefined) doc.surface = registry.surface;
  if (registry.forced !== undefined && registry.forced.length > 0) doc.forced = registry.forced;
  const header = [
    '# Schema registry of asyncapi.yaml: every published version of every message (payload schemas in <message>/v<N>.json).',
    '# Written by `netra-contracts registry register`; checked by `netra-contracts registry check`. Edit only `compatibility`',
    '# (per-message mode override), `document_compatibility` and `role`; see src/registry/RULES.md.',
    '',
  ].join('\n');
  const body = YAML.stringify(doc, { lineWidth: 0, indent: 2, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
  writeFileSync(path.join(dir, REGISTRY_FILE), header + body);
}
