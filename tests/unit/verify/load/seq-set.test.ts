import fc from 'fast-check';
import { SeqSet } from '../../../../src/verify/load';

test('behaves as a Set of seqs for any order of arrival (in order, replays, overtaking, repeats)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 200 }),
      fc.integer({ min: 0, max: 70 }),
      (seqs, bound) => {
        const set = new SeqSet();
        const model = new Set<number>();
        for (const seq of seqs) {
          expect(set.add(seq)).toBe(!model.has(seq));
          model.add(seq);
        }
        expect(set.size).toBe(model.size);
        for (let seq = 0; seq <= 61; seq++) expect(set.has(seq)).toBe(model.has(seq));
        expect(set.countBetween(1, bound)).toBe([...model].filter((s) => s <= bound).length);
        set.clear();
        expect(set.size).toBe(0);
        expect(seqs.some((s) => set.has(s))).toBe(false);
      },
    ),
  );
});

test('in-order arrival keeps one range (no Set allocated)', () => {
  const set = new SeqSet();
  for (let seq = 1; seq <= 1000; seq++) set.add(seq);
  expect(set.countBetween(1, 1000)).toBe(1000);
  expect((set as unknown as { extra?: Set<number> }).extra).toBeUndefined();
});
