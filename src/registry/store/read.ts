// Reading and validating schemas/registry.yaml and the stored schemas: every malformed field is named.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { MessageDirection } from '../../asyncapi';
import { isRecord, setOwn } from '../../util/records';
import { compatibilityModes, DEFAULT_DOCUMENT_MODE, type CompatibilityMode } from '../diff/modes';
import { RegistryError } from '../errors';
import {
  REGISTRY_FILE,
  versionFile,
  type ForcedRegistration,
  type Registry,
  type RegistryMessage,
  type RegistrySurface,
  type RegistryVersion,
} from './types';

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
  if (!isRecord(value)) fail(file, where, 'must be a mapping');
  const out: Record<string, T> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!isRecord(v)) fail(file, `${where}.${key}`, 'must be a mapping');
    setOwn(out, key, item(key, v));
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

function readMessage(file: string, name: string, m: Record<string, unknown>): RegistryMessage {
  const where = `messages.${name}`;
  if (!DIRECTIONS.includes(String(m.direction)))
    fail(file, `${where}.direction`, `must be one of ${DIRECTIONS.join(', ')}`);
  if (!Array.isArray(m.versions) || m.versions.length === 0)
    fail(file, `${where}.versions`, 'must be a non-empty list');
  const versions = m.versions.map((v, i): RegistryVersion => {
    const at = `${where}.versions[${i}]`;
    if (!isRecord(v)) fail(file, at, 'must be a mapping');
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
  if (isRecord(m.removed)) {
    out.removed = {
      spec_version: String(m.removed.spec_version ?? ''),
      date: String(m.removed.date ?? ''),
      reason: String(m.removed.reason ?? ''),
    };
  }
  return out;
}

function readSurface(file: string, s: Record<string, unknown>): RegistrySurface {
  return {
    channels: stringMap(file, 'surface.channels', s.channels, (id, c) => ({
      address: String(c.address ?? ''),
      messages: stringList(file, `surface.channels.${id}.messages`, c.messages),
      ...(c.tolerant_reader === true ? { tolerant_reader: true as const } : {}),
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
            if (!isRecord(item))
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
  if (!isRecord(data)) fail(file, '(root)', 'must be a mapping');
  if (data.format !== 1) fail(file, 'format', `unsupported format ${JSON.stringify(data.format)} (expected 1)`);
  const role = data.role ?? 'server';
  if (role !== 'server' && role !== 'client') fail(file, 'role', "must be 'server' or 'client'");
  const messages = stringMap(file, 'messages', data.messages, (name, m) => readMessage(file, name, m));
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
      if (!isRecord(f)) fail(file, `forced[${i}]`, 'must be a mapping');
      return {
        date: String(f.date ?? ''),
        spec_version: String(f.spec_version ?? ''),
        reason: String(f.reason ?? ''),
        changes: stringList(file, `forced[${i}].changes`, f.changes),
      };
    });
  }
  if (isRecord(data.surface)) registry.surface = readSurface(file, data.surface);
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
