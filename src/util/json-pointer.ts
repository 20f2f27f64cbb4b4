// RFC 6901 JSON Pointers: the one place that escapes and unescapes reference tokens.

/**
 * Escapes one reference token (`~` -> `~0`, `/` -> `~1`).
 *
 * @example
 * escapePointerToken('a/b~c'); // 'a~1b~0c'
 */
export function escapePointerToken(token: string | number): string {
  const text = String(token);
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

/**
 * Unescapes one reference token (`~1` -> `/`, `~0` -> `~`, in that order).
 *
 * @example
 * unescapePointerToken('a~1b~0c'); // 'a/b~c'
 */
export function unescapePointerToken(token: string): string {
  return token.includes('~') ? token.replace(/~1/g, '/').replace(/~0/g, '~') : token;
}

/**
 * The pointer of a path of keys and indexes ('' for the root).
 *
 * @example
 * toPointer(['properties', 'a/b', 0]); // '/properties/a~1b/0'
 */
export function toPointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const token of path) out += `/${escapePointerToken(token)}`;
  return out;
}

/**
 * The tokens of a pointer (`''` -> `[]`). Accepts the URI fragment form (`#/a/b`). Returns undefined for a string
 * that is not a pointer (does not start with `/`).
 *
 * @example
 * parsePointer('#/components/schemas/A~1B'); // ['components', 'schemas', 'A/B']
 */
export function parsePointer(pointer: string): string[] | undefined {
  let text = pointer;
  if (pointer.startsWith('#')) {
    try {
      text = decodeURIComponent(pointer.slice(1));
    } catch {
      return undefined; // a malformed %-escape is not a pointer
    }
  }
  if (text === '') return [];
  if (!text.startsWith('/')) return undefined;
  return text.slice(1).split('/').map(unescapePointerToken);
}

/**
 * The value at a pointer inside a JSON document, or undefined when the path does not exist.
 *
 * @example
 * resolvePointer({ a: [{ b: 1 }] }, '/a/0/b'); // 1
 */
export function resolvePointer(document: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens === undefined) return undefined;
  let node: unknown = document;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}
