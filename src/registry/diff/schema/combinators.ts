// Combinators: `allOf` (what normalisation could not flatten), and the unions `anyOf`/`oneOf`. Branches are matched
// to each other (branches.ts); a branch added to or removed from a union widens or narrows, and for `oneOf` it
// matters whether the branch is provably exclusive of the others.
import { isRecord } from '../../../util/records';
import { breaksBackward, breaksForward } from '../kinds';
import { matchBranches, provablyDisjoint } from './branches';
import type { DiffContext } from './context';
import { below, isAnnotationKey, show, type SchemaObject } from './model';
import type { SchemaReader } from './reader';

type UnionKeyword = 'anyOf' | 'oneOf';

/**
 * The union keyword of a schema that has exactly one of `anyOf`/`oneOf`.
 *
 * @example
 * unionKeyword({ oneOf: [] }); // 'oneOf'
 */
export function unionKeyword(s: SchemaObject): UnionKeyword | undefined {
  const hasAny = Array.isArray(s.anyOf);
  const hasOne = Array.isArray(s.oneOf);
  if (hasAny === hasOne) return undefined;
  return hasAny ? 'anyOf' : 'oneOf';
}

/** `anyOf`/`oneOf` branches when the schema is nothing but that union (plus annotations). */
function pureUnion(s: SchemaObject): { keyword: UnionKeyword; branches: unknown[] } | undefined {
  const keyword = unionKeyword(s);
  if (keyword === undefined) return undefined;
  if (Object.keys(s).some((k) => k !== keyword && !isAnnotationKey(k))) return undefined;
  return { keyword, branches: s[keyword] as unknown[] };
}

function stripAnnotations(s: SchemaObject): SchemaObject {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !isAnnotationKey(k)));
}

/**
 * A plain schema on one side and a pure union on the other: the plain schema is a one-branch union, so
 * `string` -> `oneOf [string, integer]` is one added branch, not "type removed" plus "oneOf added". Returns true when
 * it compared the two that way.
 *
 * @example
 * compareLiftedUnion(ctx, S, { oneOf: [S, I] }, '', 0); // ONE_OF_BRANCH_ADDED at /oneOf/1
 */
export function compareLiftedUnion(
  ctx: DiffContext,
  o: SchemaObject,
  n: SchemaObject,
  path: string,
  depth: number,
): boolean {
  const hasUnion = (s: SchemaObject): boolean => Array.isArray(s.anyOf) || Array.isArray(s.oneOf);
  const ou = pureUnion(o);
  const nu = pureUnion(n);
  if (nu !== undefined && !hasUnion(o)) {
    compareUnion(
      ctx,
      { keyword: nu.keyword, branches: [stripAnnotations(o)], plain: path },
      { keyword: nu.keyword, branches: nu.branches },
      path,
      depth,
    );
    return true;
  }
  if (ou !== undefined && !hasUnion(n)) {
    compareUnion(
      ctx,
      { keyword: ou.keyword, branches: ou.branches },
      { keyword: ou.keyword, branches: [stripAnnotations(n)], plain: path },
      path,
      depth,
    );
    return true;
  }
  return false;
}

/**
 * `allOf` branches: matched, extra branches narrow, missing ones widen.
 *
 * @example
 * compareAllOf(ctx, { allOf: [A] }, { allOf: [A, B] }, '', 0); // ALL_OF_BRANCH_ADDED at /allOf/1
 */
export function compareAllOf(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
  const oAll = Array.isArray(o.allOf) ? (o.allOf as unknown[]) : [];
  const nAll = Array.isArray(n.allOf) ? (n.allOf as unknown[]) : [];
  if (oAll.length === 0 && nAll.length === 0) return;
  const m = matchBranches(ctx, oAll, nAll, depth);
  for (const [i, j] of m.pairs) ctx.compare(oAll[i], nAll[j], below(path, 'allOf', j), depth + 1);
  for (const j of m.addedNew) ctx.emit('ALL_OF_BRANCH_ADDED', below(path, 'allOf', j), `allOf branch ${j} added`);
  for (const i of m.removedOld) ctx.emit('ALL_OF_BRANCH_REMOVED', below(path, 'allOf', i), `allOf branch ${i} removed`);
}

/**
 * `anyOf`/`oneOf`: one union on each side (possibly a swapped keyword) is compared branch by branch; a union next to
 * other constraints that appears or disappears is one change.
 *
 * @example
 * compareUnions(ctx, { anyOf: [A, B] }, { anyOf: [A] }, '', 0); // ANY_OF_BRANCH_REMOVED at /anyOf/1
 */
export function compareUnions(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
  const ok = unionKeyword(o);
  const nk = unionKeyword(n);
  if (ok !== undefined && nk !== undefined) {
    return compareUnion(
      ctx,
      { keyword: ok, branches: o[ok] as unknown[] },
      { keyword: nk, branches: n[nk] as unknown[] },
      path,
      depth,
    );
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const a = Array.isArray(o[keyword]) ? (o[keyword] as unknown[]) : undefined;
    const b = Array.isArray(n[keyword]) ? (n[keyword] as unknown[]) : undefined;
    if (a === undefined && b === undefined) continue;
    const at = below(path, keyword);
    if (a === undefined) {
      ctx.emit(keyword === 'anyOf' ? 'ANY_OF_ADDED' : 'ONE_OF_ADDED', at, `${keyword} of ${b!.length} branches added`);
    } else if (b === undefined) {
      ctx.emit(
        keyword === 'anyOf' ? 'ANY_OF_REMOVED' : 'ONE_OF_REMOVED',
        at,
        `${keyword} of ${a.length} branches removed`,
      );
    } else {
      compareUnion(ctx, { keyword, branches: a }, { keyword, branches: b }, path, depth);
    }
  }
}

/** One side of a union comparison; `plain` is set when that side is a plain schema lifted into a union. */
interface UnionSide {
  keyword: UnionKeyword;
  branches: unknown[];
  plain?: string;
}

function exclusive(reader: SchemaReader, branches: unknown[], index: number): boolean {
  const me = reader.read(branches[index]);
  return branches.every((other, k) => k === index || provablyDisjoint(me, reader.read(other), reader));
}

function compareKeywords(ctx: DiffContext, olds: UnionSide, news: UnionSide, path: string): void {
  if (olds.keyword === news.keyword) return;
  const at = below(path, news.keyword);
  if (news.keyword === 'oneOf') {
    const all = news.branches.every((_, j) => exclusive(ctx.newReader, news.branches, j));
    ctx.emit(
      all ? 'UNION_KEYWORD_CHANGED' : 'ANY_OF_CHANGED_TO_ONE_OF',
      at,
      `anyOf -> oneOf${all ? ' (branches are exclusive)' : ''}`,
    );
  } else {
    const all = olds.branches.every((_, i) => exclusive(ctx.oldReader, olds.branches, i));
    ctx.emit(
      all ? 'UNION_KEYWORD_CHANGED' : 'ONE_OF_CHANGED_TO_ANY_OF',
      at,
      `oneOf -> anyOf${all ? ' (branches are exclusive)' : ''}`,
    );
  }
}

function compareUnion(ctx: DiffContext, olds: UnionSide, news: UnionSide, path: string, depth: number): void {
  const oldPath = (i: number): string => olds.plain ?? below(path, olds.keyword, i);
  const newPath = (j: number): string => news.plain ?? below(path, news.keyword, j);
  compareKeywords(ctx, olds, news, path);
  const m = matchBranches(ctx, olds.branches, news.branches, depth);
  for (const [i, j] of m.pairs) {
    ctx.compare(olds.branches[i], news.branches[j], newPath(j), depth + 1);
    if (olds.keyword === 'oneOf' && news.keyword === 'oneOf')
      comparePairedOneOf(ctx, olds, news, [i, j], newPath(j), depth);
  }
  const becameUnion = olds.plain !== undefined ? ` (the schema became a ${news.keyword})` : '';
  for (const j of m.addedNew) {
    const label = describeBranch(ctx.newReader.read(news.branches[j]));
    if (news.keyword === 'anyOf') ctx.emit('ANY_OF_BRANCH_ADDED', newPath(j), `branch ${label} added${becameUnion}`);
    else if (exclusive(ctx.newReader, news.branches, j))
      ctx.emit('ONE_OF_BRANCH_ADDED', newPath(j), `branch ${label} added${becameUnion}`);
    else
      ctx.emit(
        'ONE_OF_BRANCH_ADDED_OVERLAPPING',
        newPath(j),
        `branch ${label} added; it may overlap another branch${becameUnion}`,
      );
  }
  const stoppedUnion = news.plain !== undefined ? ` (the ${olds.keyword} became a plain schema)` : '';
  for (const i of m.removedOld) {
    const label = describeBranch(ctx.oldReader.read(olds.branches[i]));
    if (olds.keyword === 'anyOf')
      ctx.emit('ANY_OF_BRANCH_REMOVED', oldPath(i), `branch ${label} removed${stoppedUnion}`);
    else if (exclusive(ctx.oldReader, olds.branches, i))
      ctx.emit('ONE_OF_BRANCH_REMOVED', oldPath(i), `branch ${label} removed${stoppedUnion}`);
    else
      ctx.emit(
        'ONE_OF_BRANCH_REMOVED_OVERLAPPING',
        oldPath(i),
        `branch ${label} removed; it may have overlapped another branch${stoppedUnion}`,
      );
  }
}

/**
 * A changed `oneOf` branch that may overlap another one breaks both ways whatever the change's own direction: a wider
 * branch may now match a value another branch matches too (which `oneOf` refuses), and a narrower one may stop
 * matching a value that matched two branches before (which `oneOf` refused and now accepts). Provably exclusive
 * branches on both sides keep the inner change's own direction.
 */
function comparePairedOneOf(
  ctx: DiffContext,
  olds: UnionSide,
  news: UnionSide,
  [i, j]: [number, number],
  path: string,
  depth: number,
): void {
  if (exclusive(ctx.oldReader, olds.branches, i) && exclusive(ctx.newReader, news.branches, j)) return;
  const inner = ctx.trial(olds.branches[i], news.branches[j], depth + 1);
  // Kinds that break neither way (annotations, a change that admits nothing new) leave what each branch matches.
  if (!inner.some((c) => breaksBackward(c.kind) || breaksForward(c.kind))) return;
  ctx.emit(
    'ONE_OF_BRANCH_CHANGED_OVERLAPPING',
    path,
    `branch ${describeBranch(ctx.newReader.read(news.branches[j]))} changed; it may overlap another branch`,
  );
}

/** A short label for a union branch: its discriminator, title or type. */
function describeBranch(schema: unknown): string {
  if (!isRecord(schema)) return String(schema);
  if (isRecord(schema.properties)) {
    for (const [name, prop] of Object.entries(schema.properties)) {
      if (isRecord(prop) && prop.const !== undefined) return `${name}=${show(prop.const)}`;
    }
  }
  if (typeof schema.title === 'string') return show(schema.title);
  if (schema.$ref !== undefined) return show(schema.$ref);
  if (schema.type !== undefined) return show(schema.type);
  return '(schema)';
}
