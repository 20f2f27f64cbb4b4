import fc from 'fast-check';
import { removeAt } from '../../../src/util/arrays';

describe('removeAt', () => {
  it('removes the item at the index in place, like splice(index, 1), and returns it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 20 }), fc.nat(25), (items, index) => {
        const list = items.slice();
        const expected = items.slice();
        const removed = index < expected.length ? expected.splice(index, 1)[0] : undefined;
        expect(removeAt(list, index)).toBe(removed);
        expect(list).toEqual(expected);
      }),
    );
  });

  it('leaves the list alone for an index that is not in it (splice(-1, 1) would drop the last item)', () => {
    const list = ['a', 'b'];
    expect(removeAt(list, -1)).toBeUndefined();
    expect(removeAt(list, 2)).toBeUndefined();
    expect(list).toEqual(['a', 'b']);
  });
});
