import type { CheckContext, CheckHooks } from '../check-kind';
import type { FrameInfo, RunState } from '../model';

/** What the pair rules are configured with: the open and close message types and the key that pairs them. */
export interface PairParams {
  open_type: string;
  close_type: string;
  key_field: string;
}

/** The first open and first close seen for one key (tool_call_id) of a run. */
export interface PairEntry {
  key: string;
  open: FrameInfo | undefined;
  /** The open's top-level fields with plain values (tool_name, ...), kept when the frame's message is let go. */
  openFields: Record<string, unknown> | undefined;
  close: FrameInfo | undefined;
}

/** A first sighting's place in its pair, as it was before the sighting (valid while its hooks run). */
export interface PairSighting {
  key: string;
  isOpen: boolean;
  openBefore: FrameInfo | undefined;
  /** `openFields` of the earlier open. */
  openFieldsBefore: Record<string, unknown> | undefined;
  closeBefore: FrameInfo | undefined;
}

interface Ledger extends PairSighting {
  entries: Map<string, PairEntry>;
  /** The frame the sighting fields describe. */
  frame: FrameInfo | undefined;
}

/**
 * The pairs (open, close by key) of each run, kept once for every rule with the same pair parameters: the first rule
 * to see a first sighting records it, the others read what it was before.
 *
 * @example
 * const ledger = pairLedger(ctx, params);
 * const s = ledger.observe(f, run); // s.openBefore: an earlier open of the same key, if any
 */
export function pairLedger(ctx: CheckContext, p: PairParams) {
  const state = ctx.sharedRunState<Ledger>(`pair:${p.open_type}:${p.close_type}:${p.key_field}`);
  const init = (): Ledger => ({
    entries: new Map(),
    frame: undefined,
    key: '',
    isOpen: false,
    openBefore: undefined,
    openFieldsBefore: undefined,
    closeBefore: undefined,
  });
  const types: CheckHooks['types'] = { runEventFirst: [p.open_type, p.close_type] };
  return {
    types,
    /** The sighting of an open or close with a key (first sightings of `types` only), or undefined. */
    observe(f: FrameInfo, run: RunState): PairSighting | undefined {
      const ledger = state(run, init);
      if (ledger.frame === f) return ledger;
      const key = f.msg?.[p.key_field];
      if (typeof key !== 'string') return undefined;
      ledger.frame = f;
      let entry = ledger.entries.get(key);
      if (entry === undefined) {
        entry = { key, open: undefined, openFields: undefined, close: undefined };
        ledger.entries.set(key, entry);
      }
      ledger.key = key;
      ledger.isOpen = f.type === p.open_type;
      ledger.openBefore = entry.open;
      ledger.openFieldsBefore = entry.openFields;
      ledger.closeBefore = entry.close;
      if (!ledger.isOpen) entry.close ??= f;
      else if (entry.open === undefined) {
        entry.open = f;
        entry.openFields = plainFields(f.msg);
      }
      return ledger;
    },
    /** The run's pairs (at its end). */
    entries(run: RunState): IterableIterator<PairEntry> {
      return state(run, init).entries.values();
    },
  };
}

/** The top-level fields of a message whose values are strings, numbers or booleans. */
function plainFields(msg: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in msg) {
    const value = msg[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}
