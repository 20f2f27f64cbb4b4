import { formatCount, formatDollars, formatPercent, formatUsd } from './pricing/money';
import type { CostAnalysis } from './tools/cost-analyzer';
import type { ForecastHorizon, SpendForecast } from './tools/spend-forecaster';
import type { AgentAnswer, Workload } from './types';
import type { AgentRun } from './agent-run';
import { describeFailure, type Findings } from './findings';
import type { DraftRecommendation } from './recommendations';
import type { GrowthHint } from './request-hints';

/** A list for prose: `a, b and c`; long lists end with `and N more`. */
export function listOf(items: readonly string[], max = 5): string {
  const shown = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : [...items];
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** `1 model`, `3 models`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `1 change saves`, `3 changes save`: a count of changes with its verb. */
export function changes(count: number, singularVerb: string, pluralVerb: string): string {
  return `${plural(count, 'change')} ${count === 1 ? singularVerb : pluralVerb}`;
}

/** `1. Route ...: $2,400.00 a month.` lines, one per recommendation. */
export function recommendationLines(recommendations: readonly DraftRecommendation[]): string {
  return recommendations.map((r, i) => `${i + 1}. ${r.title}: ${formatUsd(r.cents)} a month.`).join('\n');
}

/** `$4,125.50 a month (31.8% of spend)`. */
export function savingsPhrase(totalCents: number, spendCents: number | null): string {
  const share = spendCents ? ` (${formatPercent(totalCents / spendCents)} of spend)` : '';
  return `${formatUsd(totalCents)} a month${share}`;
}

/**
 * Why an answer is partial: the tools that failed (with what their failure leaves out) and, when fewer than three
 * changes save money, why the other levers do not apply. Empty when the answer is complete.
 */
export function partialReasons(run: AgentRun, findings: Findings): string[] {
  const reasons = run.failures.map((f) => `${describeFailure(f)}, so its figures are missing from this answer.`);
  const count = findings.selected().length;
  if (count < 3) {
    const why =
      findings.notApplicable.length > 0 ? ` The other levers do not apply: ${listOf(findings.notApplicable, 8)}.` : '';
    const found = count === 0 ? 'No change saves money' : `Only ${changes(count, 'saves', 'save')} money`;
    reasons.push(`${found} on this workload.${why}`);
  }
  return reasons;
}

/** The answer of a cancelled run: says so, and what was found before the cancel. */
export function cancelledAnswer(agentName: string, run: AgentRun, findings: Findings): AgentAnswer {
  const steps = run.thinkingSteps + run.toolCalls;
  const parts = [`Cancelled at your request: ${agentName} stopped after ${plural(steps, 'step')}.`];
  if (findings.spendCents === null) {
    parts.push('No figures had been computed yet.');
  } else {
    const n = findings.modelNames.length;
    parts.push(`So far: your ${plural(n, 'model')} cost ${formatUsd(findings.spendCents)} a month.`);
  }
  const recommendations = findings.selected();
  if (recommendations.length > 0) {
    parts.push(
      `Changes found before the cancel, ${savingsPhrase(findings.totalCents(), findings.spendCents)} in total:\n` +
        recommendationLines(recommendations),
    );
  } else if (findings.spendCents !== null) {
    parts.push('No savings had been estimated yet.');
  }
  return { status: 'cancelled', final_response: parts.join(' '), result: findings.toResult() };
}

/** `3 models (gpt-4o, claude-3-5-sonnet and gemini-1.5-flash) serving 2,150,000 requests a month`, tolerant of a
 * malformed workload (the tools refuse it later, with a reason). */
export function workloadSummary(workload: Workload): { names: string[]; text: string } {
  const entries = Array.isArray(workload?.workload) ? workload.workload : [];
  const names = entries.map((m) => (typeof m?.model === 'string' ? m.model : '?'));
  const requests = entries.reduce(
    (sum, m) =>
      sum +
      (typeof m?.requests_per_month === 'number' && Number.isFinite(m.requests_per_month) ? m.requests_per_month : 0),
    0,
  );
  const n = entries.length;
  return {
    names: names.filter((name) => name !== '?'),
    text: `${plural(n, 'model')} (${listOf(names)}) serving ${formatCount(requests)} requests a month`,
  };
}

/** `gpt-4o $8,100.00 (62.5%), ...`: the largest costs first. */
export function spendBreakdown(cost: CostAnalysis, max = 3): string {
  const rows = [...cost.models].sort((a, b) => b.monthly_cost_usd - a.monthly_cost_usd);
  return listOf(
    rows.map((m) => `${m.model} ${formatDollars(m.monthly_cost_usd)} (${formatPercent(m.share_of_spend)})`),
    max,
  );
}

/** `5% monthly growth (assumed)` or `-2% monthly growth (your figure)`. */
export function growthPhrase(growth: GrowthHint): string {
  return `${formatPercent(growth.monthly, 2)} monthly growth (${growth.stated ? 'your figure' : 'assumed'})`;
}

/** What the forecast says about the workload's monthly budget, or '' without one. */
export function budgetSentence(forecast: SpendForecast, withRecommendations: boolean): string {
  const budget = forecast.budget;
  if (!budget) return '';
  const months = forecast.horizons[forecast.horizons.length - 1]?.months ?? 12;
  const amount = formatDollars(budget.monthly_budget_usd);
  const over = budget.first_month_over_budget;
  const overWith = budget.first_month_over_budget_with_recommendations;
  let text: string;
  if (over === null) text = `You stay within your ${amount} monthly budget for the next ${months} months`;
  else if (over === 0) text = `You are already over your ${amount} monthly budget`;
  else text = `At this growth you go over your ${amount} monthly budget in month ${over}`;
  if (withRecommendations && over !== null) {
    if (overWith === null) text += `; with these changes you stay under it for the next ${months} months`;
    else if (overWith === 0) text += '; even with these changes you stay over it';
    else if (overWith > over) text += `; these changes push that back to month ${overWith}`;
  }
  return `${text}.`;
}

/** The longest horizon of a forecast. */
export function lastHorizon(forecast: SpendForecast): ForecastHorizon | undefined {
  return forecast.horizons[forecast.horizons.length - 1];
}
