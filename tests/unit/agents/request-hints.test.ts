import { asksForForecast, growthFromRequest, horizonsFromRequest } from '../../../src/agents/request-hints';
import { formatCount, formatPercent, formatUsd, toCents } from '../../../src/agents/pricing/money';

describe('growthFromRequest', () => {
  it.each<[string, number, boolean]>([
    ['We grow 10% a month', 0.1, true],
    ['usage is increasing by 2.5% per month', 0.025, true],
    // (1.6)^(1/12) - 1 = 0.03994...
    ['traffic rises 60% per year', 0.0399, true],
    ['volume will shrink 5% monthly', -0.05, true],
    ['growth of 400% a month', 0.5, true], // clamped to what spend_forecaster accepts
    ['cut 30% of our costs', 0.05, false], // a percentage, but not a growth rate
    ['Optimise my AI costs.', 0.05, false],
  ])('%s -> %d', (text, monthly, stated) => {
    expect(growthFromRequest(text)).toEqual({ monthly, stated });
  });
});

describe('horizonsFromRequest and asksForForecast', () => {
  it('adds a horizon the user names to 3, 6 and 12 months', () => {
    expect(horizonsFromRequest('what about the next 18 months?')).toEqual([3, 6, 12, 18]);
    expect(horizonsFromRequest('next quarter')).toEqual([3, 6, 12]);
    expect(horizonsFromRequest('in 99 months')).toEqual([3, 6, 12]);
  });

  it('recognises forecast questions', () => {
    expect(asksForForecast('How much will we spend in the coming year?')).toBe(true);
    expect(asksForForecast('Cut costs without hurting latency')).toBe(false);
  });
});

describe('money helpers', () => {
  it('rounds half up to the cent without float noise', () => {
    expect(toCents(1.005)).toBe(101);
    expect(toCents(0.1 + 0.2)).toBe(30);
    expect(toCents(1480.5)).toBe(148050);
    expect(() => toCents(Number.NaN)).toThrow(RangeError);
  });

  it('formats amounts, counts and shares deterministically', () => {
    expect(formatUsd(148050)).toBe('$1,480.50');
    expect(formatUsd(5)).toBe('$0.05');
    expect(formatUsd(123456789012)).toBe('$1,234,567,890.12');
    expect(formatCount(1_300_000)).toBe('1,300,000');
    expect(formatCount(141.6)).toBe('141.6');
    expect(formatPercent(0.35)).toBe('35%');
    expect(formatPercent(0.0003)).toBe('<0.1%');
  });
});
