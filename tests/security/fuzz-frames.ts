// Hostile client frames for the frame fuzzer, made by fast-check. Structure-aware: valid client messages built from
// the generated JSON Schemas (generated/schemas/<type>.json), then mutated (a field replaced by a hostile value,
// removed, or joined by an extra key such as __proto__), or their serialised bytes mutated (truncated, a byte made
// invalid UTF-8, a BOM, sent as binary); plus raw bytes and strings; plus a few frames that must close the
// connection (over the hard size limit, RFC 6455 violations, another user's token in auth_refresh).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { loadProtocol } from '../../src/protocol';

interface Schema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

/** One frame to send: text/binary over the WebSocket, or bytes written under it; `closes` when it must close. */
export type FuzzFrame =
  | { kind: 'text'; data: string | Buffer; closes: false; note: string }
  | { kind: 'binary'; data: Buffer; closes: false; note: string }
  | { kind: 'oversize'; data: string; closes: true; note: string }
  | { kind: 'socket'; data: Buffer; closes: true; note: string }
  | { kind: 'foreign-token'; closes: true; note: string };

const SCHEMA_DIR = path.resolve(__dirname, '../../generated/schemas');

/** The JSON Schema of every client message type the spec declares. */
export function clientSchemas(): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const type of loadProtocol().clientTypes) {
    out.set(type, JSON.parse(readFileSync(path.join(SCHEMA_DIR, `${type}.json`), 'utf8')) as Schema);
  }
  return out;
}

// Every generated request_id ends in a counter: a request_id reused in the same millisecond by a refused and an
// accepted start_agent is ambiguous to any observer, and is not what the fuzzer is after.
let requestIds = 0;

/** Values that satisfy `schema` (the keywords our schemas use). */
export function validOf(schema: Schema, name = ''): fc.Arbitrary<unknown> {
  if (name === 'request_id' && schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).map((s) => `${s.slice(0, 100)}.${++requestIds}`);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string': {
      const max = schema.maxLength ?? 200;
      const min = schema.minLength ?? 0;
      const base = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern))
        : fc.string({ minLength: min, maxLength: Math.min(max, 200), unit: 'grapheme' });
      return base.filter((s) => s.length >= min && s.length <= max);
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 });
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validOf(schema.items ?? {}), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const props = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(props)) record[key] = validOf(sub, key);
      return fc.record(record, { requiredKeys: schema.required ?? [] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const deep = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Values no field should hold. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\udfff\ud800',
    '\u2028\u2029',
    '\u202e',
    '${process.exit()}',
    '*/ process.exit() /*',
    '../../../../etc/passwd',
    'run_',
    'thr_',
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.',
    [],
    {},
  ),
  fc.constant(0).map(() => JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
  fc.constant(0).map(() => ({ constructor: { prototype: { polluted: true } } })),
  fc.integer({ min: 20, max: 60 }).map(deep),
  fc.integer({ min: 1_000, max: 70_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'type', 'x'];

/** A valid value with one field replaced, removed, or joined by an extra key. */
function mutate(value: unknown, path: string[], action: number, hostile: unknown, extraKey: string): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1];
  if (last === undefined || action === 2) Object.defineProperty(node, extraKey, { value: hostile, enumerable: true });
  else if (action === 0) node[last] = hostile;
  else delete node[last];
  return copy;
}

function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const out: string[][] = prefix.length > 0 ? [prefix] : [];
  for (const [key, child] of Object.entries(value)) out.push(...pathsOf(child, [...prefix, key]));
  return out.length > 0 ? out : [prefix];
}

/** A valid client message of some type, then mutated as JSON. */
function structured(schemas: Map<string, Schema>): fc.Arbitrary<FuzzFrame> {
  const valid = fc.oneof(...[...schemas.values()].map((schema) => validOf(schema)));
  return fc
    .tuple(valid, fc.nat(), fc.integer({ min: 0, max: 3 }), hostileValue, fc.constantFrom(...EXTRA_KEYS))
    .map(([value, pick, action, hostile, extraKey]) => {
      // action 3 sends the valid message unchanged (a real start_agent starts a real run).
      if (action === 3) return { kind: 'text', data: JSON.stringify(value), closes: false, note: 'valid' } as const;
      const paths = pathsOf(value);
      const at = paths[pick % paths.length];
      const text = JSON.stringify(mutate(value, at, action, hostile, extraKey));
      return { kind: 'text', data: text, closes: false, note: `mutated ${at.join('/')}` } as const;
    });
}

/** A serialised valid message with its bytes mutated. */
function byteMutated(schemas: Map<string, Schema>): fc.Arbitrary<FuzzFrame> {
  const valid = fc.oneof(...[...schemas.values()].map((schema) => validOf(schema)));
  return fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 5 })).map(([value, at, how]): FuzzFrame => {
    const bytes = Buffer.from(JSON.stringify(value));
    const i = at % bytes.length;
    const note = `bytes ${how}`;
    switch (how) {
      case 0:
        return { kind: 'text', data: bytes.subarray(0, i), closes: false, note };
      case 1:
        return {
          kind: 'text',
          data: Buffer.concat([bytes.subarray(0, i), Buffer.from([0xff]), bytes.subarray(i)]),
          closes: false,
          note,
        };
      case 2:
        return {
          kind: 'text',
          data: Buffer.concat([bytes.subarray(0, i), Buffer.from([0xed, 0xa0, 0x80]), bytes.subarray(i)]),
          closes: false,
          note,
        };
      case 3:
        return { kind: 'text', data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), closes: false, note };
      case 4:
        return { kind: 'binary', data: bytes, closes: false, note };
      default:
        return { kind: 'text', data: Buffer.concat([bytes, bytes]), closes: false, note };
    }
  });
}

const raw: fc.Arbitrary<FuzzFrame> = fc.oneof(
  fc
    .uint8Array({ minLength: 1, maxLength: 256 })
    .map((b) => ({ kind: 'text', data: Buffer.from(b), closes: false, note: 'raw bytes' }) as const),
  fc
    .uint8Array({ minLength: 0, maxLength: 64 })
    .map((b) => ({ kind: 'binary', data: Buffer.from(b), closes: false, note: 'raw binary' }) as const),
  fc
    .string({ unit: 'binary', maxLength: 256 })
    .map((s) => ({ kind: 'text', data: s, closes: false, note: 'raw string' }) as const),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((v) => ({ kind: 'text', data: JSON.stringify(v) ?? 'null', closes: false, note: 'json value' }) as const),
  fc
    .integer({ min: 33, max: 400 })
    .map(
      (n) => ({ kind: 'text', data: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`, closes: false, note: 'deep' }) as const,
    ),
);

const PROTOCOL_VIOLATIONS = [
  Buffer.from([0x81, 0x02, 0x7b, 0x7d]), // unmasked
  Buffer.from([0xc1, 0x80, 1, 2, 3, 4]), // RSV1
  Buffer.from([0x83, 0x80, 1, 2, 3, 4]), // reserved opcode
  Buffer.from([0x09, 0x80, 1, 2, 3, 4]), // fragmented ping
  Buffer.from([0x80, 0x80, 1, 2, 3, 4]), // lone continuation
];

const closer: fc.Arbitrary<FuzzFrame> = fc.oneof(
  fc
    .constantFrom(...PROTOCOL_VIOLATIONS)
    .map((data) => ({ kind: 'socket', data, closes: true, note: 'RFC 6455 violation' }) as const),
  fc.constant({
    kind: 'oversize',
    data: 'x'.repeat(1024 * 1024 + 1),
    closes: true,
    note: 'over the hard limit',
  } as const),
  fc.constant({ kind: 'foreign-token', closes: true, note: "another user's token" } as const),
);

/** Every kind of hostile frame; closers are rare (about 1 in 150) so most frames test answers. */
export function hostileFrame(): fc.Arbitrary<FuzzFrame> {
  const schemas = clientSchemas();
  return fc.oneof(
    { arbitrary: structured(schemas), weight: 60 },
    { arbitrary: byteMutated(schemas), weight: 20 },
    { arbitrary: raw, weight: 20 },
    { arbitrary: closer, weight: 1 },
  );
}
