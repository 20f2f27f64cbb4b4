// Schemas rewritten, meaning unchanged, around ajv misjudgements the instance check would otherwise report as breaks.
import { isRecord } from '../../../util/records';

const CONTAINS_KEYWORDS = ['contains', 'minContains', 'maxContains'] as const;

/**
 * The same schema with each `contains` (and its counts) that sits beside a tuple (`prefixItems`, array-form `items`)
 * moved into an `allOf` of its own. ajv 8.20 passes `[]` under `{ contains: {}, prefixItems: [{}] }` (the spec says
 * it fails: no item matches); apart, ajv judges it right. The meaning is the same: `contains` in an `allOf` still
 * evaluates its items for `unevaluatedItems`. Values under `enum`/`const` are data, left as they are.
 *
 * @example
 * aroundAjvContainsBug({ prefixItems: [{}], contains: { type: 'string' } });
 * // { prefixItems: [{}], allOf: [{ contains: { type: 'string' } }] }
 */
export function aroundAjvContainsBug(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(aroundAjvContainsBug);
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'const' ? v : aroundAjvContainsBug(v);
  if (out.contains === undefined || (out.prefixItems === undefined && !Array.isArray(out.items))) return out;
  const moved: Record<string, unknown> = {};
  for (const k of CONTAINS_KEYWORDS) {
    if (out[k] !== undefined) moved[k] = out[k];
    delete out[k];
  }
  out.allOf = [...(Array.isArray(out.allOf) ? (out.allOf as unknown[]) : []), moved];
  return out;
}
