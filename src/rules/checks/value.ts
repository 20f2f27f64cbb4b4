import { at, pathReader } from '../check-helpers';
import type { CheckHooks, CheckKind } from '../check-kind';
import type { FrameInfo, RunState } from '../model';

type ValueTest = (f: FrameInfo, run: RunState) => void;

/**
 * Wraps a value test so it runs once per event (first sighting), only on `event_type` messages that match their
 * schema and whose `when` fields have the given values.
 */
function onEvent(params: Record<string, any>, test: ValueTest): CheckHooks {
  const when = Object.entries((params.when ?? {}) as Record<string, unknown>);
  const reads = when.map(([path]) => pathReader(path));
  const values = when.map(([, value]) => value);
  return {
    types: { runEventFirst: [params.event_type] },
    runEventFirst(f, run) {
      if (!f.valid) return;
      for (let i = 0; i < reads.length; i++) if (reads[i](f.msg) !== values[i]) return;
      test(f, run);
    },
  };
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const isDigitAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= DIGIT_0 && c <= DIGIT_9;
};

/**
 * How many figures (`\d+(?:[.,]\d+)*`: 12, 4,125.50) a text quotes, counting no further than `enough`. A scan by
 * char code: it runs on every answer's text, and a regular expression's exec allocates a match per figure.
 */
function countFigures(text: string, enough: number): number {
  let count = 0;
  let i = 0;
  const length = text.length;
  while (count < enough && i < length) {
    if (!isDigitAt(text, i)) {
      i++;
      continue;
    }
    count++;
    // The figure goes on through digits, and through a `.` or `,` that a digit follows.
    while (i < length && (isDigitAt(text, i) || (isSeparator(text.charCodeAt(i)) && isDigitAt(text, i + 1)))) i++;
  }
  return count;
}

function isSeparator(c: number): boolean {
  return c === 46 || c === 44; // . ,
}

/** value.*: a successful answer says something specific, with figures that add up. */
export const valueChecks: CheckKind[] = [
  {
    kind: 'min_length',
    family: 'value',
    vars: ['field'],
    create({ params, report }) {
      const field = pathReader(params.field);
      return onEvent(params, (f, run) => {
        const text = field(f.msg);
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
      const field = pathReader(params.field);
      return onEvent(params, (f, run) => {
        const text = field(f.msg);
        if (typeof text !== 'string') return;
        const count = countFigures(text, params.min_count);
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
      const field = pathReader(params.field);
      return onEvent(params, (f, run) => {
        const items = field(f.msg);
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
      const field = pathReader(params.field);
      const itemField = pathReader(params.item_field);
      return onEvent(params, (f, run) => {
        const items = field(f.msg);
        if (!Array.isArray(items)) return;
        for (let index = 0; index < items.length; index++) {
          const value = itemField(items[index]);
          if (typeof value === 'number' && Number.isFinite(value) && value > 0) continue;
          report(at(f, run), {
            field: params.field,
            item_field: params.item_field,
            index,
            expected: '> 0',
            actual: value === undefined ? 'none' : value,
          });
        }
      });
    },
  },
  {
    kind: 'sum_matches',
    family: 'value',
    vars: ['field', 'sum'],
    create({ params, report }) {
      const itemsField = pathReader(params.items_field);
      const totalField = pathReader(params.total_field);
      const itemField = pathReader(params.item_field);
      return onEvent(params, (f, run) => {
        const items = itemsField(f.msg);
        const total = totalField(f.msg);
        if (!Array.isArray(items) || typeof total !== 'number') return;
        let sum = 0;
        for (const item of items) {
          const value = itemField(item);
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
