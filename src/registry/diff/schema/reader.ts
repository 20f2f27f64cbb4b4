// Reading JSON Schemas the way the diff needs them: local `$ref`s resolved, OpenAPI's `nullable` folded into `type`,
// mergeable `allOf`s flattened, with stable object identity (the diff's cycle guard relies on it). Reference chains
// are followed at most MAX_REF_HOPS hops, so a cycle of references (`A -> B -> A`, used or not) ends as an
// unresolved reference instead of a loop.
import { resolvePointer } from '../../../util/json-pointer';
import { isRecord, setOwn } from '../../../util/records';
import { canonicalText, canonicalTextCache } from '../canonical';
import { canMergeAllOf } from './merge-scope';
import { intersectTypes, isAnnotationKey, isUnresolved, typeList, UnresolvedRef, type SchemaObject } from './model';

/** How many `$ref` -> `$ref` hops one reference may take before it counts as unresolvable (a cycle). */
export const MAX_REF_HOPS = 64;

/**
 * Resolves `$ref`s against one document root and normalises schemas. One instance per root; results are cached so
 * the same input object always yields the same output object.
 */
export class SchemaReader {
  private readonly resolved = new WeakMap<object, unknown>();
  private readonly normalised = new WeakMap<object, unknown>();
  private readonly canonical = new WeakMap<object, { text: string; hasRef: boolean }>();
  private readonly texts = canonicalTextCache();

  private readonly identities = new WeakMap<object, object>();
  private readonly distributed = new WeakMap<object, SchemaObject>();

  constructor(readonly root: unknown) {}

  /** The schema an annotation overlay (`{ $ref, description }`) stands for: cycle detection keys on it. */
  identity(node: object): object {
    return this.identities.get(node) ?? node;
  }

  /** Follows `$ref` chains (siblings of a `$ref` kept as an `allOf`), then normalises. */
  read(node: unknown): unknown {
    const target = this.resolve(node, 0);
    return this.normalise(target);
  }

  private lookup(ref: string): unknown {
    if (ref !== '#' && !ref.startsWith('#/')) return undefined;
    return resolvePointer(this.root, ref); // undefined for a malformed %-escape too: it never throws
  }

  private resolve(node: unknown, hops: number): unknown {
    if (!isRecord(node) || typeof node.$ref !== 'string') return node;
    const cached = this.resolved.get(node);
    if (cached !== undefined) return cached;
    const ref = node.$ref;
    const target = hops > MAX_REF_HOPS ? undefined : this.lookup(ref);
    let out: unknown;
    if (target === undefined) out = new UnresolvedRef(ref);
    else {
      const resolvedTarget = this.resolve(target, hops + 1);
      const siblings = Object.keys(node).filter((k) => k !== '$ref');
      if (siblings.length === 0) out = resolvedTarget;
      else {
        const rest: SchemaObject = {};
        for (const k of siblings) setOwn(rest, k, node[k]);
        // Annotations next to a $ref override the target's; constraints next to it also apply (2019-09+ semantics).
        const meaningful = siblings.filter((k) => k !== '$defs' && k !== 'definitions');
        if (meaningful.length === 0) out = resolvedTarget;
        else if (meaningful.every(isAnnotationKey) && isRecord(resolvedTarget)) {
          const overlay = { ...resolvedTarget, ...rest };
          this.identities.set(overlay, this.identity(resolvedTarget));
          out = overlay;
        } else out = { allOf: [resolvedTarget, rest] };
      }
    }
    this.resolved.set(node, out);
    return out;
  }

  private normalise(node: unknown): unknown {
    if (!isRecord(node) || isUnresolved(node)) return node;
    const cached = this.normalised.get(node);
    if (cached !== undefined) return cached;
    this.normalised.set(node, node); // provisional: a cycle back to this node sees it unnormalised
    let out: SchemaObject = node;
    if (node.nullable === true || node.nullable === false) {
      out = { ...node };
      delete out.nullable;
      if (node.nullable === true && out.type !== undefined) {
        const types = Array.isArray(out.type) ? [...(out.type as unknown[])] : [out.type];
        if (!types.includes('null')) types.push('null');
        out.type = types;
      }
    }
    if (Array.isArray(out.allOf)) out = this.mergeAllOf(out);
    this.normalised.set(node, out);
    return out;
  }

  /** Flattens `allOf` into its parent when that changes nothing about which instances are valid. */
  private mergeAllOf(node: SchemaObject): SchemaObject {
    const parent: SchemaObject = { ...node };
    delete parent.allOf;
    const branches: SchemaObject[] = [];
    const kept: unknown[] = [];
    for (const raw of node.allOf as unknown[]) {
      const branch = this.read(raw);
      if (branch === true || (isRecord(branch) && Object.keys(branch).length === 0)) continue;
      if (!isRecord(branch) || isUnresolved(branch)) kept.push(raw);
      else branches.push(branch);
    }
    const participants = [parent, ...branches];
    // Keywords that read their siblings (additionalProperties, items after prefixItems, then after if, unevaluated*)
    // must stay in their own schema object.
    if (!canMergeAllOf(participants, (v) => this.canonicalOf(v).text)) return node;
    const merged: SchemaObject = {};
    for (const p of participants) {
      for (const [key, value] of Object.entries(p)) {
        if (key === 'allOf') {
          if (!Array.isArray(value)) return node; // malformed: leave it to the keyword-level comparison
          kept.push(...(value as unknown[]));
          continue;
        }
        if (!Object.hasOwn(merged, key)) {
          setOwn(merged, key, key === 'properties' && isRecord(value) ? { ...value } : value);
          continue;
        }
        if (isAnnotationKey(key)) continue; // the parent's (first) annotation wins
        if (key === 'properties' && isRecord(value) && isRecord(merged.properties)) {
          const props = merged.properties as SchemaObject;
          for (const [name, schema] of Object.entries(value)) {
            if (!Object.hasOwn(props, name)) setOwn(props, name, schema);
            else if (this.canonicalOf(props[name]).text !== this.canonicalOf(schema).text)
              setOwn(props, name, { allOf: [props[name], schema] });
          }
        } else if (key === 'required' && Array.isArray(value) && Array.isArray(merged.required)) {
          merged.required = [...new Set([...(merged.required as unknown[]), ...value])];
        } else if (key === 'type') {
          const both = intersectTypes(typeList(merged.type), typeList(value));
          if (both === undefined || both.length === 0) return node;
          merged.type = both.length === 1 ? both[0] : both;
        } else if (this.canonicalOf(merged[key]).text !== this.canonicalOf(value).text) {
          return node; // the same keyword with two different values: keep the allOf
        }
      }
    }
    if (kept.length > 0) merged.allOf = kept;
    return merged;
  }

  /**
   * `P ∧ union(B1..Bn)` as `union(P∧B1 .. P∧Bn)` (annotations stay on the parent): the same instances are valid,
   * for `oneOf` too, since P is common to every branch.
   */
  distribute(node: SchemaObject, keyword: 'anyOf' | 'oneOf'): SchemaObject {
    const cached = this.distributed.get(node);
    if (cached !== undefined) return cached;
    const parent: SchemaObject = {};
    const out: SchemaObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === keyword) continue;
      setOwn(isAnnotationKey(key) ? out : parent, key, value);
    }
    const branches = node[keyword] as unknown[];
    out[keyword] = Object.keys(parent).length === 0 ? branches : branches.map((b) => this.read({ allOf: [parent, b] }));
    this.distributed.set(node, out);
    return out;
  }

  /** Canonical text of a (sub)schema and whether it contains a `$ref` (whose meaning depends on the root). */
  canonicalOf(node: unknown): { text: string; hasRef: boolean } {
    if (!isRecord(node) && !Array.isArray(node)) return { text: JSON.stringify(node) ?? 'null', hasRef: false };
    const cached = this.canonical.get(node as object);
    if (cached !== undefined) return cached;
    const text = canonicalText(node, this.texts);
    const out = { text, hasRef: text.includes('"$ref"') };
    this.canonical.set(node as object, out);
    return out;
  }
}
