// Object keywords: `properties` and `required` (judged by content model), `additionalProperties`,
// `unevaluatedProperties`, `propertyNames`, `patternProperties`, the property counts and the dependencies.
import { isRecord } from '../../../util/records';
import type { CountKinds, DiffContext, SlotKinds } from './context';
import { compareCount } from './counts';
import { compareDependencies } from './dependencies';
import { compareEvaluated } from './evaluated';
import { below, nameOf, type SchemaObject } from './model';
import { comparePatternProperties } from './pattern-properties';
import { propertyAdded, propertyRemoved } from './properties';
import { compareSlot } from './slots';

const ADDITIONAL_PROPERTIES: SlotKinds = {
  narrowed: 'ADDITIONAL_PROPERTIES_NARROWED',
  extended: 'ADDITIONAL_PROPERTIES_EXTENDED',
};
const UNEVALUATED_PROPERTIES: SlotKinds = {
  narrowed: 'UNEVALUATED_PROPERTIES_NARROWED',
  extended: 'UNEVALUATED_PROPERTIES_EXTENDED',
};
const PROPERTY_NAMES: SlotKinds = { narrowed: 'PROPERTY_NAMES_NARROWED', extended: 'PROPERTY_NAMES_EXTENDED' };
const MAX_PROPERTIES: CountKinds = {
  added: 'MAX_PROPERTIES_ADDED',
  removed: 'MAX_PROPERTIES_REMOVED',
  increased: 'MAX_PROPERTIES_INCREASED',
  decreased: 'MAX_PROPERTIES_DECREASED',
};
const MIN_PROPERTIES: CountKinds = {
  added: 'MIN_PROPERTIES_ADDED',
  removed: 'MIN_PROPERTIES_REMOVED',
  increased: 'MIN_PROPERTIES_INCREASED',
  decreased: 'MIN_PROPERTIES_DECREASED',
};

function requiredNames(s: SchemaObject): Set<string> {
  return new Set(Array.isArray(s.required) ? (s.required as unknown[]).map(nameOf) : []);
}

/** `properties` and `required`, name by name. */
function compareProperties(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
  const oProps = isRecord(o.properties) ? o.properties : {};
  const nProps = isRecord(n.properties) ? n.properties : {};
  const oReq = requiredNames(o);
  const nReq = requiredNames(n);
  for (const name of new Set([...Object.keys(nProps), ...Object.keys(oProps)])) {
    const at = below(path, 'properties', name);
    const inOld = Object.hasOwn(oProps, name);
    const inNew = Object.hasOwn(nProps, name);
    const wasRequired = oReq.has(name);
    const isRequired = nReq.has(name);
    if (inOld && inNew) {
      if (isRequired && !wasRequired) ctx.emit('REQUIRED_ATTRIBUTE_ADDED', at, `'${name}' is required now`);
      if (wasRequired && !isRequired) ctx.emit('REQUIRED_ATTRIBUTE_REMOVED', at, `'${name}' is optional now`);
      ctx.compare(oProps[name], nProps[name], at, depth + 1);
    } else if (inNew) {
      propertyAdded(ctx, o, { name, schema: nProps[name], requiredNow: isRequired && !wasRequired, at }, depth);
      if (wasRequired && !isRequired) ctx.emit('REQUIRED_ATTRIBUTE_REMOVED', at, `'${name}' is optional now`);
    } else {
      propertyRemoved(ctx, n, { name, schema: oProps[name], wasRequired: wasRequired && !isRequired, at }, depth);
      if (isRequired && !wasRequired) ctx.emit('REQUIRED_ATTRIBUTE_ADDED', at, `'${name}' is required now`);
    }
  }
  // `required` names that no `properties` declares on either side.
  const undeclared = (name: string): boolean => !Object.hasOwn(oProps, name) && !Object.hasOwn(nProps, name);
  for (const name of [...nReq].filter((r) => !oReq.has(r) && undeclared(r))) {
    ctx.emit('REQUIRED_ATTRIBUTE_ADDED', below(path, 'required'), `'${name}' is required now`);
  }
  for (const name of [...oReq].filter((r) => !nReq.has(r) && undeclared(r))) {
    ctx.emit('REQUIRED_ATTRIBUTE_REMOVED', below(path, 'required'), `'${name}' is optional now`);
  }
}

/** What judges an undeclared name: `additionalProperties`, else `unevaluatedProperties` (undefined: anything). */
function undeclaredJudge(s: SchemaObject): unknown {
  return s.additionalProperties !== undefined ? s.additionalProperties : s.unevaluatedProperties;
}

/**
 * Compares the object keywords of two schemas that both allow objects.
 *
 * @example
 * compareObject(ctx, { properties: { a: {} } }, { properties: { a: {} }, required: ['a'] }, '', 0);
 * // REQUIRED_ATTRIBUTE_ADDED at /properties/a
 */
export function compareObject(ctx: DiffContext, o: SchemaObject, n: SchemaObject, path: string, depth: number): void {
  compareProperties(ctx, o, n, path, depth);
  const slot = (kinds: SlotKinds, key: string): void =>
    compareSlot(ctx, kinds, o[key], n[key], below(path, key), depth, key);
  slot(ADDITIONAL_PROPERTIES, 'additionalProperties');
  // `additionalProperties` evaluates every undeclared name, so its arrival or departure next to an
  // `unevaluatedProperties` also moves those names from one judge to the other (e.g. `additionalProperties: true`
  // added beside `unevaluatedProperties: { type: string }` accepts any value there now).
  if ((o.additionalProperties === undefined) !== (n.additionalProperties === undefined)) {
    const [oj, nj] = [undeclaredJudge(o), undeclaredJudge(n)];
    if (oj !== o.additionalProperties || nj !== n.additionalProperties)
      compareSlot(
        ctx,
        ADDITIONAL_PROPERTIES,
        oj,
        nj,
        below(path, 'additionalProperties'),
        depth,
        'additionalProperties',
      );
  }
  slot(UNEVALUATED_PROPERTIES, 'unevaluatedProperties');
  compareEvaluated(ctx, o, n, path);
  slot(PROPERTY_NAMES, 'propertyNames');
  comparePatternProperties(ctx, o, n, path, depth);
  compareCount(ctx, MAX_PROPERTIES, 'maxProperties', o, n, path);
  compareCount(ctx, MIN_PROPERTIES, 'minProperties', o, n, path);
  compareDependencies(ctx, o, n, path, depth);
}
