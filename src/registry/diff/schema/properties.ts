// A property declared on one side only: judged by the content model of the side that lacks it (open, closed or
// partially open), and compared with the model's schema when it has one.
import type { DiffContext } from './context';
import { contentModel } from './content-model';
import { isFalseSchema, isUnconstrained, type SchemaObject } from './model';

/** One property present in the new schema only. */
export interface AddedProperty {
  name: string;
  schema: unknown;
  /** Required now and not before. */
  requiredNow: boolean;
  at: string;
}

/**
 * Reports a property the new schema declares and the old one did not, by the old content model for its name.
 *
 * @example
 * propertyAdded(ctx, { additionalProperties: false }, { name: 'b', schema: {}, requiredNow: false, at: '/properties/b' }, 0);
 * // OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
 */
export function propertyAdded(ctx: DiffContext, old: SchemaObject, added: AddedProperty, depth: number): void {
  const { name, schema, requiredNow, at } = added;
  const model = contentModel(old, name);
  const what = `'${name}' added${requiredNow ? ' (required)' : ''}`;
  if (model.model === 'open') {
    if (requiredNow) ctx.emit('REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', at, `${what} to an open object`);
    else if (isUnconstrained(ctx.newReader.read(schema)))
      ctx.emit('PROPERTY_ADDED_IS_COVERED_BY_OPEN_CONTENT_MODEL', at, `${what}; it accepts any value`);
    else
      ctx.emit(
        'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
        at,
        `${what} to an open object (old data may hold '${name}' with any value)`,
      );
  } else if (model.model === 'closed') {
    if (!requiredNow && isFalseSchema(ctx.newReader.read(schema)))
      ctx.emit('FALSE_PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL', at, `${what} as false to a closed object`);
    else
      ctx.emit(
        requiredNow
          ? 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'
          : 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
        at,
        `${what} to a closed object`,
      );
  } else {
    ctx.emit(
      requiredNow
        ? 'REQUIRED_PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL',
      at,
      `${what}; old data held it under ${model.via}, compared below`,
    );
    ctx.compare(model.schema, schema, at, depth + 1);
  }
}

/** One property present in the old schema only. */
export interface RemovedProperty {
  name: string;
  schema: unknown;
  /** Required before and not now. */
  wasRequired: boolean;
  at: string;
}

/**
 * Reports a property the old schema declared and the new one does not, by the new content model for its name.
 *
 * @example
 * propertyRemoved(ctx, { additionalProperties: false }, { name: 'b', schema: false, wasRequired: false, at: '/properties/b' }, 0);
 * // FALSE_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: nothing could be valid there before either
 */
export function propertyRemoved(ctx: DiffContext, now: SchemaObject, removed: RemovedProperty, depth: number): void {
  const { name, schema, wasRequired, at } = removed;
  const model = contentModel(now, name);
  const what = `'${name}' removed${wasRequired ? ' (was required)' : ''}`;
  if (model.model === 'open') {
    if (wasRequired) ctx.emit('REQUIRED_PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', at, `${what} from an open object`);
    else if (isUnconstrained(ctx.oldReader.read(schema)))
      ctx.emit('PROPERTY_REMOVED_IS_COVERED_BY_OPEN_CONTENT_MODEL', at, `${what}; it accepted any value`);
    else
      ctx.emit(
        'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
        at,
        `${what} from an open object (any value accepted for it now)`,
      );
  } else if (model.model === 'closed') {
    if (!wasRequired && isFalseSchema(ctx.oldReader.read(schema)))
      ctx.emit('FALSE_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', at, `${what}; it was false in a closed object`);
    else
      ctx.emit(
        wasRequired
          ? 'REQUIRED_PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'
          : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
        at,
        `${what} from a closed object`,
      );
  } else {
    ctx.emit(
      wasRequired
        ? 'REQUIRED_PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL'
        : 'PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL',
      at,
      `${what}; new data holds it under ${model.via}, compared below`,
    );
    ctx.compare(schema, model.schema, at, depth + 1);
  }
}
