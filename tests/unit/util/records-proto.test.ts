// A JSON property named `__proto__` is data like any other: every copy of parsed JSON keeps it as an own key
// (plain assignment would set the copy's prototype instead and lose the key).
import { toFiniteJson, toFiniteSchema } from '../../../src/asyncapi/finite-json';
import { mapSchema, stripExtensions } from '../../../src/codegen/schema-walk';
import { setOwn } from '../../../src/util/records';

const schemaWithProto = (): Record<string, unknown> =>
  JSON.parse(
    '{"type":"object","properties":{"__proto__":{"type":"string"},"a":{"type":"integer"}},"default":{"__proto__":{"x":1}}}',
  ) as Record<string, unknown>;

describe('__proto__ as a JSON key', () => {
  it('setOwn makes an own enumerable property and leaves the prototype alone', () => {
    const out: Record<string, unknown> = {};
    setOwn(out, '__proto__', { polluted: true });
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('toFiniteJson keeps it', () => {
    const copy = toFiniteJson(JSON.parse('{"__proto__":{"x":1},"b":2}')) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(['__proto__', 'b']);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"x":1},"b":2}');
  });

  it('toFiniteSchema keeps it as a property name and in data', () => {
    const copy = toFiniteSchema(schemaWithProto());
    expect(JSON.stringify(copy)).toBe(JSON.stringify(schemaWithProto()));
  });

  it('mapSchema and stripExtensions keep it', () => {
    expect(JSON.stringify(mapSchema(schemaWithProto(), (s) => s))).toBe(JSON.stringify(schemaWithProto()));
    const stripped = stripExtensions(JSON.parse('{"properties":{"__proto__":{"type":"string","x-a":1}}}'));
    expect(JSON.stringify(stripped)).toBe('{"properties":{"__proto__":{"type":"string"}}}');
  });
});
