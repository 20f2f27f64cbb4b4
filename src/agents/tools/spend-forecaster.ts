import { centsToUsd, formatUsd, toCents } from '../pricing/money';
import { modelCost } from '../pricing/pricing';
import { readIntegerList, readNumber, ToolInputError } from './parameters';
import type { ToolDefinition } from './tool-kit';

/** Month-on-month growth of AI usage assumed when the user states none (5% a month, about 80% a year). */
export const defaultMonthlyGrowth = 0.05;
export const defaultHorizons: readonly number[] = [3, 6, 12];

/** Spend over one horizon (spend_forecaster results.horizons[]). */
export interface ForecastHorizon {
  months: number;
  month_end_run_rate_usd: number;
  month_end_run_rate_with_recommendations_usd: number;
  cumulative_spend_usd: number;
  cumulative_spend_with_recommendations_usd: number;
  cumulative_savings_usd: number;
}

/** spend_forecaster results. */
export interface SpendForecast {
  currency: 'USD';
  current_monthly_spend_usd: number;
  monthly_savings_usd: number;
  growth_rate_monthly: number;
  horizons: ForecastHorizon[];
  budget: {
    monthly_budget_usd: number;
    /** First month (0 = this month, 1 = next) whose spend exceeds the budget, within the longest horizon. */
    first_month_over_budget: number | null;
    first_month_over_budget_with_recommendations: number | null;
  } | null;
}

function firstMonthOver(monthlyUsd: number, growth: number, budgetUsd: number, lastMonth: number): number | null {
  for (let month = 0; month <= lastMonth; month++) {
    if (toCents(monthlyUsd * (1 + growth) ** month) > toCents(budgetUsd)) return month;
  }
  return null;
}

/**
 * spend_forecaster: the next months' spend if usage keeps growing at `growth_rate_monthly`, with and without the
 * recommendations. Month k (1 = next month) costs spend x (1 + g)^k; savings scale with usage the same way, since
 * they are shares of it. Cumulative figures sum months 1..h. With the workload's monthly_budget_usd, also the first
 * month the run rate goes over it.
 * Parameters: `growth_rate_monthly` (-0.5..0.5, default 0.05), `horizons_months` (1 to 6 integers in 1..36, default
 * [3, 6, 12]), `monthly_savings_usd` (0..current spend, default 0).
 */
export const spendForecaster: ToolDefinition = {
  name: 'spend_forecaster',
  description: 'Spend over the next 3, 6 and 12 months at a growth rate, with and without the recommendations.',
  parameterKeys: ['growth_rate_monthly', 'horizons_months', 'monthly_savings_usd'],
  run(params, { models, prices, table, budgetUsd }) {
    const growth = readNumber(params, 'growth_rate_monthly', { min: -0.5, max: 0.5 }, defaultMonthlyGrowth);
    const horizons = readIntegerList(params, 'horizons_months', { min: 1, max: 36, maxItems: 6 }, defaultHorizons);
    const spendCents = models.reduce((sum, entry, index) => sum + modelCost(entry, prices[index], table).totalCents, 0);
    const savingsUsd = readNumber(params, 'monthly_savings_usd', { min: 0, max: 1e12 }, 0);
    const savingsCents = toCents(savingsUsd);
    if (savingsCents > spendCents) {
      throw new ToolInputError(
        'INVALID_PARAMETERS',
        `monthly_savings_usd (${formatUsd(savingsCents)}) exceeds the current monthly spend (${formatUsd(spendCents)}).`,
      );
    }
    const spendUsd = centsToUsd(spendCents);
    const optimisedUsd = centsToUsd(spendCents - savingsCents);
    const rows: ForecastHorizon[] = horizons.map((months) => {
      let cumulative = 0;
      let cumulativeOptimised = 0;
      for (let k = 1; k <= months; k++) {
        cumulative += spendUsd * (1 + growth) ** k;
        cumulativeOptimised += optimisedUsd * (1 + growth) ** k;
      }
      const cumulativeCents = toCents(cumulative);
      const cumulativeOptimisedCents = toCents(cumulativeOptimised);
      return {
        months,
        month_end_run_rate_usd: centsToUsd(toCents(spendUsd * (1 + growth) ** months)),
        month_end_run_rate_with_recommendations_usd: centsToUsd(toCents(optimisedUsd * (1 + growth) ** months)),
        cumulative_spend_usd: centsToUsd(cumulativeCents),
        cumulative_spend_with_recommendations_usd: centsToUsd(cumulativeOptimisedCents),
        cumulative_savings_usd: centsToUsd(cumulativeCents - cumulativeOptimisedCents),
      };
    });
    const lastMonth = horizons[horizons.length - 1];
    const result: SpendForecast = {
      currency: 'USD',
      current_monthly_spend_usd: spendUsd,
      monthly_savings_usd: centsToUsd(savingsCents),
      growth_rate_monthly: growth,
      horizons: rows,
      budget:
        budgetUsd === null
          ? null
          : {
              monthly_budget_usd: budgetUsd,
              first_month_over_budget: firstMonthOver(spendUsd, growth, budgetUsd, lastMonth),
              first_month_over_budget_with_recommendations: firstMonthOver(optimisedUsd, growth, budgetUsd, lastMonth),
            },
    };
    return result as unknown as Record<string, unknown>;
  },
};
