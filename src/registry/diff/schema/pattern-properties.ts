// `patternProperties`: a pattern present on one side only changes what undeclared names matching it may hold (the
// content model they fell under before: open, closed or partially open) and adds a constraint to declared properties
// whose names match it. Both effects are judged, so adding a pattern to a closed object is FORWARD-only breaking (and
// not breaking at all when its schema is `false`). A pattern that is not a valid regular expression, or that sits
// beside other patterns that may overlap it, is judged conservatively.
import { isRecord } from '../../../util/records';
import type { DiffContext } from './context';
import { additionalModel, patternMatches } from './content-model';
import { below, isFalseSchema, isUnconstrained, show, type SchemaObject } from './model';
import { breaksBackward } from '../kinds';
import { literalNames } from './literal-pattern';

function patternsOf(s: SchemaObject): SchemaObject {
  return isRecord(s.patternProperties) ? s.patternProperties : {};
}

/**
 * Compares the `patternProperties` of two object schemas: shared patterns inside, the others by their effect.
 *
 * @example
 * comparePatternProperties(ctx, { additionalProperties: false },
 *   { additionalProperties: false, patternProperties: { '^x-': { type: 'string' } } }, '', 0);
 * // PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: names starting with x- were refused and are accepted now
 */
export function comparePatternProperties(
  ctx: DiffContext,
  o: SchemaObject,
  n: SchemaObject,
  path: string,
  depth: number,
): void {
  const oPat = patternsOf(o);
  const nPat = patternsOf(n);
  for (const pattern of new Set([...Object.keys(nPat), ...Object.keys(oPat)])) {
    const at = below(path, 'patternProperties', pattern);
    const inOld = Object.hasOwn(oPat, pattern);
    const inNew = Object.hasOwn(nPat, pattern);
    if (inOld && inNew) ctx.compare(oPat[pattern], nPat[pattern], at, depth + 1);
    else if (inNew) patternAdded(ctx, o, n, pattern, at, depth);
    else patternRemoved(ctx, o, n, pattern, at, depth);
  }
}

/** The pattern names only properties both sides declare (`^(a|b)$`): undeclared names are untouched by it. */
function onlyDeclared(o: SchemaObject, n: SchemaObject, pattern: string): boolean {
  const names = literalNames(pattern);
  const oProps = isRecord(o.properties) ? o.properties : {};
  const nProps = isRecord(n.properties) ? n.properties : {};
  return names !== undefined && names.every((name) => Object.hasOwn(oProps, name) && Object.hasOwn(nProps, name));
}

/** Conservative: the pattern is not a valid regular expression, or other patterns may overlap it. */
function undecidable(pattern: string, others: SchemaObject): boolean {
  if (patternMatches(pattern, '') === undefined) return true;
  return Object.keys(others).some((other) => other !== pattern);
}

function patternAdded(
  ctx: DiffContext,
  o: SchemaObject,
  n: SchemaObject,
  pattern: string,
  at: string,
  depth: number,
): void {
  const schema = patternsOf(n)[pattern];
  const model = additionalModel(o);
  const read = ctx.newReader.read(schema);
  if (onlyDeclared(o, n, pattern)) {
    ctx.emit(
      'PATTERN_PROPERTY_ADDED_CHANGES_NOTHING',
      at,
      `pattern ${show(pattern)} added; it names only declared properties, so no other name is admitted or refused`,
    );
  } else if (undecidable(pattern, patternsOf(o))) {
    return ctx.emit('PATTERN_PROPERTIES_CHANGED', at, `pattern ${show(pattern)} added`);
  } else if (model.model === 'partial') {
    ctx.emit(
      'PATTERN_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
      at,
      `pattern ${show(pattern)} added; matching names were held under ${model.via}, compared below`,
    );
    ctx.compare(model.schema, schema, at, depth + 1);
  } else if (model.model === 'open' ? isUnconstrained(read) : isFalseSchema(read)) {
    ctx.emit(
      'PATTERN_PROPERTY_ADDED_CHANGES_NOTHING',
      at,
      `pattern ${show(pattern)} added; it admits what the ${model.model} object admitted`,
    );
  } else if (model.model === 'open') {
    ctx.emit(
      'PATTERN_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
      at,
      `pattern ${show(pattern)} added to an open object (old data may hold matching names with any value)`,
    );
  } else {
    ctx.emit(
      'PATTERN_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL',
      at,
      `pattern ${show(pattern)} added to a closed object (matching names were refused)`,
    );
  }
  const declared = sharedDeclaredMatching(o, n, pattern);
  for (const name of declared) {
    const property = (n.properties as SchemaObject)[name];
    if (ctx.trialWithin('new', property, schema, depth).some((c) => breaksBackward(c.kind)))
      ctx.emit(
        'PATTERN_PROPERTY_CONSTRAINS_DECLARED_PROPERTY',
        at,
        `'${name}' must match pattern ${show(pattern)}'s schema too now`,
      );
  }
}

function patternRemoved(
  ctx: DiffContext,
  o: SchemaObject,
  n: SchemaObject,
  pattern: string,
  at: string,
  depth: number,
): void {
  const schema = patternsOf(o)[pattern];
  const model = additionalModel(n);
  const read = ctx.oldReader.read(schema);
  if (onlyDeclared(o, n, pattern)) {
    ctx.emit(
      'PATTERN_PROPERTY_REMOVED_CHANGES_NOTHING',
      at,
      `pattern ${show(pattern)} removed; it named only declared properties, so no other name is admitted or refused`,
    );
  } else if (undecidable(pattern, patternsOf(n))) {
    return ctx.emit('PATTERN_PROPERTIES_CHANGED', at, `pattern ${show(pattern)} removed`);
  } else if (model.model === 'partial') {
    ctx.emit(
      'PATTERN_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
      at,
      `pattern ${show(pattern)} removed; matching names fall under ${model.via} now, compared below`,
    );
    ctx.compare(schema, model.schema, at, depth + 1);
  } else if (model.model === 'open' ? isUnconstrained(read) : isFalseSchema(read)) {
    ctx.emit(
      'PATTERN_PROPERTY_REMOVED_CHANGES_NOTHING',
      at,
      `pattern ${show(pattern)} removed; the ${model.model} object admits what it admitted`,
    );
  } else if (model.model === 'open') {
    ctx.emit(
      'PATTERN_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
      at,
      `pattern ${show(pattern)} removed from an open object (matching names accept any value now)`,
    );
  } else {
    ctx.emit(
      'PATTERN_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
      at,
      `pattern ${show(pattern)} removed from a closed object (matching names are refused now)`,
    );
  }
  for (const name of sharedDeclaredMatching(o, n, pattern)) {
    const property = (o.properties as SchemaObject)[name];
    if (ctx.trialWithin('old', property, schema, depth).some((c) => breaksBackward(c.kind)))
      ctx.emit(
        'PATTERN_PROPERTY_NO_LONGER_CONSTRAINS_DECLARED_PROPERTY',
        at,
        `'${name}' no longer has to match pattern ${show(pattern)}'s schema`,
      );
  }
}

/** Names both sides declare in `properties` that the pattern matches. */
function sharedDeclaredMatching(o: SchemaObject, n: SchemaObject, pattern: string): string[] {
  const oProps = isRecord(o.properties) ? o.properties : {};
  const nProps = isRecord(n.properties) ? n.properties : {};
  return Object.keys(nProps).filter((name) => Object.hasOwn(oProps, name) && patternMatches(pattern, name) === true);
}
