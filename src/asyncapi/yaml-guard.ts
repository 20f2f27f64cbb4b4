import YAML, { LineCounter, visit } from 'yaml';
import { SpecError } from './errors';
import type { SpecLimits } from './limits';

/** Line and column (1-based) of an offset, from the counter the YAML parser filled. */
function at(lines: LineCounter, offset: number): { line: number; col: number } {
  const pos = lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

function firstAlias(doc: YAML.Document, lines: LineCounter): { line: number; col: number } {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return at(lines, offset);
}

function tooComplex(file: string, where: { line: number; col: number }, code: string, message: string): SpecError {
  return SpecError.of('SPEC_TOO_COMPLEX', [{ file, ...where, code, message }]);
}

/**
 * Deepest nesting of `value` (mappings and sequences), walked without recursion and each shared node once (YAML
 * aliases give shared nodes), stopping as soon as `limit` is passed.
 */
function deeperThan(value: unknown, limit: number): boolean {
  const seen = new Set<object>();
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    if (depth > limit) return true;
    seen.add(node);
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return false;
}

/** YAML read safely: its data, and where a value of it is written. */
export interface GuardedYaml {
  data: unknown;
  /** Line and column (1-based) of the value at `path` (1:1 when it cannot be told, e.g. behind an alias). */
  positionOf(path: readonly (string | number)[]): { line: number; col: number };
}

/**
 * Reads YAML (or JSON) text the safe way, before the AsyncAPI parser (whose YAML reader has no alias limit) sees it:
 * aliases are capped with the `yaml` package's `maxAliasCount`, nesting with `limits.maxDepth`. Returns the data, or
 * undefined when the text is not well-formed YAML (the parser then reports where, with its own diagnostics).
 *
 * @throws SpecError `SPEC_TOO_COMPLEX` (an alias bomb, or nesting past the limit).
 * @example
 * const yaml = readYamlGuarded(text, 'asyncapi.yaml', DEFAULT_SPEC_LIMITS);
 * yaml?.positionOf(['info', 'title']); // { line: 4, col: 10 }
 */
export function readYamlGuarded(text: string, file: string, limits: SpecLimits): GuardedYaml | undefined {
  const lines = new LineCounter();
  let doc: YAML.Document;
  try {
    doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: false, strict: false, prettyErrors: false });
  } catch (err) {
    if (err instanceof RangeError) {
      throw tooComplex(file, { line: 1, col: 1 }, 'too-deep', 'nested too deeply to read');
    }
    return undefined;
  }
  const overflow = doc.errors.find((e) => /call stack/i.test(e.message));
  if (overflow !== undefined) {
    const where = overflow.linePos?.[0] ?? { line: 1, col: 1 };
    throw tooComplex(file, { line: where.line, col: where.col }, 'too-deep', 'nested too deeply to read');
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw tooComplex(
        file,
        firstAlias(doc, lines),
        'yaml-alias-limit',
        `YAML aliases expand past the limit of ${limits.maxAliases} (an alias bomb?); expand them by hand`,
      );
    }
    if (err instanceof RangeError) {
      throw tooComplex(file, { line: 1, col: 1 }, 'too-deep', 'nested too deeply to read');
    }
    return undefined;
  }
  if (doc.errors.length > 0) return undefined;
  if (deeperThan(data, limits.maxDepth)) {
    throw tooComplex(file, { line: 1, col: 1 }, 'too-deep', `nested deeper than ${limits.maxDepth} levels`);
  }
  return {
    data,
    positionOf(path) {
      try {
        const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
        return node?.range !== undefined ? at(lines, node.range[0]) : { line: 1, col: 1 };
      } catch {
        return { line: 1, col: 1 };
      }
    },
  };
}
