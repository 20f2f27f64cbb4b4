// `registry log`: each message's versions and what changed between consecutive ones, recomputed from the stored
// schemas (the registry stores schemas, not diffs, so the log always reflects the current rules).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { MessageDirection } from '../../asyncapi';
import { RegistryError } from '../errors';
import { changeKinds, type Breaks, type ChangeKind } from '../diff/kinds';
import { isBreaking, type CompatibilityMode } from '../diff/modes';
import { diffSchemas } from '../diff/schema/diff-schemas';
import { readRegistry, readVersionSchema, REGISTRY_FILE, versionFile } from '../store';

export interface HistoryChange {
  kind: ChangeKind;
  /** JSON pointer in the payload schema. */
  path: string;
  detail: string;
  breaks: Breaks;
  /** Breaking under the message's mode. */
  breaking: boolean;
}

export interface HistoryVersion {
  version: number;
  fingerprint: string;
  spec_version: string;
  date: string;
  /** The stored schema file. */
  file: string;
  /** Changes from the previous version (empty for v1). */
  changes: HistoryChange[];
  /** `initial` for v1; else whether the version was compatible with the previous one under the message's mode. */
  verdict: 'initial' | 'compatible' | 'breaking';
  forced_reason?: string;
}

export interface HistoryMessage {
  name: string;
  direction: MessageDirection;
  compatibility: CompatibilityMode;
  versions: HistoryVersion[];
  removed?: { spec_version: string; date: string; reason: string };
}

export interface RegistryHistory {
  /** False when the folder holds no registry.yaml. */
  present: boolean;
  file: string;
  messages: HistoryMessage[];
}

/**
 * The history of every message (or of one) in the registry folder `dir`: its versions and the changes between
 * consecutive ones, each judged under the message's mode. Synchronous and read-only (the docs site uses it).
 *
 * @throws RegistryError `UNKNOWN_MESSAGE` when `message` is given and not registered; `REGISTRY_INVALID`.
 * @example
 * const history = registryHistory('schemas');
 * for (const m of history.messages) console.log(m.name, m.versions.map((v) => `v${v.version}:${v.verdict}`));
 */
export function registryHistory(dir: string, message?: string): RegistryHistory {
  const file = path.join(dir, REGISTRY_FILE);
  if (!existsSync(file)) return { present: false, file, messages: [] };
  const registry = readRegistry(dir);
  const names = Object.keys(registry.messages).sort();
  if (message !== undefined && !names.includes(message)) {
    throw new RegistryError(
      'UNKNOWN_MESSAGE',
      `'${message}' is not registered; registered messages: ${names.join(', ')}`,
    );
  }
  const messages: HistoryMessage[] = [];
  for (const name of message === undefined ? names : [message]) {
    const entry = registry.messages[name];
    let previous: unknown;
    const versions: HistoryVersion[] = entry.versions.map((v, i) => {
      const schema = readVersionSchema(dir, name, v.version);
      const changes: HistoryChange[] =
        i === 0
          ? []
          : diffSchemas(previous, schema).map((d) => ({
              ...d,
              breaks: changeKinds[d.kind].breaks,
              breaking: isBreaking(d.kind, entry.compatibility),
            }));
      previous = schema;
      return {
        version: v.version,
        fingerprint: v.fingerprint,
        spec_version: v.spec_version,
        date: v.date,
        file: versionFile(dir, name, v.version),
        changes,
        verdict: i === 0 ? 'initial' : changes.some((c) => c.breaking) ? 'breaking' : 'compatible',
        ...(v.forced_reason !== undefined ? { forced_reason: v.forced_reason } : {}),
      };
    });
    messages.push({
      name,
      direction: entry.direction,
      compatibility: entry.compatibility,
      versions,
      ...(entry.removed !== undefined ? { removed: entry.removed } : {}),
    });
  }
  return { present: true, file, messages };
}

/**
 * The history as text: one block per message, one line per version, one line per change.
 *
 * @example
 * process.stdout.write(formatHistory(registryHistory('schemas', 'agent_completed')));
 */
export function formatHistory(history: RegistryHistory): string {
  if (!history.present) return `no registry at ${history.file}\n`;
  const lines: string[] = [];
  for (const m of history.messages) {
    lines.push(
      `${m.name}  (${m.direction}, ${m.compatibility})${m.removed ? `  retired in ${m.removed.spec_version}: ${m.removed.reason}` : ''}`,
    );
    for (const v of m.versions) {
      const forced = v.forced_reason !== undefined ? `  forced: ${v.forced_reason}` : '';
      lines.push(
        `  v${v.version}  ${v.date}  spec ${v.spec_version}  ${v.fingerprint.slice(0, 19)}  ${v.verdict}${forced}`,
      );
      for (const c of v.changes) {
        lines.push(
          `      ${c.breaking ? 'BREAKING ' : ''}${c.kind} ${c.path || '/'}: ${c.detail} (breaks ${c.breaks})`,
        );
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
