import { formatDollars, formatPercent, formatUsd, toCents } from './pricing/money';
import {
  defaultBatchLatencyLevels,
  defaultCacheablePromptShare,
  type CacheBatchEstimate,
} from './tools/cache-batch-estimator';
import type { CostAnalysis } from './tools/cost-analyzer';
import { defaultRoutableShare, type RoutingSimulation } from './tools/routing-simulator';
import type { SpendForecast } from './tools/spend-forecaster';
import type { AgentAnswer, AgentIO, AgentRequest } from './types';
import { resolveWorkload } from './pricing/workload';
import { AgentRun, RunCancelled } from './agent-run';
import {
  budgetSentence,
  cancelledAnswer,
  changes,
  growthPhrase,
  lastHorizon,
  listOf,
  partialReasons,
  recommendationLines,
  savingsPhrase,
  spendBreakdown,
  workloadSummary,
} from './answer-text';
import { Findings } from './findings';
import { cacheBatchDrafts, routingDrafts } from './recommendations';
import { growthFromRequest, horizonsFromRequest, type GrowthHint } from './request-hints';
import { isCacheBatchEstimate, isCostAnalysis, isRoutingSimulation, isSpendForecast } from './result-guards';

/** The agent's name, as agent_started.agent_name carries it. */
export const spendForecasterName = 'spend_forecaster';

function horizonsPhrase(
  forecast: SpendForecast,
  pick: 'cumulative_spend_usd' | 'cumulative_spend_with_recommendations_usd',
): string {
  const parts = forecast.horizons.map(
    (h, i) => `${formatDollars(h[pick])} over ${i === 0 ? 'the next ' : ''}${h.months}`,
  );
  return `${listOf(parts, 6)} months`;
}

/**
 * spend_forecaster: where the spend is heading. Prices today's spend (cost_analyzer), projects it at the growth rate
 * the user named (or 5% a month) over 3, 6 and 12 months and against the monthly budget (spend_forecaster), finds
 * the routing, caching and batching savings that bend the curve (routing_simulator, cache_batch_estimator), and
 * projects again with them.
 */
export async function runSpendForecaster(req: AgentRequest, io: AgentIO): Promise<AgentAnswer> {
  const run = new AgentRun(io);
  const findings = new Findings();
  try {
    return await forecastSpend(req, run, findings);
  } catch (err) {
    if (err instanceof RunCancelled) return cancelledAnswer(spendForecasterName, run, findings);
    throw err;
  }
}

// The steps of one run, in the order their events go out. Each step reads and extends what the earlier ones found.

/** What the first step priced and read from the request: the later steps project and save from it. */
interface Priced {
  spendCents: number;
  growth: GrowthHint;
  horizons: number[];
}

/** The two forecasts: without changes and with the chosen savings (either null when the tool failed). */
interface Forecasts {
  baseline: SpendForecast | null;
  optimised: SpendForecast | null;
}

async function forecastSpend(req: AgentRequest, run: AgentRun, findings: Findings): Promise<AgentAnswer> {
  const priced = await priceRunRate(req, run, findings);
  const baseline = await forecastBaseline(run, priced);
  await findSavings(run, findings, priced);
  const optimised = await forecastWithSavings(run, findings, priced);
  run.checkAbort();
  return composeAnswer(run, findings, priced, { baseline, optimised });
}

/** cost_analyzer (essential): today's run rate, announced with the growth and horizons read from the request. */
async function priceRunRate(req: AgentRequest, run: AgentRun, findings: Findings): Promise<Priced> {
  const workload = resolveWorkload(req);
  const summary = workloadSummary(workload);
  const growth = growthFromRequest(req.userRequest);
  const horizons = horizonsFromRequest(req.userRequest);
  await run.think(
    `Forecasting spend for ${req.workload ? 'your workload' : 'your sample workload'}: ${summary.text}, ` +
      `at ${growthPhrase(growth)} over ${listOf(horizons.map(String), 6)} months. Pricing today's run rate first.`,
  );

  const cost = await run.callEssential<CostAnalysis>(
    'cost_analyzer',
    summary.names.length > 0 ? { models: summary.names } : {},
    isCostAnalysis,
  );
  const spendCents = toCents(cost.total_monthly_spend_usd);
  findings.spendCents = spendCents;
  findings.modelNames = cost.models.map((m) => m.model);
  await run.think(
    `Today's run rate is ${formatUsd(spendCents)} a month: ${spendBreakdown(cost)}. ` +
      `Projecting it ${horizons[horizons.length - 1]} months out at ${formatPercent(growth.monthly, 2)} a month.`,
  );
  return { spendCents, growth, horizons };
}

/** spend_forecaster without savings: where the spend goes if nothing changes. */
async function forecastBaseline(run: AgentRun, { growth, horizons }: Priced): Promise<SpendForecast | null> {
  const baseline = await run.call<SpendForecast>(
    'spend_forecaster',
    { growth_rate_monthly: growth.monthly, horizons_months: horizons, monthly_savings_usd: 0 },
    isSpendForecast,
  );
  const baselineEnd = baseline ? lastHorizon(baseline) : undefined;
  await run.think(
    baseline && baselineEnd
      ? `Without changes: ${horizonsPhrase(baseline, 'cumulative_spend_usd')}, and a run rate of ` +
          `${formatDollars(baselineEnd.month_end_run_rate_usd)} a month by month ${baselineEnd.months}. ` +
          `${budgetSentence(baseline, false)} Looking for savings that bend the curve: routing simple traffic first.`.trim()
      : 'The baseline forecast failed; looking for savings first and forecasting again with them.',
  );
  return baseline;
}

/** routing_simulator, then cache_batch_estimator on the traffic that stays; one thought sums up the levers. */
async function findSavings(run: AgentRun, findings: Findings, { spendCents }: Priced): Promise<void> {
  const routing = await run.call<RoutingSimulation>(
    'routing_simulator',
    { routable_share_by_latency: { ...defaultRoutableShare } },
    isRoutingSimulation,
  );
  const excluded: Record<string, number> = {};
  if (routing) {
    findings.add(routingDrafts(routing));
    for (const m of routing.models) if (m.monthly_savings_usd > 0) excluded[m.model] = m.routable_share;
  }
  const estimate = await run.call<CacheBatchEstimate>(
    'cache_batch_estimator',
    {
      cacheable_prompt_share: defaultCacheablePromptShare,
      batch_latency_levels: [...defaultBatchLatencyLevels],
      excluded_share_by_model: excluded,
    },
    isCacheBatchEstimate,
  );
  if (estimate) findings.add(cacheBatchDrafts(estimate));
  const chosen = findings.selected();
  const totalCents = findings.totalCents();
  const levers = [
    routing ? `routing ${formatDollars(routing.total_monthly_savings_usd)}` : 'routing unavailable',
    estimate ? `caching ${formatDollars(estimate.caching_monthly_savings_usd)}` : 'caching unavailable',
    estimate ? `batching ${formatDollars(estimate.batching_monthly_savings_usd)}` : 'batching unavailable',
  ];
  await run.think(
    `Savings levers: ${listOf(levers)}. Together ${changes(chosen.length, 'saves', 'save')} ` +
      `${savingsPhrase(totalCents, spendCents)}; re-running the forecast with them.`,
  );
}

/** spend_forecaster again with the chosen changes' savings (capped at the spend). */
async function forecastWithSavings(
  run: AgentRun,
  findings: Findings,
  { spendCents, growth, horizons }: Priced,
): Promise<SpendForecast | null> {
  return run.call<SpendForecast>(
    'spend_forecaster',
    {
      growth_rate_monthly: growth.monthly,
      horizons_months: horizons,
      monthly_savings_usd: Math.min(findings.totalCents(), spendCents) / 100,
    },
    isSpendForecast,
  );
}

/** The agent_completed body: the projection (with savings when they were forecast), the changes, why partial. */
function composeAnswer(
  run: AgentRun,
  findings: Findings,
  { spendCents, growth }: Priced,
  { baseline, optimised }: Forecasts,
): AgentAnswer {
  const chosen = findings.selected();
  const totalCents = findings.totalCents();
  const reasons = partialReasons(run, findings);
  const parts: string[] = [];
  if (reasons.length > 0) parts.push(`Partial answer. ${reasons.join(' ')}`);
  const forecast = optimised ?? baseline;
  const end = forecast ? lastHorizon(forecast) : undefined;
  if (forecast && end) {
    parts.push(
      `At ${growthPhrase(growth)}, your spend of ${formatUsd(spendCents)} a month reaches ` +
        `${formatDollars(end.month_end_run_rate_usd)} a month by month ${end.months}: ` +
        `${horizonsPhrase(forecast, 'cumulative_spend_usd')}.`,
    );
    const budget = budgetSentence(forecast, optimised !== null && chosen.length > 0);
    if (budget) parts.push(budget);
  } else {
    parts.push(`Your spend is ${formatUsd(spendCents)} a month today; the forecast itself could not be computed.`);
  }
  if (chosen.length > 0) {
    parts.push(
      `${changes(chosen.length, 'cuts', 'cut')} ${savingsPhrase(totalCents, spendCents)} now:\n` +
        `${recommendationLines(chosen)}\n`,
    );
    if (optimised && end) {
      const byHorizon = horizonsPhrase(optimised, 'cumulative_spend_with_recommendations_usd');
      parts.push(
        `With them the next ${end.months} months cost ${formatDollars(end.cumulative_spend_with_recommendations_usd)}, ` +
          `${formatDollars(end.cumulative_savings_usd)} less (${byHorizon}).`,
      );
    }
  }
  parts.push('Prices are illustrative list prices from the provider price table.');
  return {
    status: reasons.length > 0 ? 'partial' : 'success',
    final_response: parts.join(' ').replace(/\n /g, '\n'),
    result: findings.toResult(),
  };
}
