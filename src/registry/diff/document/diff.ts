// Comparing two versions of a whole AsyncAPI document: messages (payloads, headers, direction, channels, content
// type), channels, operations, servers, security schemes, and every other field by a catch-all rule, so that nothing
// that differs goes unnamed. Each part is compared in its own file; this one runs them in order and judges.
import { changeKinds, type Breaks } from '../kinds';
import {
  DEFAULT_DOCUMENT_MODE,
  defaultModeFor,
  isBreaking,
  type CompatibilityMode,
  type DescribedRole,
} from '../modes';
import { channelPairs, compareChannels } from './channels';
import { Collector, type Change, type DocumentPair } from './collector';
import { instanceFindings } from './instance-findings';
import { compareMessages } from './messages';
import type { DocumentModel } from './model';
import { compareOperations } from './operations';
import { compareSecuritySchemes, compareServers } from './servers';
import { compareTopLevel } from './top-level';

/** A change judged under a compatibility mode. */
export interface JudgedChange extends Change {
  breaking: boolean;
  /** The kind's fixed rule: which direction it breaks. */
  breaks: Breaks;
  /** The mode it was judged under. */
  mode: CompatibilityMode;
}

export interface DiffOptions {
  /** Judge every change under this mode (`--mode`). */
  mode?: CompatibilityMode;
  /** Which application the document describes (decides each message's default mode). Default 'server'. */
  role?: DescribedRole;
  /** Per-message modes (registry overrides); messages not listed get their direction's default. */
  messageModes?: Record<string, CompatibilityMode>;
  /** Mode for document-level changes. Default BACKWARD_TRANSITIVE. */
  documentMode?: CompatibilityMode;
  /** Test each compatible payload verdict on generated instances (default true). */
  instanceCheck?: boolean;
}

export interface DiffReport {
  compatible: boolean;
  changes: JudgedChange[];
  old: { file: string; version: string };
  new: { file: string; version: string };
}

/**
 * Every change between two documents, unjudged, in report order: messages, channels, operations, servers,
 * security schemes, the rest.
 *
 * @example
 * collectChanges(documentModelFromSpec(a), documentModelFromSpec(b), 'server').map((c) => c.kind);
 */
export function collectChanges(old: DocumentModel, next: DocumentModel, role: DescribedRole = 'server'): Change[] {
  const c = new Collector();
  // Channels are paired first: messages and operations refer to them.
  const channels = channelPairs(old, next);
  const pair: DocumentPair = {
    old,
    next,
    full: old.raw !== undefined && next.raw !== undefined,
    channelMap: new Map<string, string>([...channels.matched, ...channels.renamed]),
    role,
  };
  compareMessages(c, pair);
  compareChannels(c, pair, channels);
  compareOperations(c, pair);
  compareServers(c, pair);
  compareSecuritySchemes(c, pair);
  if (pair.full) compareTopLevel(c, old.raw!, next.raw!);
  return c.changes;
}

/** The mode a change is judged by: `--mode`, else the message's override or direction, else the document mode. */
function modeResolver(old: DocumentModel, next: DocumentModel, options: DiffOptions): (c: Change) => CompatibilityMode {
  const role = options.role ?? 'server';
  return (change) => {
    if (options.mode !== undefined) return options.mode;
    if (change.message === null) return options.documentMode ?? DEFAULT_DOCUMENT_MODE;
    const override = options.messageModes?.[change.message];
    if (override !== undefined) return override;
    const message = next.messages.get(change.message) ?? old.messages.get(change.message);
    return defaultModeFor(message?.direction ?? 'none', role);
  };
}

/**
 * Judges changes: breaking when their kind breaks a direction their mode checks.
 *
 * @example
 * judgeChanges(collectChanges(old, next), old, next, {}).filter((c) => c.breaking);
 */
export function judgeChanges(
  changes: Change[],
  old: DocumentModel,
  next: DocumentModel,
  options: DiffOptions,
): JudgedChange[] {
  const modeOf = modeResolver(old, next, options);
  return changes.map((change): JudgedChange => {
    const mode = modeOf(change);
    return { ...change, breaking: isBreaking(change.kind, mode), breaks: changeKinds[change.kind].breaks, mode };
  });
}

/**
 * Compares two versions of a document and judges every change: under `options.mode` when given, else each message
 * under its own mode (registry override or its direction's default) and document-level changes under
 * `documentMode` (BACKWARD_TRANSITIVE: clients write the handshake, the newer server reads it).
 *
 * @example
 * const report = diffDocuments(documentModelFromSpec(oldSpec), documentModelFromSpec(newSpec));
 * if (!report.compatible) for (const c of report.changes.filter((x) => x.breaking)) console.log(c.kind, c.path);
 */
export function diffDocuments(old: DocumentModel, next: DocumentModel, options: DiffOptions = {}): DiffReport {
  const found = collectChanges(old, next, options.role ?? 'server');
  if (options.instanceCheck !== false)
    found.push(...instanceFindings(found, old, next, modeResolver(old, next, options)));
  const changes = judgeChanges(found, old, next, options);
  return {
    compatible: changes.every((c) => !c.breaking),
    changes,
    old: { file: old.file, version: old.specVersion },
    new: { file: next.file, version: next.specVersion },
  };
}
