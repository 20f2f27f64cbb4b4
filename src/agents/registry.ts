import { AgentFailure } from './errors';
import type { AgentAnswer, AgentIO, AgentRequest } from './types';
import { costOptimizerName, runCostOptimizer } from './cost-optimizer';
import { asksForForecast } from './request-hints';
import { runSpendForecaster, spendForecasterName } from './spend-forecaster';

type AgentRunner = (req: AgentRequest, io: AgentIO) => Promise<AgentAnswer>;

const agents = new Map<string, { description: string; run: AgentRunner }>([
  [costOptimizerName, { description: 'Finds routing, caching, batching and GPU savings.', run: runCostOptimizer }],
  [
    spendForecasterName,
    { description: 'Forecasts spend and budget, then the savings that bend it.', run: runSpendForecaster },
  ],
]);

/** Names of every agent; the first is the default. */
export const agentNames: readonly string[] = Object.freeze([...agents.keys()]);

/** One line per agent, for help texts and docs. */
export const agentDescriptions: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries([...agents].map(([name, agent]) => [name, agent.description])),
);

function unknownAgent(name: string): AgentFailure {
  return new AgentFailure(
    'UNKNOWN_AGENT',
    `There is no agent '${name.slice(0, 64)}'; the agents are ${agentNames.join(', ')}.`,
    { retryable: false },
  );
}

/** The agent for a request: the one it names, else spend_forecaster for forecasts and budgets, else cost_optimizer. */
export function chooseAgent(req: AgentRequest): string {
  if (req.agentName !== undefined) {
    if (!agents.has(req.agentName)) throw unknownAgent(req.agentName);
    return req.agentName;
  }
  return asksForForecast(req.userRequest) ? spendForecasterName : costOptimizerName;
}

/** Runs one agent to its answer through the provider's IO. */
export async function runAgent(name: string, req: AgentRequest, io: AgentIO): Promise<AgentAnswer> {
  const agent = agents.get(name);
  if (!agent) throw unknownAgent(name);
  return agent.run(req, io);
}
