// Comparing the working spec with the registry: what changed since the latest registered versions (and, for
// transitive modes, since every earlier version), which of it breaks, and what is not registered yet.
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fingerprint } from '../diff/canonical';
import { diffDocuments, type JudgedChange } from '../diff/document/diff';
import type { DocumentModel } from '../diff/document/model';
import { changeKinds } from '../diff/kinds';
import { defaultModeFor, isBreaking, isTransitive, type CompatibilityMode } from '../diff/modes';
import { diffSchemas } from '../diff/schema/diff-schemas';
import { readVersionSchema, registryModel, surfaceOf, versionFile, type Registry } from '../store';
import { canonicalJson } from '../diff/canonical';

/** A change found by a check, with what it was compared against (`registry v3`, `git:main`, a file). */
export interface CheckedChange extends JudgedChange {
  against: string;
}

/** Something the registry does not record yet: a new or changed message, a removal, a new surface. */
export interface DriftItem {
  message: string | null;
  /** What `register` would do. */
  action: 'add' | 'new-version' | 'retire' | 'update-surface' | 'update-direction';
  detail: string;
}

export interface Evaluation {
  /** Changes since the registry's latest versions (all of them, breaking or not). */
  changes: CheckedChange[];
  /** Breaking changes against earlier versions (transitive modes). */
  transitive: CheckedChange[];
  drift: DriftItem[];
  /** Stored files that are missing or do not match their fingerprints. */
  integrity: string[];
  /** The mode each message of the working spec is judged by. */
  modes: Record<string, CompatibilityMode>;
}

/** The mode a message is judged by: its registry entry's, else its direction's default. */
export function modeOfMessage(registry: Registry, name: string, model: DocumentModel): CompatibilityMode {
  const entry = registry.messages[name];
  if (entry !== undefined) return entry.compatibility;
  const message = model.messages.get(name);
  return defaultModeFor(message?.direction ?? 'none', registry.role);
}

/** Every stored schema file must exist and hash to its recorded fingerprint. */
export function checkIntegrity(dir: string, registry: Registry): string[] {
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(registry.messages)) {
    for (const v of entry.versions) {
      const file = versionFile(dir, name, v.version);
      if (!existsSync(file)) {
        problems.push(`${file} is missing (${name} v${v.version} is registered)`);
        continue;
      }
      let actual: string;
      try {
        actual = fingerprint(JSON.parse(readFileSync(file, 'utf8')));
      } catch {
        actual = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')} (not JSON)`;
      }
      if (actual !== v.fingerprint)
        problems.push(
          `${file} does not match its fingerprint (${v.fingerprint.slice(0, 19)}... registered, ${actual.slice(0, 19)}... found): stored schemas are never edited`,
        );
    }
  }
  return problems;
}

/**
 * Compares the working spec (as a model) with the registry in `dir`.
 *
 * @example
 * const evaluation = evaluateAgainstRegistry('schemas', readRegistry('schemas'), documentModelFromSpec(spec));
 * const breaking = [...evaluation.changes, ...evaluation.transitive].filter((c) => c.breaking);
 */
export function evaluateAgainstRegistry(dir: string, registry: Registry, model: DocumentModel): Evaluation {
  const integrity = checkIntegrity(dir, registry);
  const stored = integrity.length === 0 ? registryModel(dir, registry) : registryModelTolerant(dir, registry);
  const modes: Record<string, CompatibilityMode> = {};
  for (const name of new Set([...model.messages.keys(), ...Object.keys(registry.messages)])) {
    modes[name] = modeOfMessage(registry, name, model);
  }
  const report = diffDocuments(stored, model, {
    messageModes: modes,
    documentMode: registry.document_compatibility,
    role: registry.role,
  });
  const changes: CheckedChange[] = report.changes.map((c) => ({
    ...c,
    against:
      c.message !== null && registry.messages[c.message] !== undefined
        ? `registry v${registry.messages[c.message].versions.length}`
        : 'registry',
  }));

  // Transitive modes: the new schema must also be compatible with every earlier version.
  const transitive: CheckedChange[] = [];
  for (const [name, message] of model.messages) {
    const entry = registry.messages[name];
    if (entry === undefined || !isTransitive(entry.compatibility)) continue;
    // A forced version starts a new line of compatibility: versions before it are not compared any more (otherwise
    // one accepted break would fail every later check).
    const lastForced = entry.versions.map((v) => v.forced_reason !== undefined).lastIndexOf(true);
    for (const v of entry.versions.slice(Math.max(0, lastForced), -1)) {
      let schema: unknown;
      try {
        schema = readVersionSchema(dir, name, v.version);
      } catch {
        continue; // reported by the integrity check
      }
      for (const d of diffSchemas(schema, message.payload)) {
        if (!isBreaking(d.kind, entry.compatibility)) continue;
        transitive.push({
          message: name,
          where: 'payload',
          path: d.path,
          kind: d.kind,
          detail: d.detail,
          breaking: true,
          breaks: changeKinds[d.kind].breaks,
          mode: entry.compatibility,
          against: `registry v${v.version}`,
        });
      }
    }
  }

  const drift: DriftItem[] = [];
  for (const [name, message] of model.messages) {
    const entry = registry.messages[name];
    if (entry === undefined) {
      drift.push({ message: name, action: 'add', detail: `'${name}' is not registered` });
      continue;
    }
    if (entry.removed !== undefined) {
      drift.push({
        message: name,
        action: 'new-version',
        detail: `'${name}' was retired (${entry.removed.reason}) and is back`,
      });
      continue;
    }
    const latest = entry.versions[entry.versions.length - 1];
    if (fingerprint(message.payload) !== latest.fingerprint) {
      drift.push({
        message: name,
        action: 'new-version',
        detail: `'${name}' changed since v${latest.version}; v${latest.version + 1} is not registered`,
      });
    }
    if (message.direction !== entry.direction) {
      drift.push({
        message: name,
        action: 'update-direction',
        detail: `'${name}' is ${message.direction} now (registered: ${entry.direction})`,
      });
    }
  }
  for (const [name, entry] of Object.entries(registry.messages)) {
    if (entry.removed === undefined && !model.messages.has(name)) {
      drift.push({ message: name, action: 'retire', detail: `'${name}' is registered but no longer in the spec` });
    }
  }
  if (canonicalJson(surfaceOf(model)) !== canonicalJson(registry.surface ?? null)) {
    drift.push({
      message: null,
      action: 'update-surface',
      detail: 'channels, operations, servers or security schemes changed since the last registration',
    });
  }
  return { changes, transitive, drift, integrity, modes };
}

/** Like registryModel, but skipping messages whose latest file cannot be read (integrity problems are reported). */
function registryModelTolerant(dir: string, registry: Registry): DocumentModel {
  const usable: Registry = { ...registry, messages: {} };
  for (const [name, entry] of Object.entries(registry.messages)) {
    try {
      readVersionSchema(dir, name, entry.versions[entry.versions.length - 1].version);
      usable.messages[name] = entry;
    } catch {
      // left out
    }
  }
  return registryModel(dir, usable);
}
