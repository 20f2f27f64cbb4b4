// Writing schemas/registry.yaml and the stored schemas, deterministically.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { canonicalJson, fingerprint } from '../diff/canonical';
import { REGISTRY_FILE, versionFile, type Registry } from './types';

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
