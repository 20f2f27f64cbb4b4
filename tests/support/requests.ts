// Requests the tier tests send: real cost-optimisation work that makes the agents call several tools.
import type { StartAgent, Workload } from '../../generated/types';

/** A workload that self-hosts one model, so cost_optimizer calls all five tools (incl. gpu_rightsizer). */
export const MULTI_TOOL_WORKLOAD: Workload = {
  workload: [
    {
      model: 'gpt-4o',
      requests_per_month: 1_200_000,
      avg_input_tokens: 1800,
      avg_output_tokens: 350,
      latency_sensitivity: 'high',
      cache_hit_potential: 0.35,
    },
    {
      model: 'claude-3-5-sonnet',
      requests_per_month: 400_000,
      avg_input_tokens: 2500,
      avg_output_tokens: 600,
      latency_sensitivity: 'low',
      batchable_share: 0.4,
    },
    {
      model: 'llama-3.1-70b',
      requests_per_month: 900_000,
      avg_input_tokens: 1200,
      avg_output_tokens: 300,
      gpu_hours_per_month: 1440,
    },
  ],
  monthly_budget_usd: 20_000,
};

type StartExtras = Omit<StartAgent, 'type' | 'request_id'>;

/** A multi-tool cost optimisation request (cost_analyzer, routing_simulator, cache_batch_estimator, gpu_rightsizer, spend_forecaster). */
export const MULTI_TOOL_REQUEST: StartExtras = {
  user_request: 'Where can I cut our LLM inference spend without hurting latency? We grow 8% a month.',
  agent_name: 'cost_optimizer',
  context: MULTI_TOOL_WORKLOAD,
};

/** A forecasting request (spend_forecaster agent). */
export const FORECAST_REQUEST: StartExtras = {
  user_request: 'Forecast our AI spend for the next 18 months; usage rises 60% per year.',
};

/** The minimal request: the server uses the user's sample workload. */
export const MINIMAL_REQUEST: StartExtras = { user_request: 'Optimise my AI costs.' };
