// The registry's data: schemas/registry.yaml and where each stored version lives.
import * as path from 'node:path';
import type { MessageDirection } from '../../asyncapi';
import type { SecurityOption } from '../diff/document/model';
import { DEFAULT_DOCUMENT_MODE, type CompatibilityMode, type DescribedRole } from '../diff/modes';

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
  /** `tolerant_reader: true` when the channel promises that clients ignore unknown server message types. */
  channels: Record<string, { address: string; messages: string[]; tolerant_reader?: true }>;
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
