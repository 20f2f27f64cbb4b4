import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { ValidateFunction } from 'ajv';
import { acceptUnknownFormats, createAjv } from '../../../src/codegen';
import { loadSpec, type SpecMessage } from '../../../src/asyncapi';
import * as generated from '../../../generated/validators';

// The first load starts the loader's worker process and builds the AsyncAPI parser: seconds on a loaded machine.
jest.setTimeout(60_000);

// The generated standalone validators must accept and refuse exactly what ajv accepts and refuses when it compiles
// the same generated schemas at run time (the standalone code also swaps in faster string-length and date-time
// helpers, which this checks too).

const ROOT = path.resolve(__dirname, '..', '..', '..');
let messages: SpecMessage[] = [];
const runtime = new Map<string, ValidateFunction>();

beforeAll(async () => {
  messages = (await loadSpec(path.join(ROOT, 'asyncapi.yaml'))).messages;
  const ajv = createAjv();
  for (const m of messages) {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'generated', 'schemas', `${m.name}.json`), 'utf8'));
    acceptUnknownFormats(ajv, schema);
    runtime.set(m.name, ajv.compile(schema));
  }
});

/** Strings near the contract's shapes: ids, timestamps (valid, impossible, offset, leap second), astral text. */
const trickyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'x', 'run_3k9d2m1x8q', 'evt_a1b2c3', 'thr_', 'call_1', 'cost_optimizer', 'USD', 'success'),
  fc.constantFrom('2026-11-24T10:15:31.090Z', '2026-02-29T10:15:31.090Z', '2024-02-29T23:59:59.999Z'),
  fc.constantFrom(
    '2026-11-24T23:59:60.000Z',
    '2026-11-24t10:15:31.090z',
    '2026-11-24T10:15:31Z',
    '2026-11-24T10:15:31.1234Z',
  ),
  fc.constantFrom(
    '2026-11-24T10:15:31.090+02:00',
    '2026-11-24 10:15:31.090Z',
    '2026-13-01T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
  ),
  fc.constantFrom('😀', '😀😀', '\uD83D', 'a\uDE00b'),
  fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 24 }),
      mi: fc.integer({ min: 0, max: 60 }),
      s: fc.integer({ min: 0, max: 61 }),
    })
    .map(({ y, mo, d, h, mi, s }) => {
      const p = (n: number, w = 2) => String(n).padStart(w, '0');
      return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}.000Z`;
    }),
);

const anyValue = fc.oneof(
  { weight: 3, arbitrary: trickyString },
  { weight: 2, arbitrary: fc.integer({ min: -2, max: 2_000_000 }) },
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

/** An arbitrary biased towards one message: its own fields, each either the example's value or anything. */
function messageLike(message: SpecMessage): fc.Arbitrary<unknown> {
  const example = (message.examples[0]?.payload ?? {}) as Record<string, unknown>;
  const properties = Object.keys((message.payload as { properties?: object }).properties ?? {});
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of properties) {
    fields[key] =
      key in example
        ? fc.oneof({ weight: 12, arbitrary: fc.constant(example[key]) }, { weight: 1, arbitrary: anyValue })
        : anyValue;
  }
  const required = ((message.payload as { required?: string[] }).required ?? []).filter((k) => k in fields);
  const base = fc.oneof(fc.record(fields, { requiredKeys: required }), fc.record(fields, { requiredKeys: [] }));
  const withExtra = fc
    .tuple(base, fc.dictionary(fc.string({ maxLength: 6 }), anyValue, { maxKeys: 2 }))
    .map(([b, extra]) => ({ ...extra, ...b }));
  return fc.oneof(
    { weight: 5, arbitrary: base },
    { weight: 1, arbitrary: withExtra },
    { weight: 1, arbitrary: fc.anything() },
  );
}

describe('generated standalone validators agree with ajv compiling the same schemas at run time', () => {
  it('on random payloads shaped like each message', () => {
    const outcomes = { accepted: 0, refused: 0 };
    for (const message of messages) {
      const standalone = generated.validators[message.name];
      const compiled = runtime.get(message.name) as ValidateFunction;
      fc.assert(
        fc.property(messageLike(message), (payload) => {
          const a = standalone(payload);
          const b = compiled(payload);
          outcomes[a ? 'accepted' : 'refused']++;
          if (a !== b) return false;
          // Same first error too, and the dispatching entry point says the same as the per-message validator.
          if (!a) expect(standalone.errors?.[0]?.instancePath).toBe(compiled.errors?.[0]?.instancePath);
          const side = generated.messageNames.client.includes(message.name)
            ? generated.validateClientMessage
            : generated.validateServerMessage;
          if ((payload as { type?: unknown })?.type === message.type) expect(side(payload).ok).toBe(a);
          return true;
        }),
        { numRuns: 400, seed: 20261124 + messages.indexOf(message) },
      );
    }
    // The arbitraries must exercise both outcomes, or the agreement says little.
    expect(outcomes.accepted).toBeGreaterThan(200);
    expect(outcomes.refused).toBeGreaterThan(200);
  });

  it('the fast string-length and date-time helpers equal ajv and ajv-formats on any string', () => {
    const fast = require('../../../generated/validators/runtime.js') as {
      ucs2length(s: string): number;
      dateTime: { validate(s: string): boolean };
    };

    const ajvLength = require('ajv/dist/runtime/ucs2length').default as (s: string) => number;

    const ajvDateTime = require('ajv-formats/dist/formats').fullFormats['date-time'] as {
      validate(s: string): boolean;
    };
    fc.assert(
      fc.property(
        trickyString,
        (s) => fast.ucs2length(s) === ajvLength(s) && fast.dateTime.validate(s) === ajvDateTime.validate(s),
      ),
      { numRuns: 3000, seed: 7 },
    );
  });
});
