import { registryHistory } from '../../registry';
import type { Spec } from '../../asyncapi';

// The changelog: each message's registered versions, what changed between consecutive ones and the registry's
// compatibility verdict, from the schema registry's own history (schemas/registry.yaml + schemas/<message>/v<N>.json).

/** One change between two versions of a message's schema. */
export interface ChangelogChange {
  kind: string;
  /** JSON pointer into the payload schema, '' for the root. */
  pointer: string;
  /** What changed, in words. */
  detail: string;
  /** Which compatibility direction the change kind breaks: none, backward, forward, both. */
  breaks: string;
  /** Breaking under the message's mode. */
  breaking: boolean;
}

export interface ChangelogVersion {
  version: number;
  /** Spec version (`info.version`) the schema was registered from. */
  specVersion: string;
  /** Registration date (YYYY-MM-DD), as the registry stores it. */
  date: string;
  /** The stored schema file, as shown on the page. */
  file: string;
  /** Changes from the previous version (empty for the first). */
  changes: ChangelogChange[];
  /** `initial` for the first version; else `compatible` or `breaking` under the message's mode. */
  verdict: 'initial' | 'compatible' | 'breaking';
  /** Why a breaking version was accepted anyway (a forced registration). */
  forcedReason?: string;
}

export interface ChangelogMessage {
  name: string;
  /** Compatibility mode, e.g. FORWARD_TRANSITIVE. */
  mode: string;
  versions: ChangelogVersion[];
  /** Set when the message left the spec. */
  removed?: { specVersion: string; date: string; reason: string };
}

export interface ChangelogDoc {
  /** False when the folder holds no registry: the page says so. */
  present: boolean;
  file: string;
  /** In the spec's message order, then messages the spec no longer has. */
  messages: ChangelogMessage[];
}

/**
 * Reads the registry's history for the changelog (read-only). A folder without `registry.yaml` gives
 * `present: false`; a malformed registry throws `RegistryError` (exit 2).
 *
 * @example
 * const changelog = readChangelog(spec, 'schemas', (f) => path.relative(process.cwd(), f));
 * if (!changelog.present) console.log('no registry yet');
 */
export function readChangelog(spec: Spec, dir: string, displayOf: (file: string) => string): ChangelogDoc {
  const history = registryHistory(dir);
  const order = new Map(spec.messages.map((m, i) => [m.name, i]));
  const messages: ChangelogMessage[] = history.messages
    .map((m) => ({
      name: m.name,
      mode: m.compatibility,
      versions: m.versions.map((v) => ({
        version: v.version,
        specVersion: v.spec_version,
        date: v.date,
        file: displayOf(v.file),
        changes: v.changes.map((c) => ({
          kind: c.kind,
          pointer: c.path,
          detail: c.detail,
          breaks: c.breaks,
          breaking: c.breaking,
        })),
        verdict: v.verdict,
        ...(v.forced_reason !== undefined ? { forcedReason: v.forced_reason } : {}),
      })),
      ...(m.removed !== undefined
        ? { removed: { specVersion: m.removed.spec_version, date: m.removed.date, reason: m.removed.reason } }
        : {}),
    }))
    .sort(
      (a, b) =>
        (order.get(a.name) ?? order.size) - (order.get(b.name) ?? order.size) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  return { present: history.present, file: displayOf(history.file), messages };
}
