// `registry register`: record new versions after a compatible change; refuse an incompatible one unless forced
// with a reason, which is recorded.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadSpec } from '../../asyncapi';
import { documentModelFromSpec, type DocumentModel } from '../diff/document/model';
import { RegistryError } from '../errors';
import { evaluateAgainstRegistry, type CheckedChange } from './evaluate';
import { defaultModeFor, type DescribedRole } from '../diff/modes';
import { fingerprint } from '../diff/canonical';
import {
  emptyRegistry,
  readRegistry,
  REGISTRY_FILE,
  surfaceOf,
  writeRegistry,
  writeVersionSchema,
  type Registry,
} from '../store';

export interface RegisterOptions {
  spec: string;
  registryDir: string;
  /** Accept incompatible changes (needs `reason`). */
  force?: boolean;
  reason?: string;
  /** Registration date YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today, UTC). */
  date?: string;
  /** For a new registry: which application the spec describes (default 'server'). */
  role?: DescribedRole;
}

export interface RegisterResult {
  /** True when registry.yaml did not exist before. */
  created: boolean;
  registered: { message: string; version: number; fingerprint: string; forced: boolean }[];
  retired: { message: string; reason: string }[];
  surfaceUpdated: boolean;
  /** Breaking changes accepted with --force. */
  forced: CheckedChange[];
  /** Every change found (breaking or not). */
  changes: CheckedChange[];
}

function today(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const date = epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return date.toISOString().slice(0, 10);
}

/**
 * Registers the working spec: a new version for every message whose payload changed, new subjects for new
 * messages, retirement for messages that left (merged, or removed with --force), and the new surface.
 *
 * @throws RegistryError `INCOMPATIBLE_CHANGE` (exit 1) on a breaking change without --force;
 *   `FORCE_NEEDS_REASON` (exit 2) for --force without --reason; `REGISTRY_INVALID` for a damaged registry.
 * @example
 * const result = await registerSpec({ spec: 'asyncapi.yaml', registryDir: 'schemas' });
 * for (const r of result.registered) console.log(`${r.message} v${r.version}`);
 */
export async function registerSpec(options: RegisterOptions): Promise<RegisterResult> {
  if (options.force === true && (options.reason === undefined || options.reason.trim() === '')) {
    throw new RegistryError(
      'FORCE_NEEDS_REASON',
      '--force needs --reason "<why this breaking change is acceptable>"; it is recorded in the registry',
    );
  }
  const date = options.date ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new RegistryError('BAD_AGAINST', `--date must be YYYY-MM-DD, got '${date}'`);
  const created = !existsSync(path.join(options.registryDir, REGISTRY_FILE));
  const registry: Registry = created ? emptyRegistry(options.role ?? 'server') : readRegistry(options.registryDir);
  const spec = await loadSpec(options.spec);
  const model = documentModelFromSpec(spec);
  const evaluation = evaluateAgainstRegistry(options.registryDir, registry, model);
  if (evaluation.integrity.length > 0) {
    throw new RegistryError(
      'REGISTRY_INVALID',
      `the registry is damaged (${evaluation.integrity.length} problem(s)); nothing registered`,
      {
        details: evaluation.integrity,
      },
    );
  }
  const changes = [...evaluation.changes, ...evaluation.transitive];
  // A brand-new registry has nothing to be compatible with.
  const breaking = created ? [] : changes.filter((c) => c.breaking);
  if (breaking.length > 0 && options.force !== true) {
    throw new RegistryError(
      'INCOMPATIBLE_CHANGE',
      `${breaking.length} breaking change(s); nothing registered. Make them compatible (see \`registry check\`) or use --force --reason "..."`,
      {
        details: breaking.map(
          (c) => `${c.message ?? '(document)'} ${c.path || '/'}: ${c.kind} (${c.detail}) [${c.mode}, vs ${c.against}]`,
        ),
      },
    );
  }
  const reason = options.reason?.trim();
  const forcedMessages = new Set(breaking.map((c) => c.message));
  const result: RegisterResult = {
    created,
    registered: [],
    retired: [],
    surfaceUpdated: false,
    forced: breaking,
    changes,
  };

  recordVersions(
    { registry, model, dir: options.registryDir, created, forcedMessages, reason, date, spec: spec.version },
    result,
  );
  retireMessages(registry, model, changes, { spec: spec.version, date, reason }, result);
  if (breaking.length > 0 && reason !== undefined) {
    registry.forced = [
      ...(registry.forced ?? []),
      {
        date,
        spec_version: spec.version,
        reason,
        changes: breaking.map((c) => `${c.message ?? '(document)'} ${c.kind} ${c.path || '/'}`),
      },
    ];
  }
  const surface = surfaceOf(model);
  if (JSON.stringify(surface) !== JSON.stringify(registry.surface ?? null)) {
    registry.surface = surface;
    result.surfaceUpdated = true;
  }
  const changedSomething =
    created ||
    result.registered.length > 0 ||
    result.retired.length > 0 ||
    result.surfaceUpdated ||
    breaking.length > 0 ||
    evaluation.drift.some((d) => d.action === 'update-direction');
  if (changedSomething) writeRegistry(options.registryDir, registry);
  return result;
}

/** What recording new versions needs. */
interface Recording {
  registry: Registry;
  model: DocumentModel;
  dir: string;
  created: boolean;
  forcedMessages: Set<string | null>;
  reason: string | undefined;
  date: string;
  spec: string;
}

/** A new version for every message whose payload changed, a new subject for every new message. */
function recordVersions(v: Recording, result: RegisterResult): void {
  for (const [name, message] of v.model.messages) {
    const entry = v.registry.messages[name];
    const fp = fingerprint(message.payload);
    if (entry === undefined) {
      v.registry.messages[name] = {
        direction: message.direction,
        compatibility: defaultModeFor(message.direction, v.registry.role),
        versions: [],
      };
    }
    const target = v.registry.messages[name];
    if (target.direction !== message.direction) {
      // Follow the new direction's default unless the mode was overridden.
      if (target.compatibility === defaultModeFor(target.direction, v.registry.role)) {
        target.compatibility = defaultModeFor(message.direction, v.registry.role);
      }
      target.direction = message.direction;
    }
    const latest = target.versions[target.versions.length - 1];
    delete target.removed; // a retired message that is back continues its history
    if (latest !== undefined && latest.fingerprint === fp) continue; // unchanged (or back unchanged): the version stands
    const version = (latest?.version ?? 0) + 1;
    writeVersionSchema(v.dir, name, version, message.payload);
    const forced = !v.created && v.forcedMessages.has(name);
    target.versions.push({
      version,
      fingerprint: fp,
      spec_version: v.spec,
      date: v.date,
      ...(forced && v.reason !== undefined ? { forced_reason: v.reason } : {}),
    });
    result.registered.push({ message: name, version, fingerprint: fp, forced });
  }
}

/** Retires every registered message that left the spec (merged, or removed with --force). */
function retireMessages(
  registry: Registry,
  model: DocumentModel,
  changes: CheckedChange[],
  at: { spec: string; date: string; reason: string | undefined },
  result: RegisterResult,
): void {
  for (const [name, entry] of Object.entries(registry.messages)) {
    if (model.messages.has(name) || entry.removed !== undefined) continue;
    const merged = changes.find((c) => c.message === name && c.kind === 'MESSAGE_MERGED');
    const why = merged !== undefined ? merged.detail : (at.reason ?? 'removed');
    entry.removed = { spec_version: at.spec, date: at.date, reason: why };
    result.retired.push({ message: name, reason: why });
  }
}
