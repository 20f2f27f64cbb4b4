import { centsToUsd, toCents } from '../pricing/money';
import { tokenCostUsd } from '../pricing/pricing';
import type { LatencySensitivity } from '../types';
import { readLatencyShares } from './parameters';
import type { ToolDefinition } from './tool-kit';

/**
 * Share of a model's requests that is simple enough for the family's cheaper model, by how much its callers care
 * about latency. Latency-sensitive (interactive) traffic is routed conservatively: a misrouted request that must be
 * retried on the big model costs the user a second round trip.
 */
export const defaultRoutableShare: Readonly<Record<LatencySensitivity, number>> = {
  low: 0.5,
  medium: 0.35,
  high: 0.15,
};

/** One model's routing figures (routing_simulator results.models[]). */
export interface ModelRouting {
  model: string;
  route_to: string;
  latency_sensitivity: LatencySensitivity;
  routable_share: number;
  routed_requests_per_month: number;
  current_token_cost_usd: number;
  routed_cost_before_usd: number;
  routed_cost_after_usd: number;
  monthly_savings_usd: number;
}

/** routing_simulator results. The total is the sum of the models' rounded savings. */
export interface RoutingSimulation {
  currency: 'USD';
  routable_share_by_latency: Record<LatencySensitivity, number>;
  models: ModelRouting[];
  skipped: { model: string; reason: 'no_cheaper_target' }[];
  total_monthly_savings_usd: number;
}

/**
 * routing_simulator: moving the simple share of each model's requests to the cheaper model of its family (the price
 * table's `route_to`); that share depends on latency sensitivity. Savings = share x (cost at the model's prices -
 * cost of the same tokens at the target's prices). Models without a cheaper target are listed under `skipped`.
 * Parameters: `routable_share_by_latency` ({ low, medium, high } shares in [0, 1]; defaults 0.5 / 0.35 / 0.15).
 */
export const routingSimulator: ToolDefinition = {
  name: 'routing_simulator',
  description: 'Savings from routing simple, latency-tolerant traffic to a cheaper model of the same family.',
  parameterKeys: ['routable_share_by_latency'],
  run(params, { models, prices, table }) {
    const shares = readLatencyShares(params, 'routable_share_by_latency', defaultRoutableShare);
    const routed: ModelRouting[] = [];
    const skipped: RoutingSimulation['skipped'] = [];
    for (const [index, entry] of models.entries()) {
      const price = prices[index];
      const target = price.route_to === null ? undefined : table.models.get(price.route_to);
      if (!target) {
        skipped.push({ model: entry.model, reason: 'no_cheaper_target' });
        continue;
      }
      const share = shares[entry.latency_sensitivity];
      const routedRequests = entry.requests_per_month * share;
      const { avg_input_tokens: input, avg_output_tokens: output } = entry;
      const currentUsd = tokenCostUsd(
        entry.requests_per_month,
        input,
        output,
        price.input_usd_per_1m,
        price.output_usd_per_1m,
      );
      const beforeUsd = tokenCostUsd(routedRequests, input, output, price.input_usd_per_1m, price.output_usd_per_1m);
      const afterUsd = tokenCostUsd(routedRequests, input, output, target.input_usd_per_1m, target.output_usd_per_1m);
      const beforeCents = toCents(beforeUsd);
      const afterCents = toCents(afterUsd);
      routed.push({
        model: entry.model,
        route_to: target.model,
        latency_sensitivity: entry.latency_sensitivity,
        routable_share: share,
        routed_requests_per_month: Math.round(routedRequests),
        current_token_cost_usd: centsToUsd(toCents(currentUsd)),
        routed_cost_before_usd: centsToUsd(beforeCents),
        routed_cost_after_usd: centsToUsd(afterCents),
        // Difference of the rounded figures, so the three numbers a user sees add up.
        monthly_savings_usd: centsToUsd(Math.max(0, beforeCents - afterCents)),
      });
    }
    const totalCents = routed.reduce((sum, row) => sum + toCents(row.monthly_savings_usd), 0);
    const result: RoutingSimulation = {
      currency: 'USD',
      routable_share_by_latency: shares,
      models: routed,
      skipped,
      total_monthly_savings_usd: centsToUsd(totalCents),
    };
    return result as unknown as Record<string, unknown>;
  },
};
