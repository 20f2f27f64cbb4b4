import { at, getPath, type CheckKind, type CheckHooks, type FrameInfo, type RunState } from '../model';

type ValueTest = (f: FrameInfo, run: RunState) => void;

/**
 * Wraps a value test so it runs once per event (first sighting), only on `event_type` messages that match their
 * schema and whose `when` fields have the given values.
 */
function onEvent(params: Record<string, any>, test: ValueTest): CheckHooks {
  const when = Object.entries((params.when ?? {}) as Record<string, unknown>);
  return {
    runEventFirst(f, run) {
      if (f.type !== params.event_type || !f.valid) return;
      for (const [path, value] of when) if (getPath(f.msg, path) !== value) return;
      test(f, run);
    },
  };
}

const FIGURE = /\d+(?:[.,]\d+)*/g;

/** value.*: a successful answer says something specific, with figures that add up. */
export const valueChecks: CheckKind[] = [
  {
    kind: 'min_length',
    family: 'value',
    vars: ['field'],
    create({ params, report }) {
      return onEvent(params, (f, run) => {
        const text = getPath(f.msg, params.field);
        if (typeof text === 'string' && text.length < params.min) {
          report(at(f, run), {
            field: params.field,
            expected: params.min,
            actual: `${text.length}: ${JSON.stringify(clip(text))}`,
          });
        }
      });
    },
  },
  {
    kind: 'contains_number',
    family: 'value',
    vars: ['field'],
    create({ params, report }) {
      return onEvent(params, (f, run) => {
        const text = getPath(f.msg, params.field);
        if (typeof text !== 'string') return;
        const count = text.match(FIGURE)?.length ?? 0;
        if (count < params.min_count) {
          report(at(f, run), {
            field: params.field,
            expected: params.min_count,
            actual: `${count} in ${JSON.stringify(clip(text))}`,
          });
        }
      });
    },
  },
  {
    kind: 'min_items',
    family: 'value',
    vars: ['field'],
    create({ params, report }) {
      return onEvent(params, (f, run) => {
        const items = getPath(f.msg, params.field);
        if (Array.isArray(items) && items.length < params.min) {
          report(at(f, run), { field: params.field, expected: params.min, actual: items.length });
        }
      });
    },
  },
  {
    kind: 'items_positive',
    family: 'value',
    vars: ['field', 'item_field', 'index'],
    create({ params, report }) {
      return onEvent(params, (f, run) => {
        const items = getPath(f.msg, params.field);
        if (!Array.isArray(items)) return;
        items.forEach((item, index) => {
          const value = getPath(item, params.item_field);
          if (typeof value === 'number' && Number.isFinite(value) && value > 0) return;
          report(at(f, run), {
            field: params.field,
            item_field: params.item_field,
            index,
            expected: '> 0',
            actual: value === undefined ? 'none' : value,
          });
        });
      });
    },
  },
  {
    kind: 'sum_matches',
    family: 'value',
    vars: ['field', 'sum'],
    create({ params, report }) {
      return onEvent(params, (f, run) => {
        const items = getPath(f.msg, params.items_field);
        const total = getPath(f.msg, params.total_field);
        if (!Array.isArray(items) || typeof total !== 'number') return;
        let sum = 0;
        for (const item of items) {
          const value = getPath(item, params.item_field);
          if (typeof value === 'number' && Number.isFinite(value)) sum += value;
        }
        if (Math.abs(sum - total) > params.tolerance) {
          report(at(f, run), {
            field: params.total_field,
            sum: cents(sum),
            expected: cents(sum),
            actual: cents(total),
          });
        }
      });
    },
  },
];

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function cents(value: number): string {
  return value.toFixed(2);
}
