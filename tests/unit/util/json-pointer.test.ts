import fc from 'fast-check';
import {
  escapePointerToken,
  parsePointer,
  resolvePointer,
  toPointer,
  unescapePointerToken,
} from '../../../src/util/json-pointer';

describe('util/json-pointer (RFC 6901)', () => {
  it('escapes ~ before / and unescapes in the reverse order', () => {
    expect(escapePointerToken('a/b~c')).toBe('a~1b~0c');
    expect(unescapePointerToken('a~1b~0c')).toBe('a/b~c');
    expect(unescapePointerToken('~01')).toBe('~1'); // not '/': ~0 is decoded last
  });

  it('round-trips any path', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (path) => {
        expect(parsePointer(toPointer(path))).toEqual(path);
      }),
    );
  });

  it('reads the URI fragment form and refuses what is not a pointer', () => {
    expect(parsePointer('#/components/schemas/A~1B')).toEqual(['components', 'schemas', 'A/B']);
    expect(parsePointer('#/a%20b')).toEqual(['a b']);
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('a/b')).toBeUndefined();
    expect(parsePointer('#/bad%escape%')).toBeUndefined();
  });

  it('resolves values, and undefined for paths that do not exist or leave own properties', () => {
    const doc = { a: [{ b: 1 }], 'x/y': { '~': 2 } };
    expect(resolvePointer(doc, '/a/0/b')).toBe(1);
    expect(resolvePointer(doc, '/x~1y/~0')).toBe(2);
    expect(resolvePointer(doc, '/a/01')).toBeUndefined();
    expect(resolvePointer(doc, '/a/5')).toBeUndefined();
    expect(resolvePointer(doc, '/__proto__')).toBeUndefined();
    expect(resolvePointer(doc, '/a/0/b/c')).toBeUndefined();
  });
});
