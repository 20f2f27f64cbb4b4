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
  /** The open's fields the pair rules read (tool_name, ...) with plain values, kept when the message is let go. */
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
  /** In order of first sighting; a run has a handful of tool calls, so a scan beats a Map until INDEX_FROM. */
  list: PairEntry[];
  /** By key, once the run has INDEX_FROM pairs. */
  index: Map<string, PairEntry> | undefined;
  /** The frame the sighting fields describe. */
  frame: FrameInfo | undefined;
}

const INDEX_FROM = 8;

/**
 * The pairs (open, close by key) of each run, kept once for every rule with the same pair parameters: the first rule
 * to see a first sighting records it, the others read what it was before. `fields` names the open's fields the
 * calling rule reads from `openFields` (the ledger keeps the union over its rules, not a copy of every field).
 *
 * @example
 * const ledger = pairLedger(ctx, params, ['tool_name']);
 * const s = ledger.observe(f, run); // s.openBefore: an earlier open of the same key, if any
 */
export function pairLedger(ctx: CheckContext, p: PairParams, fields: readonly string[]) {
  const key = `pair:${p.open_type}:${p.close_type}:${p.key_field}`;
  const state = ctx.sharedRunState<Ledger>(key);
  // Filled by every rule at load time, read per open: all rules are created before the first frame.
  const kept = ctx.shared(key, (): string[] => []);
  for (const field of fields) if (!kept.includes(field)) kept.push(field);
  const init = (): Ledger => ({
    list: [],
    index: undefined,
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
      const entry = entryOf(ledger, key);
      ledger.key = key;
      ledger.isOpen = f.type === p.open_type;
      ledger.openBefore = entry.open;
      ledger.openFieldsBefore = entry.openFields;
      ledger.closeBefore = entry.close;
      if (!ledger.isOpen) entry.close ??= f;
      else if (entry.open === undefined) {
        entry.open = f;
        entry.openFields = plainFields(f.msg, kept);
      }
      return ledger;
    },
    /** The run's pairs (at its end), in order of first sighting. */
    entries(run: RunState): readonly PairEntry[] {
      return state(run, init).list;
    },
  };
}

function entryOf(ledger: Ledger, key: string): PairEntry {
  const list = ledger.list;
  let entry: PairEntry | undefined;
  if (ledger.index !== undefined) entry = ledger.index.get(key);
  else for (let i = 0; i < list.length && entry === undefined; i++) if (list[i].key === key) entry = list[i];
  if (entry !== undefined) return entry;
  entry = { key, open: undefined, openFields: undefined, close: undefined };
  list.push(entry);
  if (ledger.index !== undefined) ledger.index.set(key, entry);
  else if (list.length >= INDEX_FROM) ledger.index = new Map(list.map((e) => [e.key, e]));
  return entry;
}

/** The named top-level fields of a message whose values are strings, numbers or booleans. */
function plainFields(msg: Record<string, unknown> | undefined, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (msg === undefined) return out;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = msg[name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[name] = value;
  }
  return out;
}
