// The one `$ref` resolver of the project: follows a reference to what it finally names, through `$ref`s met on the
// way (at the end, or in the middle of a pointer), across files when asked, and says so when the way loops.

import { isRecord } from '../util/records';
import { parsePointer, toPointer } from '../util/json-pointer';

/** Where `$ref`s may lead: the data of the current document and, optionally, of the files they name. */
export interface RefDocuments {
  /** The data of a loaded document. */
  data(file: string): unknown;
  /**
   * The document that `filePart` (the part of a `$ref` before `#`) names, written in `fromFile`; undefined when it
   * cannot be had (not loaded, not allowed, or a single-document resolver).
   */
  open(fromFile: string, filePart: string): string | undefined;
}

/** What following a `$ref` gave: the target, or why there is none. `chain` lists every hop as `file#pointer`. */
export type RefResolution =
  | { ok: true; file: string; pointer: string; value: unknown; chain: string[] }
  | { ok: false; reason: 'cycle' | 'broken' | 'external'; chain: string[] };

/** The most hops one resolution may take (a chain this long is a loop in all but name). */
const MAX_HOPS = 1000;

/** True for an object holding a `$ref` string: a reference, whatever its siblings. */
export function isRef(value: unknown): value is { $ref: string } & Record<string, unknown> {
  return isRecord(value) && typeof value.$ref === 'string';
}

function splitRef(ref: string): { filePart: string; fragment: string } {
  const hash = ref.indexOf('#');
  return hash < 0 ? { filePart: ref, fragment: '' } : { filePart: ref.slice(0, hash), fragment: ref.slice(hash + 1) };
}

/** The pointer's tokens; undefined for a malformed fragment (parsePointer never throws, a bad %-escape included). */
function tokensOf(fragment: string): string[] | undefined {
  return parsePointer(`#${fragment}`);
}

function step(node: unknown, token: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9][0-9]*)$/.test(token) ? node[Number(token)] : undefined;
  return isRecord(node) && Object.hasOwn(node, token) ? node[token] : undefined;
}

class Follower {
  readonly chain: string[] = [];
  private readonly seen = new Set<string>();
  private failure: 'cycle' | 'broken' | 'external' | undefined;

  constructor(private readonly documents: RefDocuments) {}

  fail(reason: 'cycle' | 'broken' | 'external'): undefined {
    this.failure ??= reason;
    return undefined;
  }

  get reason(): 'cycle' | 'broken' | 'external' {
    return this.failure ?? 'broken';
  }

  /**
   * The value a `$ref` written in `fromFile` names, every `$ref` inside the pointer followed, and the one it names
   * too when `toTheEnd`.
   */
  follow(
    fromFile: string,
    ref: string,
    toTheEnd = true,
  ): { file: string; pointer: string; value: unknown } | undefined {
    const { filePart, fragment } = splitRef(ref);
    const file = filePart === '' ? fromFile : this.documents.open(fromFile, filePart);
    if (file === undefined) return this.fail('external');
    const tokens = tokensOf(fragment);
    if (tokens === undefined) return this.fail('broken');
    const key = `${file}#${toPointer(tokens)}`;
    this.chain.push(key);
    if (this.seen.has(key) || this.chain.length > MAX_HOPS) return this.fail('cycle');
    this.seen.add(key);
    let here = { file, value: this.documents.data(file) };
    for (const token of tokens) {
      if (isRef(here.value)) {
        // The pointer passes through a reference: go on from what it names.
        const through = this.follow(here.file, here.value.$ref);
        if (through === undefined) return undefined;
        here = through;
      }
      const next = step(here.value, token);
      if (next === undefined) return this.fail('broken');
      here = { file: here.file, value: next };
    }
    if (toTheEnd && isRef(here.value)) return this.follow(here.file, here.value.$ref);
    return { file: here.file, pointer: toPointer(tokens), value: here.value };
  }
}

/**
 * Follows `ref` (written in `fromFile`) to what it finally names. A reference that leads back to itself through
 * `$ref`s only is a `cycle` (a schema that merely contains a reference to itself, deeper down, is not); one that
 * names nothing is `broken`; one into a file `documents` cannot open is `external`.
 *
 * @example
 * const root = { $defs: { a: { $ref: '#/$defs/b' }, b: { type: 'string' } } };
 * followRef(localDocument(root), '', '#/$defs/a'); // { ok: true, value: { type: 'string' }, ... }
 * followRef(localDocument({ a: { $ref: '#/a' } }), '', '#/a'); // { ok: false, reason: 'cycle', ... }
 */
export function followRef(documents: RefDocuments, fromFile: string, ref: string): RefResolution {
  const follower = new Follower(documents);
  const target = follower.follow(fromFile, ref);
  if (target === undefined) return { ok: false, reason: follower.reason, chain: follower.chain };
  return { ok: true, ...target, chain: follower.chain };
}

/**
 * One step of `followRef`: the value `ref` names, even when that is a `$ref` itself (references met inside the
 * pointer are followed). For walks that treat each hop (its siblings, its title) on their own.
 *
 * @example
 * resolveRef(localDocument({ a: { $ref: '#/b' }, b: 1 }), '', '#/a'); // { ok: true, value: { $ref: '#/b' }, ... }
 */
export function resolveRef(documents: RefDocuments, fromFile: string, ref: string): RefResolution {
  const follower = new Follower(documents);
  const target = follower.follow(fromFile, ref, false);
  if (target === undefined) return { ok: false, reason: follower.reason, chain: follower.chain };
  return { ok: true, ...target, chain: follower.chain };
}

/**
 * One in-memory document as the only place references may lead (file `''`); references to other files are
 * `external`.
 *
 * @example
 * followRef(localDocument(payload), '', '#/$defs/Node');
 */
export function localDocument(root: unknown): RefDocuments {
  return { data: () => root, open: () => undefined };
}
