import { defaultHorizons, defaultMonthlyGrowth } from './tools/spend-forecaster';

/** Growth rate the user stated (converted to monthly), or the default assumption. */
export interface GrowthHint {
  monthly: number;
  stated: boolean;
}

const growthWords = /(grow|growth|increas|rise|rising|scal|expand|up by)/i;
const declineWords = /(shrink|declin|drop|fall|decreas|down by)/i;
const yearlyWords = /^\W*(a|per|each|every)?\s*(year|annual|yearly|yoy)/i;

/**
 * Reads a growth rate from the request text, such as "we grow 10% a month" or "usage rises 60% per year" (yearly
 * rates become the equivalent monthly rate). Without one, the default assumption of 5% a month.
 */
export function growthFromRequest(text: string): GrowthHint {
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)\s*%/g)) {
    const start = match.index ?? 0;
    const before = text.slice(Math.max(0, start - 40), start);
    const after = text.slice(start + match[0].length, start + match[0].length + 25);
    const declining = declineWords.test(before);
    if (!declining && !growthWords.test(before)) continue;
    const rate = (declining ? -1 : 1) * (Number(match[1]) / 100);
    const monthly = yearlyWords.test(after) ? (1 + rate) ** (1 / 12) - 1 : rate;
    return { monthly: Math.round(Math.min(0.5, Math.max(-0.5, monthly)) * 10000) / 10000, stated: true };
  }
  return { monthly: defaultMonthlyGrowth, stated: false };
}

/** Growth hints of recent request texts: most runs send one of a few texts, and read it once per run. */
const growthByText = new Map<string, GrowthHint>();
const MAX_GROWTH_TEXTS = 256;

/**
 * {@link growthFromRequest}, frozen and the same object for the same text while the text is remembered, so that what
 * the agents build from it can be cached by identity (FrozenMemo).
 */
export function growthOf(text: string): GrowthHint {
  let growth = growthByText.get(text);
  if (growth === undefined) {
    growth = Object.freeze(growthFromRequest(text));
    if (growthByText.size >= MAX_GROWTH_TEXTS) growthByText.clear();
    growthByText.set(text, growth);
  }
  return growth;
}

const wordMonths: Record<string, number> = { quarter: 3, half: 6, year: 12 };

/** The forecast horizons for a request: 3, 6 and 12 months, plus one the user named ("next 18 months"). */
export function horizonsFromRequest(text: string): number[] {
  const horizons = new Set(defaultHorizons);
  const months = /\b(\d{1,2})\s*months?\b/i.exec(text);
  if (months && Number(months[1]) >= 1 && Number(months[1]) <= 36) horizons.add(Number(months[1]));
  const word = /\bnext\s+(quarter|half|year)\b/i.exec(text);
  if (word) horizons.add(wordMonths[word[1]!.toLowerCase()]!);
  return [...horizons].sort((a, b) => a - b).slice(0, 6);
}

const forecastWords = new RegExp(
  [
    'forecast\\w*',
    'budget\\w*',
    'predict\\w*',
    'projection\\w*',
    'project(ed)? spend',
    'run[- ]rate',
    'next\\s+(quarter|half|year|\\d+\\s*months?)',
    'coming\\s+(months|quarter|year)',
    'how much will',
  ]
    .map((word) => `\\b${word}\\b`)
    .join('|'),
  'i',
);

/** Whether the request is about the future: forecasts, budgets, run rates, the next quarter or year. */
export function asksForForecast(text: string): boolean {
  return forecastWords.test(text);
}
