import { formatCount, formatDollars, formatPercent, formatUsd, toCents } from './pricing/money';
import {
  defaultBatchLatencyLevels,
  defaultCacheablePromptShare,
  type CacheBatchEstimate,
} from './tools/cache-batch-estimator';
import type { CostAnalysis } from './tools/cost-analyzer';
import { defaultCurrentUtilisation, defaultTargetUtilisation, type GpuRightsizing } from './tools/gpu-rightsizer';
import { defaultRoutableShare, type RoutingSimulation } from './tools/routing-simulator';
import type { SpendForecast } from './tools/spend-forecaster';
import type { AgentAnswer, AgentIO, AgentRequest, Workload } from './types';
import { resolveWorkload } from './pricing/workload';
import { AgentRun, RunCancelled } from './agent-run';
import {
  budgetSentence,
  cancelledAnswer,
  changes,
  plural,
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
import { FrozenMemo, memoOnFrozen, NOTHING } from './frozen-memo';
import { cacheBatchDrafts, gpuDrafts, routingDrafts, type Drafts } from './recommendations';
import { growthOf, type GrowthHint } from './request-hints';
import { deepFreeze } from '../util/deep-freeze';
import {
  isCacheBatchEstimate,
  isCostAnalysis,
  isGpuRightsizing,
  isRoutingSimulation,
  isSpendForecast,
} from './result-guards';

/** The agent's name, as agent_started.agent_name carries it. */
export const costOptimizerName = 'cost_optimizer';

function routingThought(sim: RoutingSimulation): string {
  const moves = sim.models
    .filter((m) => m.monthly_savings_usd > 0)
    .map(
      (m) =>
        `${m.model} -> ${m.route_to} for ${formatPercent(m.routable_share)} of requests ` +
        `(${m.latency_sensitivity} latency sensitivity): ${formatDollars(m.monthly_savings_usd)}`,
    );
  const skipped = sim.skipped.map((s) => s.model);
  return [
    moves.length > 0
      ? `Routing saves ${formatDollars(sim.total_monthly_savings_usd)} a month: ${listOf(moves)}.`
      : 'Routing saves nothing here.',
    skipped.length > 0
      ? `${listOf(skipped)} ${skipped.length === 1 ? 'has' : 'have'} no cheaper model in the family.`
      : '',
    'Next: prompt caching and batch API savings on the traffic that stays on each model.',
  ]
    .filter(Boolean)
    .join(' ');
}

function cacheBatchThought(estimate: CacheBatchEstimate, next: string): string {
  const caching = estimate.models
    .filter((m) => m.caching.monthly_savings_usd > 0)
    .map((m) => `${m.model} ${formatDollars(m.caching.monthly_savings_usd)}`);
  const batching = estimate.models
    .filter((m) => m.batching.monthly_savings_usd > 0)
    .map((m) => `${m.model} ${formatDollars(m.batching.monthly_savings_usd)}`);
  const latencyBound = estimate.models.filter((m) => m.batching.reason === 'latency_sensitive').map((m) => m.model);
  return [
    `Prompt caching saves ${formatDollars(estimate.caching_monthly_savings_usd)} a month` +
      (caching.length > 0 ? ` (${listOf(caching)}),` : ',') +
      ` the batch API ${formatDollars(estimate.batching_monthly_savings_usd)}` +
      (batching.length > 0 ? ` (${listOf(batching)}).` : '.'),
    latencyBound.length > 0 ? `No batching for latency-sensitive ${listOf(latencyBound)}.` : '',
    next,
  ]
    .filter(Boolean)
    .join(' ');
}

function gpuThought(sizing: GpuRightsizing): string {
  const rows = sizing.models.map(
    (m) =>
      `${m.model} ${formatCount(m.current_gpu_hours)} ${m.current_gpu} hours (${formatDollars(m.current_cost_usd)})` +
      ` -> ${formatCount(m.recommended_gpu_hours)} ${m.recommended_gpu} hours (${formatDollars(m.recommended_cost_usd)})`,
  );
  return (
    `Packing self-hosted GPUs from ${formatPercent(sizing.current_utilisation)} to ` +
    `${formatPercent(sizing.target_utilisation)} utilisation saves ${formatDollars(sizing.total_monthly_savings_usd)} ` +
    `a month: ${listOf(rows)}.`
  );
}

/**
 * cost_optimizer: prices today's spend (cost_analyzer), then finds savings lever by lever without counting a request
 * twice: routing simple traffic to cheaper models (routing_simulator), prompt caching and the batch API on the traffic
 * that stays (cache_batch_estimator), GPU right-sizing when the workload self-hosts (gpu_rightsizer), and finally
 * what the changes are worth over the next year (spend_forecaster).
 *
 * What each step says and asks is a pure function of the results before it. With a frozen workload those results
 * are the same frozen objects for every run (runTool's memo), so the text, drafts and tool parameters are built once
 * per workload and shared (FrozenMemo); runs on a workload that is not frozen build them every time.
 */
export async function runCostOptimizer(req: AgentRequest, io: AgentIO): Promise<AgentAnswer> {
  const run = new AgentRun(io);
  const findings = new Findings();
  try {
    return await optimise(req, run, findings);
  } catch (err) {
    if (err instanceof RunCancelled) return cancelledAnswer(costOptimizerName, run, findings);
    throw err;
  }
}

// The steps of one run, in the order their events go out. Each step reads and extends what the earlier ones found.

/** What the first step priced: the spend the later steps save from and the growth the forecast uses. */
interface Priced {
  cost: CostAnalysis;
  spendCents: number;
  growth: GrowthHint;
}

async function optimise(req: AgentRequest, run: AgentRun, findings: Findings): Promise<AgentAnswer> {
  const priced = await priceCurrentSpend(req, run, findings);
  const spend = spendOf(priced.cost);
  const cacheBatchParameters = await findRoutingSavings(run, findings);
  await findCacheBatchSavings(run, findings, cacheBatchParameters, priced.cost);
  if (spend.selfHosted) await findGpuSavings(run, findings);
  const forecast = await forecastWithChanges(run, findings, priced);
  run.checkAbort();
  // The answer of a run without failures is a function of its inputs' identities; a partial one is built each time.
  if (run.failures.length > 0) return composeAnswer(run, findings, priced, forecast);
  const keys = [priced.cost, priced.growth, forecast ?? NOTHING, ...findings.sources];
  return answers.get(keys, () => composeAnswer(run, findings, priced, forecast));
}

/** The opening thought (both wordings) and the cost_analyzer parameters of a workload. */
const openingOf = memoOnFrozen((workload: Workload) => {
  const summary = workloadSummary(workload);
  const pricing = 'Pricing the current spend against the price table first.';
  return {
    sent: `Your workload: ${summary.text}. ${pricing}`,
    sample: `No workload was sent, so I use your sample workload: ${summary.text}. ${pricing}`,
    parameters: summary.names.length > 0 ? { models: summary.names } : {},
  };
});

/** What cost_analyzer's results say: the spend, the models, the self-hosted part and the thought announcing them. */
const spendOf = memoOnFrozen((cost: CostAnalysis) => {
  const spendCents = toCents(cost.total_monthly_spend_usd);
  const gpuCents = toCents(cost.total_gpu_cost_usd);
  const selfHosted = cost.models.filter((m) => m.gpu_hours_per_month > 0);
  return {
    spendCents,
    modelNames: cost.models.map((m) => m.model),
    selfHosted: selfHosted.length > 0,
    thought:
      `Current spend is ${formatUsd(spendCents)} a month: ${spendBreakdown(cost)}.` +
      (gpuCents > 0 ? ` ${formatUsd(gpuCents)} of it is self-hosted GPU time.` : '') +
      ' Next: how much simple, latency-tolerant traffic could move to a cheaper model of the same family.',
    gpuNext:
      selfHosted.length > 0
        ? `Next: right-sizing the ${formatCount(selfHosted.reduce((s, m) => s + m.gpu_hours_per_month, 0))} ` +
          `self-hosted GPU hours of ${listOf(selfHosted.map((m) => m.model))}.`
        : '',
  };
});

/** cost_analyzer (essential): today's spend, announced before and after. */
async function priceCurrentSpend(req: AgentRequest, run: AgentRun, findings: Findings): Promise<Priced> {
  const opening = openingOf(resolveWorkload(req));
  const growth = growthOf(req.userRequest);
  await run.think(req.workload ? opening.sent : opening.sample);
  const cost = await run.callEssential<CostAnalysis>('cost_analyzer', opening.parameters, isCostAnalysis);
  const spend = spendOf(cost);
  findings.spendCents = spend.spendCents;
  findings.modelNames = spend.modelNames;
  await run.think(spend.thought);
  return { cost, spendCents: spend.spendCents, growth };
}

const routingParameters = deepFreeze({ routable_share_by_latency: { ...defaultRoutableShare } });

/** What routing results say, and the cache_batch_estimator parameters for the traffic that stays. */
const routingStepOf = memoOnFrozen((routing: RoutingSimulation) => ({
  drafts: routingDrafts(routing),
  thought: routingThought(routing),
  cacheBatchParameters: cacheBatchParametersFor(
    Object.fromEntries(routing.models.filter((m) => m.monthly_savings_usd > 0).map((m) => [m.model, m.routable_share])),
  ),
}));

/** Caching and batching on all of the traffic except `excluded` (per model, the share routing moves away). */
function cacheBatchParametersFor(excluded: Record<string, number>): Record<string, unknown> {
  return deepFreeze({
    cacheable_prompt_share: defaultCacheablePromptShare,
    batch_latency_levels: [...defaultBatchLatencyLevels],
    excluded_share_by_model: excluded,
  });
}

const allTrafficCacheBatchParameters = cacheBatchParametersFor({});

/**
 * routing_simulator: answers the cache_batch_estimator parameters, which leave out the share of each model's traffic
 * that moves, so caching does not count it again.
 */
async function findRoutingSavings(run: AgentRun, findings: Findings): Promise<Record<string, unknown>> {
  const routing = await run.call<RoutingSimulation>('routing_simulator', routingParameters, isRoutingSimulation);
  if (routing) {
    const step = routingStepOf(routing);
    findings.add(step.drafts);
    await run.think(step.thought);
    return step.cacheBatchParameters;
  }
  await run.think('The routing simulation failed; I carry on with caching and batching on all of the traffic.');
  return allTrafficCacheBatchParameters;
}

/** Drafts and thought of cache_batch_estimator results (the thought announces the GPU step of `cost`, if any). */
const cacheBatchSteps = new FrozenMemo<{ drafts: Drafts; thought: string }>();

/** cache_batch_estimator on the traffic that stays; the thought announces the GPU step when there is one. */
async function findCacheBatchSavings(
  run: AgentRun,
  findings: Findings,
  parameters: Record<string, unknown>,
  cost: CostAnalysis,
): Promise<void> {
  const estimate = await run.call<CacheBatchEstimate>('cache_batch_estimator', parameters, isCacheBatchEstimate);
  const { gpuNext } = spendOf(cost);
  if (estimate) {
    const step = cacheBatchSteps.get([estimate, cost], () => ({
      drafts: cacheBatchDrafts(estimate),
      thought: cacheBatchThought(estimate, gpuNext),
    }));
    findings.add(step.drafts);
    await run.think(step.thought);
  } else if (gpuNext) {
    await run.think(`The caching and batching estimate failed; moving on. ${gpuNext}`);
  }
}

const gpuParameters = deepFreeze({
  current_utilisation: defaultCurrentUtilisation,
  target_utilisation: defaultTargetUtilisation,
});

const gpuStepOf = memoOnFrozen((sizing: GpuRightsizing) => ({
  drafts: gpuDrafts(sizing),
  thought: gpuThought(sizing),
}));

/** gpu_rightsizer, only when the workload self-hosts. */
async function findGpuSavings(run: AgentRun, findings: Findings): Promise<void> {
  const sizing = await run.call<GpuRightsizing>('gpu_rightsizer', gpuParameters, isGpuRightsizing);
  if (sizing) {
    const step = gpuStepOf(sizing);
    findings.add(step.drafts);
    await run.think(step.thought);
  }
}

/** The forecast's thought and parameters, by spend, growth and the drafts found (see {@link forecastStep}). */
const forecastSteps = new FrozenMemo<{ thought: string; parameters: Record<string, unknown> }>();

/** spend_forecaster with the chosen changes' savings (capped at the spend), announced with the largest change. */
async function forecastWithChanges(run: AgentRun, findings: Findings, priced: Priced): Promise<SpendForecast | null> {
  const keys = [priced.cost, priced.growth, ...findings.sources];
  const step = forecastSteps.get(keys, () => forecastStep(findings, priced));
  await run.think(step.thought);
  return run.call<SpendForecast>('spend_forecaster', step.parameters, isSpendForecast);
}

function forecastStep(findings: Findings, { spendCents, growth }: Priced) {
  const chosen = findings.selected();
  const totalCents = findings.totalCents();
  return {
    thought:
      chosen.length > 0
        ? `${changes(chosen.length, 'saves', 'save')} ${savingsPhrase(totalCents, spendCents)}; ` +
          `the largest is "${chosen[0]!.title}" at ${formatUsd(chosen[0]!.cents)}. ` +
          `Forecasting the next 12 months at ${growthPhrase(growth)}, with and without them.`
        : `No change saves money on this ${formatUsd(spendCents)} workload; forecasting the next 12 months at ` +
          `${growthPhrase(growth)} anyway.`,
    parameters: {
      growth_rate_monthly: growth.monthly,
      horizons_months: [3, 6, 12],
      monthly_savings_usd: Math.min(totalCents, spendCents) / 100,
    },
  };
}

/** Answers of runs without failures, by spend, growth, forecast and the drafts found. */
const answers = new FrozenMemo<AgentAnswer>();

/** The agent_completed body: spend, chosen changes, the forecast with and without them, and why it is partial. */
function composeAnswer(
  run: AgentRun,
  findings: Findings,
  { cost, spendCents, growth }: Priced,
  forecast: SpendForecast | null,
): AgentAnswer {
  const chosen = findings.selected();
  const totalCents = findings.totalCents();
  const reasons = partialReasons(run, findings);
  const n = findings.modelNames.length;
  const parts: string[] = [];
  if (reasons.length > 0) parts.push(`Partial answer. ${reasons.join(' ')}`);
  parts.push(
    `Your ${plural(n, 'model')} (${listOf(findings.modelNames)}) cost ${formatUsd(spendCents)} a month today ` +
      `for ${formatCount(cost.total_requests_per_month)} requests.`,
  );
  if (chosen.length > 0) {
    parts.push(
      `${changes(chosen.length, 'saves', 'save')} an estimated ${savingsPhrase(totalCents, spendCents)}:\n` +
        `${recommendationLines(chosen)}\n`,
    );
  }
  const horizon = forecast ? lastHorizon(forecast) : undefined;
  if (forecast && horizon) {
    parts.push(
      `Over the next ${horizon.months} months at ${growthPhrase(growth)} you would spend ` +
        `${formatDollars(horizon.cumulative_spend_usd)}` +
        (chosen.length > 0
          ? `; with these changes ${formatDollars(horizon.cumulative_spend_with_recommendations_usd)}, ` +
            `${formatDollars(horizon.cumulative_savings_usd)} less.`
          : '.'),
    );
    const budget = budgetSentence(forecast, chosen.length > 0);
    if (budget) parts.push(budget);
  }
  parts.push('Prices are illustrative list prices from the provider price table.');
  return {
    status: reasons.length > 0 ? 'partial' : 'success',
    final_response: parts.join(' ').replace(/\n /g, '\n'),
    result: findings.toResult(),
  };
}
