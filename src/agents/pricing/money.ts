// Money is computed in floating dollars, then rounded once to integer cents. Sums are taken over integer cents so
// a total is exactly the sum of the rounded parts it is made of (no float drift), and converted back at the edge.

/**
 * Dollars to integer cents, half up. `toPrecision(15)` first drops binary noise (1.005 * 100 = 100.49999999999999)
 * so that values a person computes by hand round the way the person expects.
 *
 * @example
 * toCents(1.005); // 101
 */
export function toCents(usd: number): number {
  if (!Number.isFinite(usd)) throw new RangeError(`not a finite amount: ${usd}`);
  const cents = usd * 100;
  if (cents === 0) return 0; // -0 too, as toPrecision gives it
  // toPrecision(15) (and parsing it back) moves `cents` by less than 1e-14 of its size, so it can only change how
  // `cents` rounds when `cents` lies that close to a half cent. Everywhere else (nearly always) Math.round alone gives
  // the same integer without building a string: the agents call this hundreds of times per run.
  if (Math.abs(cents - Math.floor(cents) - 0.5) > Math.abs(cents) * 1e-14) return Math.round(cents);
  return Math.round(Number(cents.toPrecision(15)));
}

/** Integer cents to dollars (a JSON number with at most two decimals). */
export function centsToUsd(cents: number): number {
  return cents / 100;
}

/** Dollars rounded to the cent. */
export function roundUsd(usd: number): number {
  return centsToUsd(toCents(usd));
}

/** Sum of integer cents. */
export function sumCents(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function groupThousands(digits: string): string {
  const length = digits.length;
  if (length <= 3) return digits;
  // A number past 1e21 prints with an exponent: the general rule (never met by amounts a UsdAmount can carry).
  if (digits.includes('e')) return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let grouped = digits.slice(0, ((length - 1) % 3) + 1);
  for (let i = grouped.length; i < length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return grouped;
}

/** `$1,480.50` from 148050 cents. Deterministic (no locale data). */
export function formatUsd(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, '0');
  return `${sign}$${groupThousands(String(whole))}.${fraction}`;
}

/** `$1,480.50` from 1480.5 dollars (rounded to the cent first). */
export function formatDollars(usd: number): string {
  return formatUsd(toCents(usd));
}

/** `1,250,000` for counts; non-integers keep up to one decimal. */
export function formatCount(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  const digits = String(Math.abs(rounded));
  // The same as splitting on '.', without the array (the agents format counts in every thought).
  const dot = digits.indexOf('.');
  const whole = dot === -1 ? digits : digits.slice(0, dot);
  const fraction = dot === -1 ? '' : digits.slice(dot + 1);
  return `${rounded < 0 ? '-' : ''}${groupThousands(whole)}${fraction ? `.${fraction}` : ''}`;
}

/** `35%` from 0.35; `digits` decimals when needed (`12.5%`). */
export function formatPercent(share: number, digits = 1): string {
  const factor = 10 ** digits;
  const rounded = Math.round(share * 100 * factor) / factor;
  // A tiny but real share must not read as nothing.
  if (rounded === 0 && share > 0) return `<${1 / factor}%`;
  return `${rounded}%`;
}
