// Light shape checks of tool results as they come back through the provider (which may be another process or a
// chaos proxy): an agent only reads figures that are there. Anything else counts as a failed tool call.

function hasNumbers(results: Record<string, unknown>, keys: readonly string[], arrays: readonly string[]): boolean {
  return (
    keys.every((key) => typeof results[key] === 'number' && Number.isFinite(results[key])) &&
    arrays.every((key) => Array.isArray(results[key]))
  );
}

export const isCostAnalysis = (r: Record<string, unknown>): boolean =>
  hasNumbers(r, ['total_monthly_spend_usd', 'total_requests_per_month'], ['models']);

export const isRoutingSimulation = (r: Record<string, unknown>): boolean =>
  hasNumbers(r, ['total_monthly_savings_usd'], ['models', 'skipped']);

export const isCacheBatchEstimate = (r: Record<string, unknown>): boolean =>
  hasNumbers(
    r,
    ['caching_monthly_savings_usd', 'batching_monthly_savings_usd', 'total_monthly_savings_usd'],
    ['models'],
  );

export const isGpuRightsizing = (r: Record<string, unknown>): boolean =>
  hasNumbers(r, ['total_monthly_savings_usd', 'target_utilisation'], ['models']);

export const isSpendForecast = (r: Record<string, unknown>): boolean =>
  hasNumbers(r, ['current_monthly_spend_usd', 'growth_rate_monthly'], ['horizons']);
