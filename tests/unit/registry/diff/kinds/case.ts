import type { Breaks, ChangeKind } from '../../../../../src/registry';

/**
 * One before/after pair for a change kind. `backward` witnesses are valid under `old` and invalid under `new` (the
 * new reader refuses old data); `forward` witnesses are valid under `new` and invalid under `old`. The runner checks
 * every witness with ajv, so each rule's direction is shown on real instances, not only asserted.
 */
export interface KindCase {
  kind: ChangeKind;
  /** The direction the rule says the kind breaks (checked against the catalogue). */
  breaks: Breaks;
  old: unknown;
  new: unknown;
  /** Pointer the change is reported at. */
  path: string;
  /** Other kinds the same edit also produces (the report must hold exactly kind + extra). */
  extra?: ChangeKind[];
  /** The kind reported when old and new are swapped. */
  mirror?: ChangeKind;
  witnesses?: { backward?: unknown[]; forward?: unknown[] };
  /** The rule is conservative (both directions assumed) and not every direction has a witness. */
  conservative?: boolean;
  /** Validate witnesses with draft-07 semantics (array-form items, additionalItems, dependencies). */
  draft07?: boolean;
  /** Skip the nested variants (the case is about the root). */
  rootOnly?: boolean;
  note?: string;
  /** Options for diffSchemas (e.g. a small work limit). */
  options?: { maxComparisons?: number };
}
