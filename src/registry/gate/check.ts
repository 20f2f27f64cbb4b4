// `registry check`: the CI gate. The working spec against the registry (compatibility and drift) and, optionally,
// against the spec at a git ref or in a file.
import { loadSpec } from '../../asyncapi';
import { diffDocuments } from '../diff/document/diff';
import { documentModelFromSpec } from '../diff/document/model';
import { evaluateAgainstRegistry, type CheckedChange, type DriftItem } from './evaluate';
import { loadSource } from './sources';
import { readRegistry } from '../store';

export interface CheckOptions {
  /** The working spec (default asyncapi.yaml). */
  spec: string;
  /** The registry folder (default schemas). */
  registryDir: string;
  /** `git:<ref>` or a file to compare with as well. */
  against?: string;
}

export interface CheckResult {
  /** Compatible, registered, and the registry intact. */
  ok: boolean;
  /** No breaking change against the registry (any version the mode covers) or the `--against` spec. */
  compatible: boolean;
  /** Everything in the spec is registered. */
  upToDate: boolean;
  spec: { file: string; version: string };
  changes: CheckedChange[];
  drift: DriftItem[];
  integrity: string[];
  against?: { label: string; missing?: string };
  /** The spec's messages and where each is defined (JSON pointer), for reports. */
  messages: Record<string, string>;
}

/**
 * Runs the gate. Throws (exit 2) when the spec or the registry cannot be read, or the ref is unknown.
 *
 * @example
 * const result = await checkRegistry({ spec: 'asyncapi.yaml', registryDir: 'schemas', against: 'git:main' });
 * process.exitCode = result.ok ? 0 : 1;
 */
export async function checkRegistry(options: CheckOptions): Promise<CheckResult> {
  const registry = readRegistry(options.registryDir);
  const spec = await loadSpec(options.spec);
  const model = documentModelFromSpec(spec);
  const evaluation = evaluateAgainstRegistry(options.registryDir, registry, model);
  const changes: CheckedChange[] = [...evaluation.changes, ...evaluation.transitive];
  let against: CheckResult['against'];
  if (options.against !== undefined) {
    const source = await loadSource(options.against, options.spec);
    against = { label: source.label };
    if (source.model === undefined) against.missing = source.missing;
    else {
      const report = diffDocuments(source.model, model, {
        messageModes: evaluation.modes,
        documentMode: registry.document_compatibility,
        role: registry.role,
      });
      for (const change of report.changes) changes.push({ ...change, against: source.label });
    }
  }
  const compatible = changes.every((c) => !c.breaking);
  const upToDate = evaluation.drift.length === 0;
  return {
    ok: compatible && upToDate && evaluation.integrity.length === 0,
    compatible,
    upToDate,
    spec: { file: options.spec, version: spec.version },
    changes,
    drift: evaluation.drift,
    integrity: evaluation.integrity,
    ...(against !== undefined ? { against } : {}),
    messages: Object.fromEntries([...model.messages.values()].map((m) => [m.name, m.docPath])),
  };
}
