// What a keyword group needs from the differ: both readers, a way to report a change, and recursion. Keyword groups
// depend on this interface only, never on the differ class, so no keyword file imports the file that imports it.
import type { ChangeKind } from '../kinds';
import type { SchemaReader } from './reader';

/** One difference between two schemas. */
export interface SchemaChange {
  kind: ChangeKind;
  /** JSON pointer into the schema (the new one; the old one for things that were removed). */
  path: string;
  /** What changed, for humans: names, old and new values. */
  detail: string;
}

export interface DiffContext {
  /** Reads schemas of the old document (its root resolves the old `$ref`s). */
  readonly oldReader: SchemaReader;
  /** Reads schemas of the new document. */
  readonly newReader: SchemaReader;
  /** Reports one change. */
  emit(kind: ChangeKind, path: string, detail: string): void;
  /** Compares two subschemas (old, new) and reports what differs under `path`. */
  compare(oldNode: unknown, newNode: unknown, path: string, depth: number): void;
  /** The changes a comparison would report, without reporting them (branch matching, `not`, `if`). */
  trial(oldNode: unknown, newNode: unknown, depth: number): readonly SchemaChange[];
  /**
   * Like `trial`, but both schemas come from the same document (`side`): e.g. a declared property against a
   * `patternProperties` schema of the same object.
   */
  trialWithin(side: 'old' | 'new', a: unknown, b: unknown, depth: number): readonly SchemaChange[];
  /** Same value, as canonical JSON (key order ignored)? */
  same(oldValue: unknown, newValue: unknown): boolean;
}

/** The kind names of a bound keyword pair (`maxItems`, `minLength`, ...): one literal per outcome. */
export interface CountKinds {
  added: ChangeKind;
  removed: ChangeKind;
  increased: ChangeKind;
  decreased: ChangeKind;
}

/** The kind names of a keyword that holds one subschema (`items`, `additionalProperties`, ...). */
export interface SlotKinds {
  narrowed: ChangeKind;
  extended: ChangeKind;
}
