// Finding the line of a change in the spec's YAML, for CI annotations: the document path (and, for payloads, the
// pointer into the payload) is walked through the YAML tree, following local `$ref`s, as deep as it goes.
import { readFileSync } from 'node:fs';
import YAML, { isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import { parsePointer } from '../../util/json-pointer';

/** The tokens of a pointer; none for one that is not a pointer or holds a malformed %-escape. */
function tokensOf(pointer: string): string[] {
  try {
    return parsePointer(pointer) ?? [];
  } catch {
    return [];
  }
}

export type LineOf = (documentPath: string, schemaPointer?: string, schemaKey?: 'payload' | 'headers') => number;

/**
 * Returns a function giving the 1-based line of a document path (e.g. `/components/messages/x`) plus an optional
 * pointer inside that message's payload or headers schema. Unknown paths give the line of their deepest known
 * ancestor; an unreadable file gives line 1. The file is read and parsed on the first call only, so a report that
 * needs no line numbers (`--json`) costs nothing.
 *
 * @example
 * const lineOf = createLineLocator('asyncapi.yaml');
 * lineOf('/components/messages/agent_completed', '/properties/status', 'payload'); // 812
 */
export function createLineLocator(file: string): LineOf {
  let locate: LineOf | undefined;
  return (documentPath, schemaPointer, schemaKey) => {
    locate ??= buildLineLocator(file);
    return locate(documentPath, schemaPointer, schemaKey);
  };
}

function buildLineLocator(file: string): LineOf {
  let doc: YAML.Document.Parsed;
  const counter = new LineCounter();
  try {
    doc = YAML.parseDocument(readFileSync(file, 'utf8'), { lineCounter: counter, uniqueKeys: false });
  } catch {
    return () => 1;
  }

  const lookup = (pointer: string): Node | undefined => {
    let node: unknown = doc.contents;
    for (const token of tokensOf(pointer)) {
      const next = child(node, token);
      if (next === undefined) return undefined;
      node = next.value;
    }
    return node as Node;
  };

  function child(node: unknown, token: string): { value: unknown; keyOffset: number } | undefined {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === token) {
          const offset = (pair.key as Node).range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
          return { value: pair.value, keyOffset: offset };
        }
      }
      return undefined;
    }
    if (isSeq(node)) {
      const item = node.items[Number(token)];
      if (item === undefined) return undefined;
      return { value: item, keyOffset: (item as Node).range?.[0] ?? 0 };
    }
    return undefined;
  }

  /** Follows `$ref: '#/...'` (a few hops at most). */
  function deref(node: unknown): unknown {
    for (let hops = 0; hops < 16 && isMap(node); hops++) {
      const ref = node.get('$ref');
      if (typeof ref !== 'string' || !ref.startsWith('#')) return node;
      const target = lookup(ref);
      if (target === undefined) return node;
      node = target;
    }
    return node;
  }

  return (documentPath, schemaPointer, schemaKey) => {
    const tokens = [...tokensOf(documentPath)];
    if (schemaKey !== undefined) tokens.push(schemaKey, ...tokensOf(schemaPointer ?? ''));
    let node: unknown = doc.contents;
    let offset = 0;
    for (const token of tokens) {
      let next = child(node, token);
      if (next === undefined) {
        const target = deref(node);
        next = child(target, token);
        // AsyncAPI 3 multi-format schemas: { schemaFormat, schema }.
        if (next === undefined && isMap(target) && target.has('schemaFormat')) {
          const inner = child(target, 'schema');
          if (inner !== undefined) next = child(deref(inner.value), token);
        }
      }
      if (next === undefined) break;
      offset = next.keyOffset;
      node = next.value;
    }
    return counter.linePos(offset).line;
  };
}
