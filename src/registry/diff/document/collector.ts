// What the document diff collects, and the helpers every part of it shares.
import { toPointer } from '../../../util/json-pointer';
import { canonicalJson } from '../canonical';
import type { ChangeKind } from '../kinds';
import type { DescribedRole } from '../modes';
import { diffSchemas } from '../schema/diff-schemas';
import type { DocumentModel } from './model';

/** Where a change is: in a message's payload or headers schema, in a message's definition, or elsewhere. */
export type ChangeScope = 'payload' | 'headers' | 'message' | 'document';

/** One difference between two documents. */
export interface Change {
  /** The message the change belongs to; null for document-level changes (channels, servers, ...). */
  message: string | null;
  where: ChangeScope;
  /** JSON pointer: in the payload/headers schema for those scopes, else in the document. */
  path: string;
  kind: ChangeKind;
  detail: string;
}

const DOC_KEYS = new Set([
  'title',
  'summary',
  'description',
  'tags',
  'externalDocs',
  'examples',
  'contact',
  'license',
  'termsOfService',
]);

/**
 * Same JSON value (key order ignored)?
 *
 * @example
 * same({ a: 1, b: 2 }, { b: 2, a: 1 }); // true
 */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // The same text in the same key order is the same value; only a difference needs the canonical form.
  try {
    if (JSON.stringify(a) === JSON.stringify(b)) return true;
  } catch {
    // a cyclic value: the canonical form names the problem
  }
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * A pointer into the document from its tokens.
 *
 * @example
 * docPointer('channels', 'a/b'); // '/channels/a~1b'
 */
export function docPointer(...tokens: (string | number)[]): string {
  return toPointer(tokens);
}

/** The changes found so far. */
export class Collector {
  readonly changes: Change[] = [];

  add(message: string | null, where: ChangeScope, path: string, kind: ChangeKind, detail: string): void {
    this.changes.push({ message, where, path, kind, detail });
  }

  /** A document-level change. */
  doc(path: string, kind: ChangeKind, detail: string): void {
    this.add(null, 'document', path, kind, detail);
  }

  /** Fields no specific rule covers: documentation, extensions, and a conservative catch-all for the rest. */
  residual(
    message: string | null,
    oldObject: Record<string, unknown> | undefined,
    newObject: Record<string, unknown> | undefined,
    base: string,
    covered: Set<string>,
  ): void {
    if (oldObject === undefined || newObject === undefined) return;
    const keys = [...new Set([...Object.keys(oldObject), ...Object.keys(newObject)])].sort();
    for (const key of keys) {
      if (covered.has(key) || key.startsWith('x-parser-')) continue;
      const a = oldObject[key];
      const b = newObject[key];
      if (same(a, b)) continue;
      const kind: ChangeKind = key.startsWith('x-')
        ? 'EXTENSION_CHANGED'
        : DOC_KEYS.has(key)
          ? 'DOCUMENTATION_CHANGED'
          : 'DOCUMENT_FIELD_CHANGED';
      const detail = a === undefined ? `${key} added` : b === undefined ? `${key} removed` : `${key} changed`;
      this.add(message, message === null ? 'document' : 'message', base + toPointer([key]), kind, detail);
    }
  }

  /** Every difference between two schemas, as changes of a message (or of the document). */
  schema(message: string | null, where: ChangeScope, oldSchema: unknown, newSchema: unknown, path: string): void {
    for (const c of diffSchemas(oldSchema ?? {}, newSchema ?? {}, { path }))
      this.add(message, where, c.path, c.kind, c.detail);
  }
}

/** Both versions of the document and what the parts of the diff share. */
export interface DocumentPair {
  old: DocumentModel;
  next: DocumentModel;
  /** Both models hold the whole document (not a model rebuilt from the registry). */
  full: boolean;
  /** Old channel id -> new channel id (same id, or renamed with the same address). */
  channelMap: Map<string, string>;
  role: DescribedRole;
}

/**
 * Pairs up items of two maps by id, then the leftovers by a signature (a rename keeps the signature).
 *
 * @example
 * pairUp(oldServers, newServers, (s) => `${s.protocol}://${s.host}`); // { matched, renamed, added, removed }
 */
export function pairUp<T>(
  olds: Map<string, T>,
  news: Map<string, T>,
  signature: (item: T, side: 'old' | 'new') => string,
): { matched: [string, string][]; renamed: [string, string][]; added: string[]; removed: string[] } {
  const matched: [string, string][] = [];
  for (const id of news.keys()) if (olds.has(id)) matched.push([id, id]);
  const leftOld = [...olds.keys()].filter((id) => !news.has(id));
  const leftNew = [...news.keys()].filter((id) => !olds.has(id));
  const renamed: [string, string][] = [];
  for (const oldId of [...leftOld]) {
    const sig = signature(olds.get(oldId)!, 'old');
    const newId = leftNew.find((id) => signature(news.get(id)!, 'new') === sig);
    if (newId === undefined) continue;
    renamed.push([oldId, newId]);
    leftOld.splice(leftOld.indexOf(oldId), 1);
    leftNew.splice(leftNew.indexOf(newId), 1);
  }
  return { matched, renamed, added: leftNew, removed: leftOld };
}
