import { formatCount, formatUsd, toCents } from '../../../src/agents/pricing/money';
import { seededRandom as seeded } from '../../support/util';

// The rules as they were first written (string based), kept here as the reference the fast paths must match.
const referenceCents = (usd: number): number => Math.round(Number((usd * 100).toPrecision(15)));
const referenceGroup = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

describe('toCents fast path', () => {
  it('rounds exactly as toPrecision(15) then Math.round, on half cents and their float neighbours', () => {
    const values: number[] = [0, -0, 0.005, -0.005, 1.005, 2.675, 1.115, 8.345, 0.285, 1e12, -1e12, 2 ** 53, 1e-320];
    for (let cents = -2000; cents <= 2000; cents++) {
      const half = (cents + 0.5) / 100;
      values.push(half, half * 1000, half * 1e6, half * 1e9);
    }
    for (const v of [...values]) values.push(v + Number.EPSILON * Math.abs(v), v - Number.EPSILON * Math.abs(v));
    expect(values.filter((v) => !Object.is(toCents(v), referenceCents(v)))).toEqual([]);
  });

  it('matches the reference on random amounts of every size and on sums that carry float noise', () => {
    const random = seeded(13);
    const mismatches: number[] = [];
    for (let i = 0; i < 300_000; i++) {
      const v = (random() - 0.3) * 10 ** Math.floor(random() * 14);
      const noisy = v * 0.1 + v * 0.2;
      if (!Object.is(toCents(v), referenceCents(v))) mismatches.push(v);
      if (!Object.is(toCents(noisy), referenceCents(noisy))) mismatches.push(noisy);
    }
    expect(mismatches).toEqual([]);
  });

  it('still refuses what is not an amount', () => {
    expect(() => toCents(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => toCents(Number.NaN)).toThrow(RangeError);
  });
});

describe('thousands grouping', () => {
  it('groups like the reference rule for every length and for exponent notation', () => {
    const referenceUsd = (cents: number): string =>
      `${cents < 0 ? '-' : ''}$${referenceGroup(String(Math.floor(Math.abs(cents) / 100)))}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
    for (let digits = 1; digits <= 16; digits++) {
      const cents = Number('9876543210987654'.slice(0, digits));
      expect(formatUsd(cents)).toBe(referenceUsd(cents));
      expect(formatUsd(-cents)).toBe(referenceUsd(-cents));
    }
    for (const value of [0, 7, 999, 1000, 12345.6, -1234567.8, 1e21, 123456789012345]) {
      const rounded = Math.round(value * 10) / 10;
      const [whole, fraction] = String(Math.abs(rounded)).split('.');
      const expected = `${rounded < 0 ? '-' : ''}${referenceGroup(whole)}${fraction ? `.${fraction}` : ''}`;
      expect(formatCount(value)).toBe(expected);
    }
  });
});
