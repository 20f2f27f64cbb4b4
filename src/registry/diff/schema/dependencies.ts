// `dependentRequired` / `dependentSchemas` and draft-07's `dependencies` (arrays of names, or schemas).
import { isRecord } from '../../../util/records';
import type { ChangeKind } from '../kinds';
import type { DiffContext } from './context';
import { below, nameOf, show, type SchemaObject } from './model';

interface Dependencies {
  arrays: Map<string, string[]>;
  schemas: Map<string, unknown>;
  /** The keyword each entry came from, for its path. */
  key: Map<string, string>;
}

function dependenciesOf(s: SchemaObject): Dependencies {
  const out: Dependencies = { arrays: new Map(), schemas: new Map(), key: new Map() };
  const take = (source: unknown, keyword: string): void => {
    if (!isRecord(source)) return;
    for (const [name, value] of Object.entries(source)) {
      if (Array.isArray(value)) out.arrays.set(name, value.map(nameOf));
      else out.schemas.set(name, value);
      out.key.set(name, keyword);
    }
  };
  take(s.dependencies, 'dependencies');
  take(s.dependentRequired, 'dependentRequired');
  take(s.dependentSchemas, 'dependentSchemas');
  return out;
}

function arrayKind(more: string[], fewer: string[]): ChangeKind {
  if (fewer.length === 0) return 'DEPENDENCY_ARRAY_EXTENDED';
  if (more.length === 0) return 'DEPENDENCY_ARRAY_NARROWED';
  return 'DEPENDENCY_ARRAY_CHANGED';
}

/**
 * Compares the dependencies of two object schemas.
 *
 * @example
 * compareDependencies(ctx, {}, { dependentRequired: { card: ['billing'] } }, '', 0); // DEPENDENCY_ARRAY_ADDED
 */
export function compareDependencies(
  ctx: DiffContext,
  o: SchemaObject,
  n: SchemaObject,
  path: string,
  depth: number,
): void {
  const a = dependenciesOf(o);
  const b = dependenciesOf(n);
  for (const name of new Set([...a.arrays.keys(), ...b.arrays.keys()])) {
    const at = below(path, b.key.get(name) ?? a.key.get(name) ?? 'dependentRequired', name);
    const x = a.arrays.get(name);
    const y = b.arrays.get(name);
    if (x === undefined) ctx.emit('DEPENDENCY_ARRAY_ADDED', at, `'${name}' now requires ${show(y)}`);
    else if (y === undefined) ctx.emit('DEPENDENCY_ARRAY_REMOVED', at, `'${name}' no longer requires ${show(x)}`);
    else {
      const more = y.filter((v) => !x.includes(v));
      const fewer = x.filter((v) => !y.includes(v));
      if (more.length === 0 && fewer.length === 0) continue;
      ctx.emit(arrayKind(more, fewer), at, `'${name}' requires ${show(x)} -> ${show(y)}`);
    }
  }
  for (const name of new Set([...a.schemas.keys(), ...b.schemas.keys()])) {
    const at = below(path, b.key.get(name) ?? a.key.get(name) ?? 'dependentSchemas', name);
    const x = a.schemas.get(name);
    const y = b.schemas.get(name);
    if (x === undefined) ctx.emit('DEPENDENCY_SCHEMA_ADDED', at, `a schema now applies when '${name}' is present`);
    else if (y === undefined)
      ctx.emit('DEPENDENCY_SCHEMA_REMOVED', at, `no schema applies any more when '${name}' is present`);
    else ctx.compare(x, y, at, depth + 1);
  }
}
